"""Checks on translations and summaries: per-sentence quality flags and the summary's fact checks."""
