"""The example notebook runs clean, headless, and writes its figures."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import nbformat
from nbclient import NotebookClient

NOTEBOOK = Path(__file__).resolve().parents[1] / "examples" / "cycle-outcomes.ipynb"
FIGURES = ("contribution.png", "engagement.png", "score-distribution.png")


def test_notebook_runs_clean_and_writes_its_figures(tmp_path: Path) -> None:
    work = NOTEBOOK.parent
    figures = work / "figures"
    shutil.rmtree(figures, ignore_errors=True)
    nb = nbformat.read(NOTEBOOK, as_version=4)
    env_before = os.environ.get("OKR_NOTEBOOK_DIR")
    os.environ["OKR_NOTEBOOK_DIR"] = str(work)
    try:
        # Raises CellExecutionError (with the traceback) if any cell fails.
        NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(work)}}).execute()
    finally:
        if env_before is None:
            os.environ.pop("OKR_NOTEBOOK_DIR", None)
        else:
            os.environ["OKR_NOTEBOOK_DIR"] = env_before
    for name in FIGURES:
        png = figures / name
        assert png.is_file() and png.read_bytes().startswith(b"\x89PNG"), name
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    # The last cell lists the figures; the cascade rendered as HTML in the first.
    assert "text/html" in nb.cells[1].outputs[-1]["data"]
    text = nb.cells[-1].outputs[-1]["data"]["text/plain"]
    assert all(name in text for name in FIGURES)
    nbformat.write(nb, tmp_path / "executed.ipynb")
