"""Two builds from the same inputs give the same pages: notebooks byte for byte, HTML but for
build timestamps (checked on a small subset of real runs)."""

from __future__ import annotations

import re

import pytest

from fraudbook.paths import Layout
from fraudbook.pipeline.execute import execute_run
from fraudbook.pipeline.site import build_site
from fraudbook.pipeline.steps import plan

# Builds, executes notebooks or renders the site: left out of `make test-fast`.
pytestmark = pytest.mark.slow

SUBSET = ("key-figures", "timeline")


@pytest.fixture(scope="module")
def runs():
    return [r for r in plan() if r.name in SUBSET]


def test_executing_twice_gives_identical_notebooks(runs, tmp_path, monkeypatch):
    outputs = []
    for attempt in ("a", "b"):
        monkeypatch.setenv("FRAUDBOOK_BUILD_DIR", str(tmp_path / attempt))
        outputs.append([execute_run(r, Layout.from_env()).staged.read_bytes() for r in runs])
    assert outputs[0] == outputs[1]


def _without_timestamps(html: str) -> str:
    # Sphinx stamps CSS/JS links with content hashes (stable) and may print a build date.
    return re.sub(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2})?", "TIMESTAMP", html)


def test_rendering_twice_gives_the_same_pages(built_site, tmp_path, monkeypatch):
    monkeypatch.setenv("FRAUDBOOK_BUILD_DIR", str(tmp_path))
    build_site(Layout.from_env(), log=lambda *a: None, force=True)
    for page in ("book/index.html", "book/timeline.html", "book/data-and-methods.html"):
        first = (built_site / page).read_text(encoding="utf-8")
        second = (tmp_path / "html" / page).read_text(encoding="utf-8")
        assert _without_timestamps(first) == _without_timestamps(second), f"{page} differs"
