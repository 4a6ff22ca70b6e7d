"""Where things are: the one place every layer (data, kit, build, chapters, tests, benchmark)
asks for a location.

papermill, nbval and Sphinx each run notebooks from a different working directory, so
nothing here depends on the current directory. The root is the folder that holds
`_config.yml` and the `fraudbook` package; `FRAUDBOOK_ROOT` overrides it, and the build sets
it (with `FRAUDBOOK_DATA` and `PYTHONPATH`) for every kernel it starts, so that a build of a
copied tree validates and reads the same data its kernels read, with the copy's own code.
Published notebooks must never contain absolute machine paths, so `relative()` is used for
anything that is written into an output.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PACKAGE_ROOT = Path(__file__).resolve().parent.parent
# The environment a build hands each kernel, named once: the tree, its data and build folder,
# where the kernel records what it read (fraudbook.kit.reads), and whether the run's
# parameters differ from the template's defaults (fraudbook.kit.page).
ROOT_ENV, DATA_ENV, BUILD_DIR_ENV = "FRAUDBOOK_ROOT", "FRAUDBOOK_DATA", "FRAUDBOOK_BUILD_DIR"
READS_ENV, NARROWED_ENV = "FRAUDBOOK_READS", "FRAUDBOOK_NARROWED"
# Fingerprint of the inputs of the last successful build, kept in the build folder.
LAST_BUILD = "last-build-inputs"
# In data/: what each column of each table holds (fraudbook.data.columns); read by no page.
COLUMNS_FILE = "columns.csv"


@dataclass(frozen=True)
class Layout:
    """Every location of one book tree. `Layout.from_env()` is the current one."""

    root: Path
    data_override: Path | None = None
    build_override: Path | None = None

    @classmethod
    def from_env(cls, root: Path | str | None = None) -> Layout:
        env_root = os.environ.get(ROOT_ENV)
        base = Path(root or env_root or PACKAGE_ROOT).resolve()
        data = os.environ.get(DATA_ENV)
        build = os.environ.get(BUILD_DIR_ENV)
        return cls(base, Path(data).resolve() if data else None,
                   Path(build).resolve() if build else None)

    @property
    def data(self) -> Path:
        return self.data_override or self.root / "data"

    @property
    def book(self) -> Path:
        return self.root / "book"

    @property
    def notebooks(self) -> Path:
        return self.root / "notebooks"

    @property
    def locales(self) -> Path:
        """The translations: per language, its glossary (locales/zh/glossary.csv)."""
        return self.root / "locales"

    @property
    def manifest(self) -> Path:
        return self.root / "runs.yml"

    @property
    def toc(self) -> Path:
        return self.root / "_toc.yml"

    @property
    def static(self) -> Path:
        return self.root / "_static"

    @property
    def scratch(self) -> Path:
        return self.root / "scratch"

    @property
    def build(self) -> Path:
        return self.build_override or self.root / "_build"

    @property
    def staging(self) -> Path:
        return self.build / "runs"

    @property
    def failed(self) -> Path:
        return self.build / "failed"

    @property
    def logs(self) -> Path:
        return self.build / "logs"

    @property
    def site_work(self) -> Path:
        return self.build / "site"

    @property
    def site(self) -> Path:
        return self.build / "html"

    def kernel_env(self) -> dict[str, str]:
        """Environment for a kernel executing a page of this tree: its code, its data."""
        env = {ROOT_ENV: str(self.root), DATA_ENV: str(self.data)}
        path = os.environ.get("PYTHONPATH")
        env["PYTHONPATH"] = str(self.root) + (os.pathsep + path if path else "")
        return env

    def relative(self, path: Path | str) -> str:
        """`path` relative to this tree's root, with forward slashes (for messages and outputs)."""
        p = Path(path).resolve()
        for base in (self.root, PACKAGE_ROOT):
            try:
                return p.relative_to(base).as_posix()
            except ValueError:
                continue
        return Path(path).as_posix()


def current() -> Layout:
    return Layout.from_env()


# The current tree's locations, read once at import (kernels get theirs from the environment).
CURRENT = current()
ROOT = CURRENT.root
DATA = CURRENT.data
BOOK = CURRENT.book
MANIFEST = CURRENT.manifest


def relative(path: Path | str) -> str:
    return CURRENT.relative(path)


def copy_tracked(dest: Path, root: Path = ROOT) -> Path:
    """Copy the files git tracks in `root` to `dest` (a clean checkout, without .git)."""
    import shutil
    import subprocess

    listed = subprocess.run(["git", "ls-files", "-z"], cwd=root, capture_output=True,
                            check=True).stdout.decode().split("\0")
    for name in filter(None, listed):
        if (root / name).is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(root / name, dest / name)
    return dest
