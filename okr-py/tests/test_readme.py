"""The README's Python snippets run as written, from the repository root."""

from __future__ import annotations

import contextlib
import io
import os
import re

from conftest import ROOT


def test_readme_python_snippets_run() -> None:
    readme = (ROOT / "README.md").read_text()
    blocks = re.findall(r"```python\n(.*?)```", readme, flags=re.S)
    assert len(blocks) == 2
    namespace: dict = {}
    out = io.StringIO()
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        with contextlib.redirect_stdout(out):
            for block in blocks:
                exec(compile(block, "README.md", "exec"), namespace)
    finally:
        os.chdir(cwd)
    text = out.getvalue()
    assert text.startswith("Scores(score=")
    assert namespace["objectives_arrow"].num_rows == 27
    # The load error lists the typo with its position and the closest key, and the
    # missing fields: every problem at once.
    assert "3:13: objectives[0].titel: unknown field `titel`, did you mean `title`?" in text
    assert "objectives[0].title: missing required field `title`" in text
