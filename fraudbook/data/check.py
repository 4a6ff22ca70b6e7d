"""`python -m fraudbook.data.check [DIR]`: validate data/ and exit non-zero, listing every problem."""

from __future__ import annotations

import sys
from pathlib import Path

from ..paths import Layout
from .load import validate


def report(data_dir: Path, layout: Layout) -> int:
    """Validate `data_dir`, print every problem as `file, row, column: reason`; 1 if any."""
    rows, problems = validate(data_dir)
    if problems:
        print(f"data check FAILED: {len(problems)} problem(s) in {layout.relative(data_dir)}/",
              file=sys.stderr)
        for p in problems:
            print(f"  - {p}", file=sys.stderr)
        return 1
    print("data check passed: " + ", ".join(f"{len(r)} {name}" for name, r in rows.items()))
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    layout = Layout.from_env()
    return report(Path(argv[0]).resolve() if argv else layout.data, layout)


if __name__ == "__main__":
    sys.exit(main())
