"""fraudbook: the logic behind the data book (loading, validation, parameters, runs, charts)."""

__all__ = ["DataError", "Dataset", "load"]


def __getattr__(name):
    # Lazy, so that light commands (a no-change build) do not pay for importing pandas.
    if name in __all__:
        from . import load as _load_module

        return getattr(_load_module, name)
    raise AttributeError(f"module 'fraudbook' has no attribute {name!r}")
