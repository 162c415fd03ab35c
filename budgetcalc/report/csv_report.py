"""The CSV report: a stable contract other tools read.

UTF-8, comma-separated, one row per area: ``code,name,kind,inhabitants``, one column per component,
``total_adjustment`` when the rule set has total rules, then ``total``. Amounts are plain decimals
with a dot and two decimals (``7682.52``). Components of an area whose total an exception sets are
empty.

One area is one row whichever separator a reader splits on (``,``, or ``;`` as Dutch Excel does,
or tab): text with a line break is refused, and text is neutralised after every separator too.
"""

from __future__ import annotations

import csv
import io

from budgetcalc.allocation import Allocation
from budgetcalc.money import format_plain
from budgetcalc.report.sanitize import LINE_BREAKS, area_text_error, neutralise_separated


def render_csv(allocation: Allocation) -> bytes:
    """The CSV report as bytes (LF line ends, no byte-order mark)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    columns = allocation.amount_columns
    writer.writerow(["code", "name", "kind", "inhabitants", *columns])
    amounts = {column: allocation.cents(column).tolist() for column in columns}
    overridden = allocation.total.exception.tolist()
    for position, (code, name, kind, inhabitants) in enumerate(allocation.areas):
        texts = zip(("code", "name", "kind"), (code, name, kind), strict=True)
        cells = [_text(allocation, position, field, text) for field, text in texts]
        cells.append(str(inhabitants))
        for column in columns:
            hidden = overridden[position] and column != "total"
            cells.append("" if hidden else format_plain(amounts[column][position]))
        writer.writerow(cells)
    return buffer.getvalue().encode("utf-8")


def _text(allocation: Allocation, position: int, field: str, text: str) -> str:
    """A text cell of the CSV: neutralised, or refused when it holds a line break."""
    if LINE_BREAKS.search(text):
        raise area_text_error(
            allocation.population,
            position,
            field,
            "the text has a line break, which a spreadsheet opening a CSV file takes for a new row; "
            "remove it from the population file, or use --format xlsx or json",
        )
    return neutralise_separated(text)
