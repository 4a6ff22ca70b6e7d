"""One build at a time per build folder: a second one refuses with a message instead of
mixing its output with the first's."""

from __future__ import annotations

import fcntl
import os
from contextlib import contextmanager

from ..paths import Layout
from .errors import BuildError


@contextmanager
def build_lock(layout: Layout):
    layout.build.mkdir(parents=True, exist_ok=True)
    path = layout.build / ".lock"
    f = open(path, "a+", encoding="utf-8")
    try:
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            f.seek(0)
            holder = f.read().strip() or "another process"
            raise BuildError(f"another build is running in {layout.relative(layout.build)} "
                             f"(process {holder}); wait for it to finish, or set "
                             "FRAUDBOOK_BUILD_DIR to build elsewhere") from None
        f.seek(0)
        f.truncate()
        f.write(str(os.getpid()))
        f.flush()
        yield
    finally:
        f.close()  # closing releases the lock, also when the process is killed
