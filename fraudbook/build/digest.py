"""What a run's output depends on, as one hash: re-execute only when an input changed.

A run's inputs are its template, its parameters and output path, every data file, the
package's code and the pinned requirements. The digest is stored in the executed notebook's
metadata (`metadata.fraudbook.inputs`), so a checkout whose committed pages match their
inputs builds without executing anything.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # only for the annotation: this module stays light to import
    from .manifest import Run


def _files(root: Path, data_dir: Path | None = None) -> list[Path]:
    data_dir = data_dir or root / "data"
    data = [p for p in data_dir.rglob("*") if p.is_file() and p.suffix != ".md"]
    code = [p for p in (root / "fraudbook").rglob("*.py")]
    extra = [root / "requirements.txt"]
    return sorted((p for p in data + code + extra if p.exists()), key=lambda p: p.as_posix())


def _name(p: Path, root: Path, data_dir: Path) -> str:
    for base, prefix in ((root, ""), (data_dir, "data/")):
        try:
            return prefix + p.relative_to(base).as_posix()
        except ValueError:
            continue
    return p.name


def shared_digest(root: Path, data_dir: Path | None = None) -> str:
    """Hash of the inputs every run shares: data files, package code, requirements."""
    data_dir = data_dir or root / "data"
    h = hashlib.sha256()
    for p in _files(root, data_dir):
        h.update(_name(p, root, data_dir).encode() + b"\0")
        h.update(hashlib.sha256(p.read_bytes()).digest())
    return h.hexdigest()


def run_digests(runs: list["Run"], layout) -> dict[str, str]:
    """Each run's digest, for the tree and data of `layout`."""
    shared = shared_digest(layout.root, layout.data)
    return {r.name: run_digest(r, layout.root, shared) for r in runs}


def run_digest(run: "Run", root: Path, shared: str) -> str:
    """Hash of everything one run's output depends on."""
    h = hashlib.sha256(shared.encode())
    h.update((root / run.template).read_bytes())
    h.update(json.dumps([run.template, run.output, run.parameters], sort_keys=True).encode())
    return h.hexdigest()


def recorded_digest(notebook: Path) -> str | None:
    """The digest stored in an executed notebook, or None if absent or unreadable."""
    try:
        return json.loads(notebook.read_text(encoding="utf-8"))["metadata"]["fraudbook"]["inputs"]
    except (OSError, ValueError, KeyError, TypeError):
        return None


def site_digest(root: Path, site_files: list[Path]) -> str:
    """Hash of what the rendered site depends on (pages, config, static files, requirements)."""
    h = hashlib.sha256()
    for p in sorted(site_files, key=lambda p: p.as_posix()):
        h.update(p.relative_to(root).as_posix().encode() + b"\0")
        h.update(hashlib.sha256(p.read_bytes()).digest())
    return h.hexdigest()


def _tree(root: Path, folder: str, skip: tuple[str, ...] = ()) -> list[Path]:
    base = root / folder
    if not base.exists():
        return []
    return [p for p in base.rglob("*") if p.is_file() and not any(s in p.parts for s in skip)]


def build_fingerprint(root: Path) -> str:
    """Hash of every input of a whole build: if it equals the last successful build's, the
    pages in book/ and the site in _build/html are already what a build would make."""
    files = _files(root) + _tree(root, "notebooks") + _tree(root, "book")
    files += _tree(root, "_static", skip=("vendor",))
    files += [root / n for n in ("runs.yml", "_config.yml", "_toc.yml") if (root / n).exists()]
    files = [p for p in files if "__pycache__" not in p.parts and ".ipynb_checkpoints" not in p.parts]
    return site_digest(root, list(dict.fromkeys(files)))
