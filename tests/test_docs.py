"""The README stays a short front door; its links and the docs site's pages exist (.ci/run builds the site strictly)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_the_readme_is_short_and_opens_with_the_two_commands():
    assert len(README.splitlines()) <= 200
    blocks = re.findall(r"```bash\n(.*?)```", README, re.S)
    assert blocks[0].strip() == (
        "python3 -m venv .venv && .venv/bin/pip install torch==2.13.0 && .venv/bin/pip install . && "
        ".venv/bin/summarise run examples/article_fr.txt"
    )
    assert blocks[1].strip() == "bash .ci/run"
    assert (ROOT / "examples" / "article_fr.txt").is_file() and (ROOT / ".ci" / "run").is_file()


def test_every_link_of_the_readme_and_every_page_of_the_site_exists():
    links = re.findall(r"\]\((docs/[^)#]+)\)", README)
    assert len(links) >= 8 and [link for link in links if not (ROOT / link).is_file()] == []
    nav = re.findall(r"^\s+- [^:]+: (\S+\.md)$", (ROOT / "mkdocs.yml").read_text(encoding="utf-8"), re.M)
    pages = sorted(path.name for path in (ROOT / "docs").glob("*.md"))
    assert sorted(nav) == pages  # every page is in the navigation, and every entry has its page
