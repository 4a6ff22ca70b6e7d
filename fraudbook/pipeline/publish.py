"""Publishing executed pages into book/ and a rendered site into _build/html, atomically.

Pages are first copied next to their destination under a temporary name, then a journal is
written, then each page is renamed into place (the old one kept aside); the journal's removal
is the moment the new pages count. If any step fails, or Ctrl-C arrives, the pages already
renamed are put back as they were, so book/ is never left half updated (a full disk, a
read-only file). If the process is killed outright half-way, the next build finds the journal
and puts the old pages back (`recover`) before doing anything else.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from .errors import BuildError

JOURNAL = ".publish-journal.json"


def _tmp(dest: Path) -> Path:
    return dest.with_name(f".{dest.name}.new")


def _backup(dest: Path) -> Path:
    return dest.with_name(f".{dest.name}.old")


def _rollback(entries: list[dict]) -> None:
    """Put every destination of `entries` back as it was before the publishing started."""
    for e in reversed(entries):
        dest, backup, tmp = Path(e["dest"]), Path(e["backup"]), _tmp(Path(e["dest"]))
        if e["existed"]:
            if backup.exists():
                os.replace(backup, dest)
        elif e.get("replaced") is not False and dest.exists():
            dest.unlink()
        tmp.unlink(missing_ok=True)


def recover(folder: Path) -> bool:
    """Undo a publishing into `folder` cut short by a killed process; clear its temporary
    files. True when something was put back."""
    journal = folder / JOURNAL
    restored = False
    if journal.exists():
        try:
            entries = json.loads(journal.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            entries = []
        _rollback(entries)
        journal.unlink(missing_ok=True)
        restored = bool(entries)
    if folder.is_dir():
        for leftover in list(folder.glob(".*.new")) + list(folder.glob(".*.old")):
            if leftover.is_file():
                leftover.unlink(missing_ok=True)
    return restored


def publish_files(pairs: list[tuple[Path, Path]]) -> None:
    """Copy each (staged, dest) into place: all of them or none."""
    if not pairs:
        return
    journal = pairs[0][1].parent / JOURNAL
    for folder in {dest.parent for _, dest in pairs}:
        recover(folder)  # an earlier publishing cut short: undo it, clear stale files
    entries: list[dict] = []
    committed = False
    try:
        for staged, dest in pairs:
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(staged, _tmp(dest))
            entries.append({"dest": str(dest), "backup": str(_backup(dest)),
                            "existed": dest.exists(), "replaced": False})
        # On disk every entry is "maybe replaced": a recovery undoes whatever it finds.
        journal.write_text(json.dumps([{**e, "replaced": None} for e in entries]), encoding="utf-8")
        for e in entries:
            dest = Path(e["dest"])
            if e["existed"]:
                os.replace(dest, _backup(dest))
            e["replaced"] = None  # from here on, dest may be the new page
            os.replace(_tmp(dest), dest)
            e["replaced"] = True
        journal.unlink()
        committed = True
    except BaseException as exc:
        if not committed:
            try:
                _rollback(entries)
                for _, dest in pairs:
                    _tmp(dest).unlink(missing_ok=True)
                journal.unlink(missing_ok=True)
            except OSError:
                pass  # the journal stays: the next build puts the pages back
        if isinstance(exc, OSError):
            where = getattr(exc, "filename", "") or ""
            raise BuildError(f"publishing into {pairs[0][1].parent.name}/ failed "
                             f"({exc.strerror or exc}{': ' + str(where) if where else ''}); "
                             f"{pairs[0][1].parent.name}/ is as it was") from None
        raise
    for e in entries:
        if e["existed"]:
            _backup(Path(e["dest"])).unlink(missing_ok=True)


def swap_in(built: Path, site: Path) -> None:
    """Replace `site` by a copy of `built`, keeping the old one until the copy is complete."""
    fresh = site.with_name(site.name + ".new")
    old = site.with_name(site.name + ".old")
    if not site.exists() and old.exists():
        old.rename(site)  # a swap cut short by a killed process: the old site is the site
    for leftover in (fresh, old):
        if leftover.exists():
            shutil.rmtree(leftover)
    try:
        shutil.copytree(built, fresh)
    except BaseException as exc:
        shutil.rmtree(fresh, ignore_errors=True)
        if isinstance(exc, OSError):
            raise BuildError(f"copying the site into place failed ({exc.strerror or exc}); "
                             f"{site.name}/ is as it was") from None
        raise
    moved = False
    try:
        if site.exists():
            site.rename(old)
            moved = True
        fresh.rename(site)
    except BaseException as exc:
        if moved and not site.exists():
            old.rename(site)
        shutil.rmtree(fresh, ignore_errors=True)
        if isinstance(exc, OSError):
            raise BuildError(f"swapping the new site into place failed ({exc.strerror or exc}); "
                             f"{site.name}/ is as it was") from None
        raise
    if old.exists():
        shutil.rmtree(old)
