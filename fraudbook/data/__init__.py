"""The data layer: the schema of data/, the one loader and its rules, the number reader,
coverage and the bibliography. Nothing here imports the kit, the build or a chapter."""

from .load import Dataset, load
from .rules import DataError, validate
from .values import blank, date_bounds

__all__ = ["DataError", "Dataset", "blank", "date_bounds", "load", "validate"]
