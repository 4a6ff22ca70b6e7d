"""The build's own failures (a step that failed: a kernel, a missing program, a lock). Like
every error a person can fix, a BuildError is a fraudbook.errors.FraudbookError, printed as
one message by the command line, never as a traceback."""

from ..errors import FraudbookError


class BuildError(FraudbookError, RuntimeError):
    """A step of the build failed; the message says which and why."""
