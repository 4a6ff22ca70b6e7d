"""fraudbook: the logic behind the data book (loading, validation, parameters, runs, charts)."""

from .load import DataError, Dataset, load

__all__ = ["DataError", "Dataset", "load"]
