"""The version, a leaf every layer may import (never the package root)."""

__version__ = "0.1.0"
