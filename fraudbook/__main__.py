"""Command line: `python -m fraudbook {check,execute,site,build}`.

    check     validate data/ (same as `python -m fraudbook.check`)
    execute   validate, then execute every run of runs.yml into book/
    site      render book/ into _build/html (no execution)
    build     execute, then render (what `make book` runs)
"""

from __future__ import annotations

import argparse
import sys

from . import check, runner


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m fraudbook", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["check", "execute", "site", "build"])
    args = parser.parse_args(argv)
    if args.command == "check":
        return check.main([])
    return runner.build(execute=args.command in ("execute", "build"),
                        site=args.command in ("site", "build"))


if __name__ == "__main__":
    sys.exit(main())
