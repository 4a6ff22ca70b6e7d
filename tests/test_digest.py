"""Fingerprints decide what a build may skip: they must change with every input, and only then."""

from __future__ import annotations

import shutil

import pytest

from fraudbook.build.digest import build_fingerprint, shared_digest
from fraudbook.paths import ROOT


@pytest.fixture
def repo(tmp_path):
    for folder in ("data", "fraudbook", "notebooks", "book", "_static"):
        shutil.copytree(ROOT / folder, tmp_path / folder,
                        ignore=shutil.ignore_patterns("__pycache__", "vendor"))
    for name in ("runs.yml", "_config.yml", "_toc.yml", "requirements.txt"):
        shutil.copy(ROOT / name, tmp_path / name)
    return tmp_path


@pytest.mark.parametrize("path", ["data/figures.csv", "fraudbook/text.py", "requirements.txt",
                                  "runs.yml", "notebooks/losses.ipynb", "book/about.md",
                                  "_config.yml", "_static/fraudbook.css"])
def test_build_fingerprint_follows_every_input(repo, path):
    before = build_fingerprint(repo)
    assert build_fingerprint(repo) == before  # stable
    target = repo / path
    target.write_bytes(target.read_bytes() + b"\n")
    assert build_fingerprint(repo) != before, f"editing {path} went unnoticed"


def test_shared_digest_ignores_prose_but_not_data(repo):
    before = shared_digest(repo)
    (repo / "data" / "README.md").write_text("edited\n")
    assert shared_digest(repo) == before  # documentation does not change any output
    (repo / "data" / "events.csv").write_bytes((repo / "data" / "events.csv").read_bytes() + b"\n")
    assert shared_digest(repo) != before
