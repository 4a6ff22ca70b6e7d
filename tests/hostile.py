"""Helpers for the hostile-input tests: a valid dataset for the current schema, tree hashes."""

from __future__ import annotations

import csv
import hashlib
import io
from pathlib import Path

from fraudbook.data import schema
from fraudbook.paths import COLUMNS_FILE, DATA

from .conftest import GOOD


def _rows() -> dict[str, list[dict]]:
    """GOOD adapted to the tables the schema has now (citations, changes, audit if present)."""
    names = {t.name for t in schema.TABLES}
    rows = {k: [dict(r) for r in v] for k, v in GOOD.items() if k in names}
    if names <= set(GOOD):
        return rows  # the shared fixture already fits the schema
    subjects = [("figure_id", r) for r in GOOD["figures"]] + [("event_id", r) for r in GOOD["events"]]
    if "citations" in names:
        rows["citations"] = [
            {"citation_id": f"C-{i}", "subject_id": r[key], "source_id": r["source_id"],
             "role": "primary", "stated": r.get("stated", ""), "quote": r["quote"], "note": ""}
            for i, (key, r) in enumerate(subjects, 1)]
    if "audit" in names:
        rows["audit"] = [{"subject_id": r[key], "checked": "2026-01-01", "verdict": "ok", "note": ""}
                         for key, r in subjects]
    if "changes" in names:
        rows["changes"] = [{"change_id": "first", "date": "2026-01-01", "edition": "2026.01",
                            "kind": "added", "subject_id": GOOD["figures"][0]["figure_id"],
                            "field": "", "old": "", "new": "", "reason": "first edition"}]
    return rows


def write_tables(folder: Path) -> Path:
    """A valid dataset in `folder` (created), one CSV per table of the schema."""
    folder.mkdir(parents=True, exist_ok=True)
    for table in schema.TABLES:
        buf = io.StringIO()
        w = csv.DictWriter(buf, fieldnames=table.column_names, lineterminator="\n")
        w.writeheader()
        w.writerows({c: r.get(c, "") for c in table.column_names} for r in _rows().get(table.name, []))
        (folder / table.file).write_text(buf.getvalue(), encoding="utf-8")
    # The columns' descriptions are the real ones: they describe the schema, not the rows.
    (folder / COLUMNS_FILE).write_bytes((DATA / COLUMNS_FILE).read_bytes())
    return folder


def tree_hash(*folders: Path) -> str:
    """One hash of every file's path and bytes under `folders` (missing folders count too)."""
    h = hashlib.sha256()
    for folder in folders:
        h.update(f"[{folder.name}:{folder.exists()}]".encode())
        if not folder.exists():
            continue
        for p in sorted(folder.rglob("*")):
            h.update(p.relative_to(folder).as_posix().encode() + b"\0")
            if p.is_file() and not p.is_symlink():
                h.update(p.read_bytes())
            h.update(b"\1")
    return h.hexdigest()
