"""Reports: xlsx for the council, csv for other tools, json for the full derivation."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum
from pathlib import Path

from budgetcalc.allocation import Allocation
from budgetcalc.errors import OutputError
from budgetcalc.labels import Lang
from budgetcalc.report.atomic import check_target, write_atomically


class ReportFormat(StrEnum):
    XLSX = "xlsx"
    CSV = "csv"
    JSON = "json"


EXCEL_ONLY_CSV = "--excel is for a CSV file: use it with a name ending in .csv (or --format csv)"


def render_report(
    allocation: Allocation, report_format: ReportFormat, lang: Lang = "nl", *, excel: bool = False
) -> bytes:
    """The report's bytes; the same allocation always gives the same bytes. With ``excel`` the CSV for
    Dutch Excel (``;``, decimal commas, UTF-8 with byte-order mark, headers in ``lang``)."""
    if excel and report_format is not ReportFormat.CSV:
        raise OutputError(EXCEL_ONLY_CSV)
    if report_format is ReportFormat.CSV:
        from budgetcalc.report.csv_report import render_csv

        return render_csv(allocation, lang, excel=excel)
    if report_format is ReportFormat.JSON:
        from budgetcalc.report.json_report import render_json

        return render_json(allocation, lang)
    from budgetcalc.report.xlsx_report import render_xlsx

    return render_xlsx(allocation, lang)


def write_report(
    allocation: Allocation,
    path: str | Path,
    report_format: ReportFormat | None = None,
    lang: Lang = "nl",
    *,
    force: bool = False,
    protected: Iterable[str | Path] = (),
    excel: bool = False,
) -> Path:
    """Render and write atomically; the format follows the file suffix unless given; ``excel`` writes
    the CSV for Dutch Excel.

    The report never replaces the population file it was computed from, nor any file in ``protected``
    (the rule file, a column mapping), even with ``force``.
    """
    path = Path(path)
    source = allocation.population.source
    inputs = [*protected, *([source] if source else [])]
    check_target(path, force=force, protected=inputs)
    chosen = report_format or ReportFormat(path.suffix.lower().lstrip(".") or "xlsx")
    write_atomically(
        path, render_report(allocation, chosen, lang, excel=excel), force=force, protected=inputs
    )
    return path


__all__ = [
    "EXCEL_ONLY_CSV",
    "ReportFormat",
    "check_target",
    "render_report",
    "write_atomically",
    "write_report",
]
