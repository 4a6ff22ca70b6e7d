"""Sphinx extension for the book's pages (listed in _config.yml under sphinx.extra_extensions).

- Drops sphinx-thebe's scripts: Jupyter Book 1 always loads that extension, which declares
  `const THEBE_JS_URL` twice on every page (a page error) and names a CDN; the book has no
  live code, so neither is wanted.
- Gives every page a `<meta name="description">` from its own first paragraph.
- Sets the theme's default colour mode ("auto"), whose absence is a console error.
- Writes the data's last-updated date in the footer: the date of the last commit that touched
  data/ (or, outside a git checkout, the newest source's publication date).
"""

from __future__ import annotations

import html
import re
import subprocess

from ..paths import DATA, ROOT

DESCRIPTION_CHARS = 200


def data_last_updated() -> str:
    """ISO date of the last change to data/, from git; else the newest source date."""
    try:
        out = subprocess.run(["git", "log", "-1", "--format=%cs", "--", "data"], cwd=ROOT,
                             capture_output=True, text=True, timeout=20)
        if out.returncode == 0 and re.fullmatch(r"\d{4}-\d{2}-\d{2}", out.stdout.strip()):
            return out.stdout.strip()
    except (OSError, subprocess.SubprocessError):
        pass
    from ..data.load import load

    return max(d for d in load(DATA).sources["date_published"] if d)


def _config_inited(app, config) -> None:
    from ..data.claims import edition, links_sentence
    from ..data.load import load

    when = data_last_updated()
    # Every claim the footer makes is computed from the data (fraudbook.data.claims).
    footer = (f'<p class="fraudbook-footer">Edition {html.escape(edition(ROOT))}. Data last updated: '
              f'<time datetime="{when}">{when}</time>. {html.escape(links_sentence(load(DATA)))}</p>')
    options = dict(config.html_theme_options or {})
    options["extra_footer"] = footer
    config.html_theme_options = options


def _first_paragraph(body: str) -> str:
    for para in re.findall(r"<p>(.*?)</p>", body, flags=re.S):
        text = re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", "", para))).strip()
        if len(text) > 40:
            if len(text) > DESCRIPTION_CHARS:
                text = text[:DESCRIPTION_CHARS].rsplit(" ", 1)[0] + "…"
            return text
    return ""


def _page_context(app, pagename, templatename, context, doctree) -> None:
    # Left empty, the theme logs "Got invalid theme mode" on every page: follow the reader's
    # system setting instead.
    if not context.get("default_mode"):
        context["default_mode"] = "auto"
    scripts = context.get("script_files", [])
    context["script_files"] = [
        s for s in scripts
        if "thebe" not in str(getattr(s, "filename", s) or "")
        and "THEBE_JS_URL" not in str(getattr(s, "attributes", {}).get("body", ""))
    ]
    description = _first_paragraph(context.get("body", "")) or app.config.project
    tag = f'<meta name="description" content="{html.escape(description, quote=True)}" />\n'
    context["metatags"] = context.get("metatags", "") + tag


def setup(app):
    app.connect("config-inited", _config_inited)
    app.connect("html-page-context", _page_context, priority=900)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
