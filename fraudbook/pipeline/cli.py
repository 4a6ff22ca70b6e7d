"""Command line: `python -m fraudbook {check,execute,site,build,run,toc,freshness}`.

    check     validate data/
    execute   validate, then execute every run of runs.yml into book/
    site      render book/ into _build/html (no execution)
    build     execute, then render (what `make book` runs); only runs whose inputs
              changed execute, in parallel (--jobs N); --force executes everything
    run NAME  execute one run into scratch/NAME.ipynb and a preview scratch/NAME.html
              (book/ untouched); --set name=value changes a parameter; --publish writes
              into book/ instead
    toc       write _toc.yml from runs.yml (--check: fail if it differs)
    data-readme  write data/README.md's column tables from data/columns.csv (--check: fail
              if they differ)
    freshness list every series and indicator by its newest point, the stale running
              totals and the searches older than the edition (where an update starts)

Every failure a person can fix prints one message and exits 1; nothing is left half-built.
"""

from __future__ import annotations

import argparse
import sys

from ..paths import LAST_BUILD, Layout


def nothing_changed(layout: Layout) -> bool:
    """True when every input of a build is as it was after the last successful one."""
    from .digest import build_fingerprint

    stamp = layout.build / LAST_BUILD
    if not stamp.exists() or not (layout.site / "index.html").exists():
        return False
    return stamp.read_text() == build_fingerprint(layout.root)


def main(argv: list[str] | None = None) -> int:
    """The command line; a failure that is not the user's (a bug) is one line too, with the
    traceback written to the build folder's logs instead of the terminal."""
    import signal
    import threading

    if threading.current_thread() is threading.main_thread():
        # `kill PID` stops a build as Ctrl-C does: kernels stopped, book/ and the site unchanged.
        def _terminate(signum, frame):
            raise KeyboardInterrupt

        signal.signal(signal.SIGTERM, _terminate)
    try:
        return _main(argv)
    except KeyboardInterrupt:
        print("INTERRUPTED: book/ and the site are as they were", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 1
    except Exception as exc:  # noqa: BLE001 - the last resort: never a traceback on the terminal
        import traceback

        where = "the terminal"
        try:
            layout = Layout.from_env()
            layout.logs.mkdir(parents=True, exist_ok=True)
            crash = layout.logs / "traceback.txt"
            crash.write_text(traceback.format_exc(), encoding="utf-8")
            where = layout.relative(crash)
        except Exception:  # noqa: BLE001
            traceback.print_exc()
        from ..data.read import printable

        print(f"INTERNAL ERROR (a bug in fraudbook, not a problem with your input): "
              f"{type(exc).__name__}: {printable(str(exc), 200)}; the traceback is in {where}",
              file=sys.stderr)
        return 2


def _main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m fraudbook", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["check", "execute", "site", "build", "run", "toc",
                                                       "data-readme", "freshness"])
    parser.add_argument("name", nargs="?", help="with 'run': the run's name in runs.yml")
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                        help="with 'run': a parameter value (repeatable)")
    parser.add_argument("--params", default="", metavar="'NAME=VALUE ...'",
                        help="with 'run': several parameter values in one argument, split on "
                             "spaces outside quotes and brackets (what `make run PARAMS=...` passes)")
    parser.add_argument("--publish", action="store_true", help="with 'run': write into book/")
    parser.add_argument("--jobs", "-j", type=int, default=None,
                        help="runs executed at once (default: FRAUDBOOK_JOBS or one per core)")
    parser.add_argument("--force", action="store_true",
                        help="execute every run and rebuild the site even if nothing changed")
    parser.add_argument("--check", action="store_true", help="with 'toc' or 'data-readme': only compare")
    args = parser.parse_args(argv)
    if args.jobs is not None and args.jobs < 1:
        parser.error("--jobs must be 1 or more")
    layout = Layout.from_env()
    if args.command == "build" and not args.force and nothing_changed(layout):
        print("nothing changed since the last build: book/ and _build/html are up to date")
        return 0
    # pandas, papermill and Sphinx load only when there is work.
    from . import steps

    if args.command == "check":
        return steps.check(layout)
    if args.command == "toc":
        return steps.toc(layout, check_only=args.check)
    if args.command == "data-readme":
        return steps.data_readme(layout, check_only=args.check)
    if args.command == "freshness":
        return steps.freshness(layout)
    if args.command == "run":
        if not args.name:
            parser.error("run needs the name of a run in runs.yml")
        return steps.run_one(args.name, args.set, args.publish, layout, params_text=args.params)
    return steps.build(execute=args.command in ("execute", "build"),
                       site=args.command in ("site", "build"), layout=layout, jobs=args.jobs,
                       force=args.force)


if __name__ == "__main__":
    sys.exit(main())
