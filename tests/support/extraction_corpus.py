"""Every real-shaped page used to score HTML extraction, in one tuple.

:data:`ALL_PAGES`: the 24 pages of :mod:`tests.support.extraction_pages` (furniture, wrappers, tables),
the pages of :mod:`tests.support.extraction_pages_tail` (issue 25: text after the article, bodies cut
short) and :mod:`tests.support.extraction_pages_variants` (the same classes in other markup).
"""

from __future__ import annotations

from tests.support.extraction_pages import PAGES, Page
from tests.support.extraction_pages_tail import TAIL_PAGES
from tests.support.extraction_pages_variants import VARIANT_PAGES

__all__ = ["ALL_PAGES", "ISSUE25_PAGES", "PAGES", "Page"]

#: The pages written for issue 25.
ISSUE25_PAGES: tuple[Page, ...] = (*TAIL_PAGES, *VARIANT_PAGES)
ALL_PAGES: tuple[Page, ...] = (*PAGES, *ISSUE25_PAGES)
