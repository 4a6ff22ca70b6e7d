"""A standalone HTML preview of one executed notebook (what `make run` writes): the page's
prose with its glued numbers and charts in place, readable without Jupyter or a site build.

Glued values are substituted for the `{glue:md}` roles and `{glue:figure}` / `{glue}`
directives; the charts are drawn by the book's own script and the Vega bundle in _static/,
so the preview loads nothing from another host.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

from ..kit import charts
from ..kit.escape import html_text
from ..paths import Layout

PREFIX = "application/papermill.record/"
ROLE = re.compile(r"\{glue(?::md|:text)?\}`([^`]+)`")
DIRECTIVE = re.compile(r"```\{glue(?::figure|:any)?\}\s+(\S+)\n(.*?)```", re.S)
MYST_ONLY = re.compile(r"^\([A-Za-z0-9_-]+\)=\s*$|^:[a-z-]+:.*$", re.M)


def glued(nb: dict) -> dict[str, dict]:
    """name -> its glued output's data (mime -> content)."""
    out = {}
    for cell in nb["cells"]:
        for o in cell.get("outputs", []):
            name = o.get("metadata", {}).get("scrapbook", {}).get("name")
            if name:
                out[name] = {k[len(PREFIX):]: v for k, v in o.get("data", {}).items()
                             if k.startswith(PREFIX)}
    return out


def _as_html(data: dict, md) -> str:
    if "text/html" in data:
        return "".join(data["text/html"])
    if "text/markdown" in data:
        return md.render("".join(data["text/markdown"]))
    return html_text("".join(data.get("text/plain", "")))


def render(nb: dict) -> str:
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": True}).enable("table")
    values = glued(nb)

    def inline(name: str) -> str:
        data = values.get(name, {})
        if "text/markdown" in data:
            return md.renderInline("".join(data["text/markdown"]))
        return html_text("".join(data.get("text/plain", ""))) if data else f"[{html_text(name)}?]"

    parts = []
    for cell in nb["cells"]:
        tags = cell.get("metadata", {}).get("tags", [])
        if cell["cell_type"] == "markdown":
            src = "".join(cell["source"])
            blocks = {}

            def block(m, blocks=blocks):
                key = f"GLUEBLOCK{len(blocks)}"
                caption = ROLE.sub(lambda r: inline(r.group(1)), MYST_ONLY.sub("", m.group(2)))
                blocks[key] = (f'<figure>{_as_html(values.get(m.group(1), {}), md)}'
                               f"<figcaption>{md.renderInline(caption.strip())}</figcaption></figure>")
                return f"\n\n{key}\n\n"

            src = DIRECTIVE.sub(block, src)
            src = MYST_ONLY.sub("", src)
            src = re.sub(r"\{numref\}`[^`]*`", "the figure", src)
            html = md.render(ROLE.sub(lambda r: inline(r.group(1)), src))
            for key, value in blocks.items():
                html = html.replace(f"<p>{key}</p>", value)
            parts.append(html)
        elif "remove-cell" not in tags and "remove-output" not in tags:
            for o in cell.get("outputs", []):
                data = o.get("data", {})
                if any(k.startswith(PREFIX) for k in data):
                    continue
                if "text/html" in data or "text/markdown" in data:
                    parts.append(_as_html(data, md))
                elif o.get("output_type") == "stream" and o.get("name") == "stdout":
                    parts.append(f"<pre>{html_text(''.join(o.get('text', '')))}</pre>")
    return "\n".join(parts)


def write_preview(notebook: Path, layout: Layout) -> Path:
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    charts.write_vendor_bundle(layout.static)
    static = os.path.relpath(layout.static, notebook.parent).replace(os.sep, "/")
    page = notebook.with_suffix(".html")
    page.write_text(
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>Preview: {html_text(notebook.stem)}</title>"
        f'<link rel="stylesheet" href="{static}/fraudbook.css">'
        "<style>body{max-width:52rem;margin:2rem auto;padding:0 1rem;font-family:system-ui,sans-serif}"
        "</style></head><body>"
        f'<p><em>Preview of {html_text(notebook.name)}: not the published page.</em></p>'
        f"{render(nb)}"
        f'<script src="{static}/{charts.VENDOR_BUNDLE}"></script>'
        f'<script src="{static}/fraudbook-charts.js"></script></body></html>\n',
        encoding="utf-8")
    return page
