"""The notebook display: a collapsible tree with status-coloured bars and findings, all
user text escaped."""

from __future__ import annotations

import html.parser
from typing import List

import okr
from conftest import EXAMPLES, SMALL


class _Balance(html.parser.HTMLParser):
    VOID = {"br", "img", "hr", "input", "meta", "link"}

    def __init__(self) -> None:
        super().__init__()
        self.stack: List[str] = []
        self.errors: List[str] = []
        self.scripts = 0

    def handle_starttag(self, tag: str, attrs: object) -> None:
        if tag == "script":
            self.scripts += 1
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack.pop() != tag:
            self.errors.append(tag)


def _parse(text: str) -> _Balance:
    p = _Balance()
    p.feed(text)
    p.close()
    return p


def test_scorecard_html_is_a_balanced_tree_with_findings() -> None:
    card = okr.loads(SMALL).score(as_of="2021-10-01")
    page = card._repr_html_()
    p = _parse(page)
    assert p.errors == [] and p.stack == [] and p.scripts == 0
    assert page.count("<details") >= 3  # top, a, b (with their key results) + all findings
    assert "<code>top</code>" in page and "<code>ka</code>" in page
    # a is off track (see test_api) and coloured so; stale check-ins are listed.
    assert "off_track" in page and "#c62828" in page
    assert "warning[stale_check_in]" in page
    assert page.index("<code>top</code>") < page.index("<code>a</code>") < page.index("<code>ka</code>")


def test_document_html_and_example() -> None:
    page = okr.load(EXAMPLES / "engineering-2021-h2.yaml")._repr_html_()
    p = _parse(page)
    assert p.errors == [] and p.stack == []


def test_user_text_is_escaped() -> None:
    evil = "<img src=x onerror=alert(1)>&<script>"
    doc = okr.loads(
        f"""
version: 1
cycles: [{{id: H2, start: 2021-07-01, end: 2021-12-31}}]
objectives:
  - id: "<b>o</b>"
    title: "{evil}"
    cycle: H2
    level: company
    key_results: [{{id: "k<", title: "{evil}", kind: binary}}]
"""
    )
    page = doc.score(as_of="2021-10-01")._repr_html_()
    assert "<img" not in page and "<script" not in page and "<b>o</b>" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;&amp;&lt;script&gt;" in page
    assert _parse(page).scripts == 0
