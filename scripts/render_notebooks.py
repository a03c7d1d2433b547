"""Execute every notebook and write a readable HTML copy of it under docs/notebooks/ (`make notebooks`).

    python scripts/render_notebooks.py              # all of notebooks/*.ipynb
    python scripts/render_notebooks.py 05_ml_evals  # one

The notebooks stay committed without outputs; the HTML copies carry the outputs (tables, charts as inline
PNG), so a reader of the repository sees what they show without running them. Runs with no network: MLflow
writes to a throwaway store (notebook 03 then makes its own runs), LiteLLM's cost map is read locally.
Rendering uses nbclient, nbformat and markdown-it-py (the dev extras declare all three); no nbconvert.
"""

from __future__ import annotations

import html
import os
import shutil
import sys
import tempfile
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
OUT = ROOT / "docs" / "notebooks"
STYLE = """body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222;line-height:1.45}
pre{background:#f6f8fa;padding:.7em;overflow-x:auto;font-size:12.5px;border-radius:4px}
pre.in{border-left:3px solid #4a7bd0}pre.err{background:#fde8e8}img{max-width:100%}
table{border-collapse:collapse;font-size:12.5px;margin:.5em 0}td,th{border:1px solid #ddd;padding:2px 6px;text-align:right}
.out{margin:0 0 1.2em 0}.note{color:#666;font-size:13px}"""


def _markdown(text: str) -> str:
    try:
        from markdown_it import MarkdownIt
    except ImportError:  # pragma: no cover - a dev extra (and a dependency of rich): only a bare install lacks it
        return f"<pre>{html.escape(text)}</pre>"
    return MarkdownIt("commonmark").enable("table").render(text)


def _output(o) -> str:
    if o.output_type == "stream":
        return f"<pre>{html.escape(o.text)}</pre>"
    if o.output_type == "error":
        return f"<pre class='err'>{html.escape(o.ename)}: {html.escape(o.evalue)}</pre>"
    data = o.get("data", {})
    if "image/png" in data:
        return f"<img alt='chart' src='data:image/png;base64,{data['image/png'].strip()}'>"
    if "text/html" in data:
        return data["text/html"]
    if "text/plain" in data:
        return f"<pre>{html.escape(data['text/plain'])}</pre>"
    return ""


def render(nb, title: str, source: str) -> str:
    parts = [f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(title)}</title>",
             f"<style>{STYLE}</style></head><body>",
             f"<p class='note'>Executed copy of <code>{html.escape(source)}</code>, written by "
             "<code>make notebooks</code> (<code>scripts/render_notebooks.py</code>); the notebook itself is "
             "committed without outputs.</p>"]
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            parts.append(_markdown(cell.source))
        elif cell.cell_type == "code":
            parts.append(f"<pre class='in'><code>{html.escape(cell.source)}</code></pre>")
            parts.append("<div class='out'>" + "".join(_output(o) for o in cell.get("outputs", [])) + "</div>")
    return "\n".join(parts + ["</body></html>"])


def main(argv: list[str]) -> int:
    paths = sorted(NOTEBOOKS.glob("*.ipynb"))
    if argv:
        paths = [p for p in paths if p.stem in argv]
    OUT.mkdir(parents=True, exist_ok=True)
    had_mlruns = (NOTEBOOKS / "mlruns").exists()
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["MLFLOW_TRACKING_URI"] = f"sqlite:///{Path(tmp) / 'mlflow.db'}"
        os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
        os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
        for path in paths:
            nb = nbformat.read(path, as_version=4)
            NotebookClient(nb, timeout=900, kernel_name="python3",
                           resources={"metadata": {"path": str(NOTEBOOKS)}}).execute()
            errors = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
                      if o.output_type == "error"]
            out = OUT / f"{path.stem}.html"
            out.write_text(render(nb, path.stem, f"notebooks/{path.name}"))
            print(f"{out.relative_to(ROOT)}: {out.stat().st_size // 1024} KB{', ERRORS' if errors else ''}")
            if errors:
                return 1
    if not had_mlruns:  # artifacts of the throwaway store's runs land beside the notebooks
        shutil.rmtree(NOTEBOOKS / "mlruns", ignore_errors=True)
    index = ["<!doctype html><html><head><meta charset='utf-8'><title>RxFlow notebooks</title>",
             f"<style>{STYLE}</style></head><body><h1>RxFlow notebooks, executed</h1><ul>"]
    for html_path in sorted(OUT.glob("[0-9]*.html")):
        index.append(f"<li><a href='{html_path.name}'>{html_path.stem}</a></li>")
    (OUT / "index.html").write_text("\n".join(index + ["</ul></body></html>"]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
