"""Reading population spreadsheets (.csv, .xlsx, .xlsm) into a validated :class:`Population`."""

from budgetcalc.reading.mapping import load_column_file, parse_column_options
from budgetcalc.reading.population_file import read_population
from budgetcalc.reading.table import RawTable, read_table

__all__ = ["RawTable", "load_column_file", "parse_column_options", "read_population", "read_table"]
