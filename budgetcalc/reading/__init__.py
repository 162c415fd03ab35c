"""Reading population spreadsheets (.csv, .xlsx) into a validated :class:`Population`."""

from budgetcalc.reading.population_file import read_population
from budgetcalc.reading.table import RawTable, read_table

__all__ = ["RawTable", "read_population", "read_table"]
