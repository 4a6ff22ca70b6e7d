"""Command line: `python -m fraudbook {check,execute,site,build}`.

    check     validate data/ (same as `python -m fraudbook.check`)
    execute   validate, then execute every run of runs.yml into book/
    site      render book/ into _build/html (no execution)
    build     execute, then render (what `make book` runs); only runs whose inputs
              changed execute, in parallel (--jobs N); --force executes everything
    run NAME  execute one run into scratch/NAME.ipynb (book/ untouched);
              --set name=value changes a parameter; --publish writes into book/ instead
"""

from __future__ import annotations

import argparse
import sys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m fraudbook", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["check", "execute", "site", "build", "run"])
    parser.add_argument("name", nargs="?", help="with 'run': the run's name in runs.yml")
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                        help="with 'run': a parameter value (repeatable)")
    parser.add_argument("--publish", action="store_true", help="with 'run': write into book/")
    parser.add_argument("--jobs", "-j", type=int, default=None,
                        help="runs executed at once (default: FRAUDBOOK_JOBS or one per core)")
    parser.add_argument("--force", action="store_true",
                        help="execute every run and rebuild the site even if nothing changed")
    args = parser.parse_args(argv)
    if args.command == "build" and not args.force and _nothing_changed():
        print("nothing changed since the last build: book/ and _build/html are up to date")
        return 0
    from . import check, runner  # pandas, papermill and Sphinx load only when there is work

    if args.command == "check":
        return check.main([])
    if args.command == "run":
        if not args.name:
            parser.error("run needs the name of a run in runs.yml")
        return runner.run_one(args.name, args.set, args.publish)
    if args.jobs is not None and args.jobs < 1:
        parser.error("--jobs must be 1 or more")
    return runner.build(execute=args.command in ("execute", "build"),
                        site=args.command in ("site", "build"), jobs=args.jobs, force=args.force)


def _nothing_changed() -> bool:
    """True when every input of a build is as it was after the last successful one."""
    from .digest import build_fingerprint
    from .paths import LAST_BUILD, ROOT, build_dir

    build = build_dir()
    stamp = build / LAST_BUILD
    if not stamp.exists() or not (build / "html" / "index.html").exists():
        return False
    return stamp.read_text() == build_fingerprint(ROOT)


if __name__ == "__main__":
    sys.exit(main())
