"""Reading population spreadsheets (.csv, .xlsx, .xlsm) into a validated :class:`Population`."""

from budgetcalc.reading.areas import AreaMapping, read_area_mapping, sum_into_areas
from budgetcalc.reading.mapping import load_column_file, parse_column_options
from budgetcalc.reading.population_file import read_population
from budgetcalc.reading.table import RawTable, read_table

__all__ = [
    "AreaMapping",
    "RawTable",
    "load_column_file",
    "parse_column_options",
    "read_area_mapping",
    "read_population",
    "read_table",
    "sum_into_areas",
]
