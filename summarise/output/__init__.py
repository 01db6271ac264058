"""What comes out: the text, Markdown, JSON and HTML renderings, and safe file writing."""
