"""The site's stylesheets as one bundle per set of pages, holding only the rules some page
uses (the theme's CSS is large; most of it styles things the book never shows)."""

from __future__ import annotations

import hashlib
import html
import os
import re
from pathlib import Path

from .lighten import site_pages

STYLESHEET = re.compile(r'[ \t]*<link (?=[^>]*rel="stylesheet")(?![^>]*media="print")[^>]*href="([^"]+)"[^>]*/?>\n?')
# The bundle's link, with the stylesheets it was made from (hrefs as the page had them).
BUNDLED = re.compile(r'[ \t]*<link rel="stylesheet" href="[^"]*fraudbook-bundle-[0-9a-f]+\.css" data-from="([^"]*)" />\n?')
IMPORT = re.compile(r'@import\s+(?:url\()?"([^"]+)"\)?\s*;')
URL = re.compile(r'url\((["\']?)(?!data:|https?:|#)([^)"\']+)\1\)')
# Font Awesome's icon classes and font faces: the pages draw their icons from fraudbook.css.
FA_RULES = re.compile(r'\.fa-[a-z0-9-]+:(?:before|after)\{content:"[^"]*"\}|'
                      r'@font-face\{[^}]*Font Awesome[^}]*\}')


def _css_text(path: Path, static: Path, seen: set) -> str:
    """A stylesheet with its @imports inlined and its url()s made relative to _static/."""
    if path in seen or not path.exists():
        return ""
    seen.add(path)
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"/\*# sourceMappingURL=[^*]*\*/", "", text)
    text = IMPORT.sub(lambda m: _css_text((path.parent / m.group(1)).resolve(), static, seen), text)
    text = FA_RULES.sub("", text)

    def rebase(m):
        target = (path.parent / m.group(2)).resolve()
        return f'url("{os.path.relpath(target, static).replace(os.sep, "/")}")'

    return URL.sub(rebase, text)


# Words in the site's own scripts: a class a script adds at run time ("show", "active") is
# one of them, so the rules for it are kept.
WORD = re.compile(r"[A-Za-z_][\w-]*")
CLASS_NAME = re.compile(r'\bclass="([^"]*)"')
# Classes Bootstrap builds from parts at run time ("bs-tooltip-" + placement): always kept.
BUILT_AT_RUN_TIME = re.compile(r"^(?:bs-|tooltip|popover)")
# At-rules that hold style rules (filtered inside); any other at-rule is kept as it is.
GROUPING = ("media", "supports", "layer", "container")


def used_classes(html_dir: Path) -> set[str]:
    """Every class a page of the site carries, and every word of the site's scripts."""
    used: set[str] = set()
    for page in html_dir.rglob("*.html"):
        for m in CLASS_NAME.finditer(page.read_text(encoding="utf-8", errors="replace")):
            used.update(html.unescape(m.group(1)).split())
    # The Vega bundle too: vega-embed wraps an interactive chart in classes of its own.
    for script in (html_dir / "_static").rglob("*.js"):
        used.update(WORD.findall(script.read_text(encoding="utf-8", errors="replace")))
    return used


def _selector_used(tokens, used: set[str]) -> bool:
    """A selector (tinycss2 tokens) can match only if every class it names is used; classes
    inside :not(), :is(), :where() and :has() are not required."""
    prev = None
    for tok in tokens:
        if tok.type == "ident" and prev is not None and prev.type == "literal" and prev.value == ".":
            if tok.value not in used and not BUILT_AT_RUN_TIME.match(tok.value):
                return False
        prev = tok
    return True


def purge_css(css: str, used: set[str]) -> str:
    """The stylesheet without the style rules whose every selector names a class no page
    and no script uses (tinycss2 parses it). The theme ships Bootstrap whole: about two
    thirds of its rules style nothing here, yet every page's first style pass reads them."""
    import tinycss2

    def rules(nodes) -> list[str]:
        out = []
        for node in nodes:
            if node.type == "qualified-rule":
                selectors, current = [], []
                for tok in node.prelude:
                    if tok.type == "literal" and tok.value == ",":
                        selectors.append(current)
                        current = []
                    else:
                        current.append(tok)
                selectors.append(current)
                kept = [tinycss2.serialize(sel).strip() for sel in selectors if _selector_used(sel, used)]
                if kept:
                    out.append(",".join(kept) + "{" + tinycss2.serialize(node.content) + "}")
            elif node.type == "at-rule" and node.lower_at_keyword in GROUPING and node.content is not None:
                inner = rules(tinycss2.parse_rule_list(node.content, skip_comments=True, skip_whitespace=True))
                if inner:
                    out.append(f"@{node.at_keyword}{tinycss2.serialize(node.prelude)}{{{''.join(inner)}}}")
            elif node.type in ("at-rule", "qualified-rule"):
                out.append(tinycss2.serialize([node]))
        return out

    parsed = tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True)
    return "\n".join(rules(parsed)) + "\n"


def bundle_css(html_dir: Path) -> int:
    """One stylesheet per set of stylesheets a page links (in their order, @imports inlined,
    Font Awesome's unused classes and fonts left out, then every rule for classes the site
    never uses: purge_css), linked in their place: one request on the critical path instead
    of seven, and a much smaller one. Returns the bundles written."""
    static = (html_dir / "_static").resolve()
    bundles: dict[str, str] = {}
    used = used_classes(html_dir)
    for page in site_pages(html_dir):
        text = page.read_text(encoding="utf-8")
        head, sep, rest = text.partition("</head>")
        # A page bundled by an earlier build (Sphinx did not write it again) is bundled anew
        # from the stylesheets its bundle records: an edited stylesheet reaches every page.
        head = BUNDLED.sub(lambda m: "".join(f'<link rel="stylesheet" href="{h}" />\n'
                                             for h in m.group(1).split()), head)
        links = [m for m in STYLESHEET.finditer(head) if "fraudbook-bundle-" not in m.group(1)]
        if len(links) < 2:
            continue
        files = [(page.parent / html.unescape(m.group(1)).split("?")[0]).resolve() for m in links]
        if not all(f.exists() and static in f.parents for f in files):
            continue
        seen: set = set()
        css = purge_css("\n".join(_css_text(f, static, seen) for f in files), used)
        name = "fraudbook-bundle-" + hashlib.sha1(css.encode("utf-8")).hexdigest()[:12] + ".css"
        bundles[name] = css
        href = os.path.relpath(static / name, page.parent).replace(os.sep, "/")
        pieces, pos = [], 0
        for i, m in enumerate(links):
            pieces.append(head[pos:m.start()])
            if i == 0:
                sources = " ".join(m.group(1) for m in links)
                pieces.append(f'<link rel="stylesheet" href="{href}" data-from="{sources}" />\n')
            pos = m.end()
        head = "".join(pieces) + head[pos:]
        page.write_text(head + sep + rest, encoding="utf-8")
    for name, css in bundles.items():
        target = static / name
        if not target.exists() or target.read_text(encoding="utf-8") != css:
            target.write_text(css, encoding="utf-8")
    # A page rebuilt with other stylesheets leaves its old bundle behind (Sphinx keeps its work
    # folder): remove every bundle no page links, so the site ships none that is unused.
    linked = {m.group(0) for page in site_pages(html_dir)
              for m in re.finditer(r"fraudbook-bundle-[0-9a-f]+\.css", page.read_text(encoding="utf-8"))}
    for old_bundle in static.glob("fraudbook-bundle-*.css*"):
        if old_bundle.name.removesuffix(".gz") not in linked:
            old_bundle.unlink()
    return len(bundles)
