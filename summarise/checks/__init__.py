"""Checks on what the models wrote: per-sentence quality flags, and the fact checks of pairs and summaries.

Layer: above ``text | inputs | models``, below the pipeline that runs them.
"""

from __future__ import annotations

from .facts import SUMMARY_DESCRIPTIONS, SUMMARY_FLAGS, PairCheck, SummaryCheck, check_pair, check_summary
from .quality import FLAG_DESCRIPTIONS, FLAGS, QualitySummary, document_quality, explain, flag_pair

__all__ = [
    "check_pair",
    "check_summary",
    "document_quality",
    "explain",
    "FLAG_DESCRIPTIONS",
    "flag_pair",
    "FLAGS",
    "PairCheck",
    "QualitySummary",
    "SUMMARY_DESCRIPTIONS",
    "SUMMARY_FLAGS",
    "SummaryCheck",
]
