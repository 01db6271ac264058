"""The per-article flow: options, translation, summary, results and their signature, the ``Summariser``."""
