"""The site: Jupyter Book renders the committed pages with no warning; a broken page changes nothing."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml

from fraudbook.paths import ROOT, Layout
from fraudbook.pipeline.errors import BuildError
from fraudbook.pipeline.site import build_site

# Builds, executes notebooks or renders the site: left out of `make test-fast`.
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def site(built_site) -> Path:
    return built_site


def _toc_files() -> list[str]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = [toc["root"]]

    def walk(entries):
        for e in entries or []:
            if "file" in e:
                files.append(e["file"])
            if "glob" in e:
                files.extend(str(p.relative_to(ROOT).with_suffix(""))
                             for p in sorted(ROOT.glob(e["glob"] + ".*")))
            walk(e.get("sections"))

    for part in toc.get("parts", []):
        walk(part.get("chapters"))
    return files


def test_every_toc_page_is_built(site):
    assert (site / "index.html").exists()
    for f in _toc_files():
        assert (site / f"{f}.html").exists(), f"no page for {f}"


def test_every_executed_page_is_in_the_toc():
    listed = set(_toc_files())
    for nb in (ROOT / "book").rglob("*.ipynb"):
        page = nb.relative_to(ROOT).with_suffix("").as_posix()
        assert page in listed, f"{page} is executed but not in _toc.yml"


def test_pages_hold_no_machine_paths_and_load_nothing_from_other_hosts(site):
    for page in site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert str(ROOT) not in text, f"{page.name} contains {ROOT}"
        outside = re.findall(r'<(?:script|link)[^>]+(?:src|href)="(https?://[^"]+)"', text)
        assert not outside, f"{page.name} loads {outside}"


def test_charts_are_served_locally(site):
    # Charts are drawn at build time (SVG files in a <picture>); the Vega bundle, served from the site itself,
    # is fetched by the deferred drawing script only to add interaction, and only on chart pages.
    bundle = site / "_static" / "vendor" / "vega-bundle.js"
    assert bundle.exists() and bundle.stat().st_size > 100_000
    script = (site / "_static" / "fraudbook-charts.js").read_text(encoding="utf-8")
    assert '"vendor/vega-bundle.js"' in script
    index = (site / "book" / "index.html").read_text(encoding="utf-8")
    assert 'class="fraudbook-chart"' in index and '<picture><source media=' in index
    assert re.search(r'<script defer="defer" src="[^"]*_static/fraudbook-charts\.js', index)
    about = (site / "book" / "about.html").read_text(encoding="utf-8")
    assert "fraudbook-charts.js" not in about and "vega-bundle" not in about
    assert not re.search(r"<script[^>]+src=\"https?://", index + about)


def test_failed_site_build_keeps_the_previous_site(tmp_path):
    for name in ("_config.yml", "_toc.yml"):
        shutil.copy(ROOT / name, tmp_path / name)
    for folder in ("book", "_static", "data"):
        shutil.copytree(ROOT / folder, tmp_path / folder, ignore=shutil.ignore_patterns("vendor"))
    old = tmp_path / "_build" / "html"
    old.mkdir(parents=True)
    (old / "index.html").write_text("PREVIOUS SITE")
    about = tmp_path / "book" / "about.md"
    about.write_text(about.read_text() + "\nSee {numref}`fig-that-does-not-exist`.\n")
    with pytest.raises(BuildError, match="jupyter-book build failed"):
        build_site(Layout(tmp_path), log=lambda *a: None)
    assert (old / "index.html").read_text() == "PREVIOUS SITE"
