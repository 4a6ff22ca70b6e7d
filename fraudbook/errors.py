"""The package's one error type. Every failure a person can fix (bad data, a bad manifest or
parameter, a build step that failed, a figure id a page does not know) is a FraudbookError
subclass, raised by the layer that found it; the command line prints its message and exits 1,
never a traceback. Each subclass also keeps the built-in type callers may expect
(ValueError for a bad value, KeyError for an unknown id)."""


class FraudbookError(Exception):
    """A problem a person can fix; its message says where and what."""
