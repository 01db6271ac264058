"""Checks on what the models wrote: per-sentence quality flags, and the fact checks of pairs and summaries.

Layer: above ``text | inputs | models``, below the pipeline that runs them.
"""

from __future__ import annotations

from ._attribution import attribute, summary_sentences, Support, SummarySentence, with_unsupported
from ._facts import (
    SUMMARY_DESCRIPTIONS,
    SUMMARY_FLAGS,
    SUMMARY_LABELS,
    PairCheck,
    Renderings,
    SummaryCheck,
    check_pair,
    check_summary,
    describe_details,
    describe_summary_details,
)
from ._quality import (
    FLAG_DESCRIPTIONS,
    FLAGS,
    QualitySummary,
    document_quality,
    explain,
    flag_pair,
    is_flagged,
    label,
    loop_flagged,
    repetition_score,
)


__all__ = [
    "attribute",
    "check_pair",
    "check_summary",
    "describe_details",
    "describe_summary_details",
    "document_quality",
    "explain",
    "FLAG_DESCRIPTIONS",
    "flag_pair",
    "FLAGS",
    "is_flagged",
    "label",
    "loop_flagged",
    "PairCheck",
    "QualitySummary",
    "Renderings",
    "repetition_score",
    "SUMMARY_DESCRIPTIONS",
    "SUMMARY_FLAGS",
    "SUMMARY_LABELS",
    "summary_sentences",
    "SummaryCheck",
    "Support",
    "SummarySentence",
    "with_unsupported",
]
