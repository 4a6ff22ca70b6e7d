"""Publishing executed pages into book/ and a rendered site into _build/html, atomically.

Pages are first copied next to their destination under a temporary name, then renamed into
place; if any step fails, the pages already renamed are put back as they were, so book/ is
never left half updated (a full disk, a read-only file).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from .errors import BuildError


def publish_files(pairs: list[tuple[Path, Path]]) -> None:
    """Copy each (staged, dest) into place: all of them or none."""
    fresh: list[tuple[Path, Path]] = []
    backups: list[tuple[Path, Path | None]] = []
    try:
        for staged, dest in pairs:
            dest.parent.mkdir(parents=True, exist_ok=True)
            tmp = dest.with_name(f".{dest.name}.new")
            shutil.copyfile(staged, tmp)
            fresh.append((tmp, dest))
        for tmp, dest in fresh:
            backup = None
            if dest.exists():
                backup = dest.with_name(f".{dest.name}.old")
                os.replace(dest, backup)
            backups.append((dest, backup))
            os.replace(tmp, dest)
    except OSError as exc:
        for dest, backup in reversed(backups):
            if backup is not None and backup.exists():
                os.replace(backup, dest)
            elif backup is None and dest.exists():
                dest.unlink()
        for tmp, _ in fresh:
            tmp.unlink(missing_ok=True)
        raise BuildError(f"publishing into book/ failed ({exc.strerror or exc}: "
                         f"{getattr(exc, 'filename', '') or ''}); book/ is as it was") from None
    for _, backup in backups:
        if backup is not None:
            backup.unlink(missing_ok=True)


def swap_in(built: Path, site: Path) -> None:
    """Replace `site` by a copy of `built`, keeping the old one until the copy is complete."""
    fresh = site.with_name(site.name + ".new")
    old = site.with_name(site.name + ".old")
    for leftover in (fresh, old):
        if leftover.exists():
            shutil.rmtree(leftover)
    shutil.copytree(built, fresh)
    if site.exists():
        site.rename(old)
    fresh.rename(site)
    if old.exists():
        shutil.rmtree(old)
