"""What goes in: reading and decoding one document, HTML extraction, archives, tables and URLs."""
