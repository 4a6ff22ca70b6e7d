"""The committed pages in book/ are what a fresh execution makes, in full: code outputs, glued
values and the Markdown the build fills in (nbval alone compares code outputs only, so a hand
edit to a generated Markdown cell would pass it)."""

from __future__ import annotations

import difflib

import pytest

from fraudbook.paths import Layout
from fraudbook.pipeline.execute import execute_all
from fraudbook.pipeline.steps import plan


def first_difference(committed: str, fresh: str) -> str:
    diff = difflib.unified_diff(committed.splitlines(), fresh.splitlines(), "committed", "fresh",
                                n=0, lineterm="")
    return "\n".join(list(diff)[:12])


@pytest.mark.slow
def test_committed_pages_equal_a_fresh_execution(tmp_path, monkeypatch):
    monkeypatch.setenv("FRAUDBOOK_BUILD_DIR", str(tmp_path))
    layout = Layout.from_env()
    results = execute_all(plan(layout), layout, log=lambda *a: None, force=True)
    stale = {}
    for r in results:
        committed = (layout.root / r.run.output).read_text(encoding="utf-8")
        fresh = r.staged.read_text(encoding="utf-8")
        if committed != fresh:
            stale[r.run.output] = first_difference(committed, fresh)
    assert not stale, ("these pages differ from a fresh execution; run `make book` and commit "
                       "book/:\n" + "\n\n".join(f"{k}\n{v}" for k, v in stale.items()))

