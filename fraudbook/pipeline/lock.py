"""One build at a time per build folder, and no process of a build outliving it.

- A second build (or `run`) started while one runs refuses with a message instead of mixing
  its output with the first's (an exclusive lock on `<build>/.lock`, released by the system
  when the holder dies, however it dies).
- While a build holds the lock, the processes it starts (parallel workers, Jupyter kernels)
  are recorded with their start times in `<build>/.processes`. When the build ends, however
  it ends short of `kill -9`, the ones still alive are stopped. After a `kill -9`, the next
  build finds the record of the dead build and stops those of its processes still alive
  (a recorded pid whose start time differs is a new, unrelated process and is left alone).
"""

from __future__ import annotations

import fcntl
import os
import signal
import threading
import time
from contextlib import contextmanager, suppress
from pathlib import Path

import psutil

from ..paths import Layout
from .errors import BuildError

LOCK = ".lock"
PROCESSES = ".processes"
POLL_SECONDS = 0.2
GRACE_SECONDS = 3.0


# --- processes (psutil: the same calls on every system it supports) ---------------------------

def _live(p: psutil.Process) -> float | None:
    """The start time of a process that is still running, or None (gone, or a zombie: dead
    already, only waiting for its parent to reap it)."""
    try:
        if p.status() == psutil.STATUS_ZOMBIE:
            return None
        return p.create_time()
    except psutil.Error:
        return None


def start_time(pid: int) -> float | None:
    try:
        return _live(psutil.Process(pid))
    except psutil.Error:
        return None


def descendants(pid: int | None = None) -> dict[int, float]:
    """Every live process below `pid` (default: this one): {pid: start time}."""
    try:
        below = psutil.Process(os.getpid() if pid is None else pid).children(recursive=True)
    except psutil.Error:
        return {}
    return {p.pid: t for p in below if (t := _live(p)) is not None}


def stop(processes: dict[int, float], grace: float = GRACE_SECONDS) -> list[int]:
    """SIGTERM each (pid, start time) still alive as that same process, SIGKILL it after
    `grace` seconds; returns the pids that were signalled. (Not psutil.wait_procs: it waits
    for a zombie grandchild to disappear, which only its parent can make happen.)"""
    alive = {p: t for p, t in processes.items() if p != os.getpid() and start_time(p) == t}
    for p in alive:
        with suppress(OSError):
            os.kill(p, signal.SIGTERM)
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline and any(start_time(p) == t for p, t in alive.items()):
        time.sleep(0.05)
    for p, t in alive.items():
        if start_time(p) == t:
            with suppress(OSError):
                os.kill(p, signal.SIGKILL)
    return sorted(alive)


def _helpers() -> set[int]:
    """This process's own multiprocessing helpers (the resource tracker, the fork server):
    they serve the process, not one build, and end when it ends."""
    out = set()
    try:
        from multiprocessing import resource_tracker

        out.add(getattr(resource_tracker._resource_tracker, "_pid", None))
    except Exception:  # noqa: BLE001 - private API: best effort
        pass
    try:
        from multiprocessing import forkserver

        out.add(getattr(forkserver._forkserver, "_forkserver_pid", None))
    except Exception:  # noqa: BLE001
        pass
    out.discard(None)
    return out


class ProcessRecord:
    """Records this build's descendant processes in a file, from a background thread."""

    def __init__(self, path: Path):
        self.path = path
        self.seen: dict[int, float] = {}
        # Processes this one had before the build (a test runner's browser, say) are not the
        # build's: never recorded, never stopped.
        self.before = descendants()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="fraudbook-processes", daemon=True)

    def start(self) -> None:
        self._write()
        self._thread.start()

    def _write(self) -> None:
        me = os.getpid()
        # repr() of a float reads back as the same float, so a start time compares equal.
        lines = [f"owner {me} {start_time(me)!r}"]
        lines += [f"{p} {t!r}" for p, t in sorted(self.seen.items())]
        tmp = self.path.with_name(self.path.name + ".tmp")
        try:
            tmp.write_text("\n".join(lines) + "\n")
            os.replace(tmp, self.path)
        except OSError:
            pass

    def scan(self) -> None:
        now = self._new()
        new = {p: t for p, t in now.items() if self.seen.get(p) != t}
        if new:
            self.seen.update(new)
            self._write()

    def _new(self) -> dict[int, float]:
        helpers = _helpers()
        return {p: t for p, t in descendants().items()
                if self.before.get(p) != t and p not in helpers}

    def _loop(self) -> None:
        while not self._stop.wait(POLL_SECONDS):
            self.scan()

    def finish(self) -> None:
        """Stop recording, stop every recorded process still alive, remove the record."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=2)
        self.scan()
        stop({**self.seen, **self._new()})
        try:
            self.path.unlink()
        except OSError:
            pass


def reap_leftovers(layout: Layout, log=None) -> list[int]:
    """Stop the processes a dead build recorded (called holding the lock, so it is dead)."""
    path = layout.build / PROCESSES
    try:
        lines = path.read_text().splitlines()
    except OSError:
        return []
    recorded: dict[int, float] = {}
    owner: tuple[int, float] | None = None
    for line in lines:
        parts = line.split()
        try:
            if parts[0] == "owner":
                owner = (int(parts[1]), float(parts[2]))
            else:
                recorded[int(parts[0])] = float(parts[1])
        except (IndexError, ValueError):
            continue
    if owner and owner[0] != os.getpid() and start_time(owner[0]) == owner[1]:
        return []  # the recording build is alive (cannot be while we hold the lock): leave it
    stopped = stop(recorded)
    if stopped and log:
        log(f"stopped {len(stopped)} process(es) left running by an interrupted build")
    try:
        path.unlink()
    except OSError:
        pass
    return stopped


def _recover_outputs(layout: Layout, log=None) -> None:
    """Undo a publishing into book/ or a site swap that a killed build left half done."""
    from .publish import recover

    if recover(layout.book) and log:
        log("book/ was left half published by an interrupted build: put back as it was")
    old = layout.site.with_name(layout.site.name + ".old")
    if not layout.site.exists() and old.exists():
        old.rename(layout.site)
        if log:
            log("the site was left half swapped by an interrupted build: put back as it was")


@contextmanager
def build_lock(layout: Layout, log=None):
    layout.build.mkdir(parents=True, exist_ok=True)
    path = layout.build / LOCK
    f = open(path, "a+", encoding="utf-8")
    record = None
    try:
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            f.seek(0)
            holder = f.read().strip()[:20]
            holder = holder if holder.isdigit() else "another process"
            raise BuildError(f"another build is running in {layout.relative(layout.build)} "
                             f"(process {holder}); wait for it to finish, or set "
                             "FRAUDBOOK_BUILD_DIR to build elsewhere") from None
        f.seek(0)
        f.truncate()
        f.write(str(os.getpid()))
        f.flush()
        reap_leftovers(layout, log)
        _recover_outputs(layout, log)
        record = ProcessRecord(layout.build / PROCESSES)
        record.start()
        yield record
    finally:
        if record is not None:
            # A second Ctrl-C must not cut the clean-up short (main thread only).
            previous = None
            if threading.current_thread() is threading.main_thread():
                previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
            try:
                record.finish()
            finally:
                if previous is not None:
                    signal.signal(signal.SIGINT, previous)
        f.close()  # closing releases the lock, also when the process is killed
