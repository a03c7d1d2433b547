"""The notebooks execute from top to bottom (and are committed without outputs)."""

from __future__ import annotations

import nbformat
import pytest
from conftest import ROOT
from nbclient import NotebookClient

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def test_the_notebooks_exist():
    assert [p.name for p in NOTEBOOKS] == ["01_mock_world.ipynb", "02_tool_outputs.ipynb", "03_eval_results.ipynb",
                                          "04_refill_decisions.ipynb", "05_ml_evals.ipynb"]


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs(path, tmp_path, monkeypatch, mlflow_uri):
    # Notebook 03 runs an eval when none is recorded: here a small one (the first 10 blind probes, probe-008
    # failing), the same code as dev and a probe set in `make notebooks`, in a fraction of the time.
    small = tmp_path / "unseen_phrasings_10.jsonl"
    small.write_text("".join((ROOT / "datasets" / "probes" / "unseen_phrasings.jsonl").read_text().splitlines(True)[:10]))
    monkeypatch.setenv("RXFLOW_NB_DATASETS", str(small))
    monkeypatch.setenv("RXFLOW_NB_SAMPLE", "15")  # notebook 05: each set's first 15 conversations
    nb = nbformat.read(path, as_version=4)
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code"), "commit notebooks without outputs"
    NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(ROOT / "notebooks")}}).execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.output_type == "error"]
    if path.stem == "05_ml_evals":  # intervals, a confusion matrix per step with a class, latency: all drawn
        assert sum("image/png" in o.get("data", {}) for o in outputs) >= 6
    if path.stem == "03_eval_results":  # the chart is drawn inline, and a run's failures are opened
        assert any("image/png" in o.get("data", {}) for o in outputs)
        assert any("failed conversations" in o.get("text", "") for o in outputs)


def test_every_notebook_has_its_executed_html_copy():
    """`make notebooks` writes docs/notebooks/<name>.html (outputs and charts inline) for each notebook."""
    docs = ROOT / "docs" / "notebooks"
    for path in NOTEBOOKS:
        page = (docs / f"{path.stem}.html").read_text()
        assert f"notebooks/{path.name}" in page and "class='err'" not in page
    assert "data:image/png;base64," in (docs / "05_ml_evals.html").read_text()

