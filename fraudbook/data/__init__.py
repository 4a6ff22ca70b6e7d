"""The data layer: the schema of data/, the one loader and its rules, the number reader,
coverage and the bibliography. Nothing here imports the kit, the build or a chapter."""

from .load import DataError, Dataset, blank, date_bounds, load, validate

__all__ = ["DataError", "Dataset", "blank", "date_bounds", "load", "validate"]
