"""The CSV report: a stable contract other tools read.

UTF-8, comma-separated, one row per area: ``code,name,kind,inhabitants``, one column per component,
``total_adjustment`` when the rule set has total rules, then ``total``. Amounts are plain decimals
with a dot and two decimals (``7682.52``). Components of an area whose total an exception sets are
empty.
"""

from __future__ import annotations

import csv
import io

from budgetcalc.allocation import Allocation
from budgetcalc.money import format_plain
from budgetcalc.report.sanitize import neutralise


def render_csv(allocation: Allocation) -> bytes:
    """The CSV report as bytes (LF line ends, no byte-order mark)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    columns = allocation.amount_columns
    writer.writerow(["code", "name", "kind", "inhabitants", *columns])
    amounts = {column: allocation.cents(column).tolist() for column in columns}
    overridden = allocation.total.exception.tolist()
    for position, (code, name, kind, inhabitants) in enumerate(allocation.areas):
        cells = [neutralise(code), neutralise(name), neutralise(kind), str(inhabitants)]
        for column in columns:
            hidden = overridden[position] and column != "total"
            cells.append("" if hidden else format_plain(amounts[column][position]))
        writer.writerow(cells)
    return buffer.getvalue().encode("utf-8")
