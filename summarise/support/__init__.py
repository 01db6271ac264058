"""Helpers every layer may use: optional-dependency checks and install hints."""
