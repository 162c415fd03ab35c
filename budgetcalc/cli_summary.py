"""The short summary ``budgetcalc allocate`` prints: areas, total, smallest, largest, checks."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import pandas as pd

from budgetcalc.allocation import Allocation
from budgetcalc.engine.expectations import ExpectationStatus
from budgetcalc.labels import Lang, label
from budgetcalc.money import format_euro
from budgetcalc.notices import Notice
from budgetcalc.terminal import MultiLine, visible


def summary_lines(allocation: Allocation, lang: Lang = "nl") -> list[str]:
    """A few lines for the terminal, in the report's language: the results with the warnings among
    them; text from the input is shown on one line, with control characters as escapes, so a name
    cannot break or recolour the output."""
    head, warnings, published = _summary_parts(allocation, lang)
    return head + warnings + published


def result_lines(allocation: Allocation, lang: Lang = "nl") -> list[str]:
    """The summary's results (standard output): rule set, areas, totals, the published amounts."""
    head, _, published = _summary_parts(allocation, lang)
    return head + published


def warning_lines(allocation: Allocation, lang: Lang = "nl") -> list[str]:
    """The summary's warnings (standard error): notices, and checks that do not hold."""
    return _summary_parts(allocation, lang)[1]


def notice_lines(notices: Iterable[Notice], lang: Lang = "nl") -> list[str]:
    """Notices as warning lines, ``let op: ...`` / ``warning: ...``, each made visible."""
    return [visible(f"{label('warning', lang)}: {notice.text(lang)}") for notice in notices]


def _summary_parts(allocation: Allocation, lang: Lang) -> tuple[list[str], list[str], list[str]]:
    frame = allocation.population.frame
    totals = allocation.cents("total")
    lines = [
        f"{label('ruleset', lang)}: {allocation.ruleset.name}",
        f"{label('areas', lang)}: {len(allocation)}",
        f"{label('grand_total', lang)}: {format_euro(allocation.grand_total_cents, lang)}",
    ]
    if len(allocation):
        low, high = int(totals.argmin()), int(totals.argmax())
        lines.append(
            f"{label('smallest', lang)}: {format_euro(int(totals[low]), lang)} ({frame['name'].iloc[low]})"
        )
        lines.append(
            f"{label('largest', lang)}: {format_euro(int(totals[high]), lang)} ({frame['name'].iloc[high]})"
        )
    warnings = notice_lines(allocation.notices, lang)
    for check in allocation.checks():
        if check.ok is False and check.key != "check_expected":
            warnings.append(visible(f"{label('not_ok', lang)}: {label(check.key, lang)} ({check.detail})"))
    published = []
    results = allocation.expectations
    compared = [r for r in results if r.status in (ExpectationStatus.MATCHES, ExpectationStatus.DIFFERS)]
    if compared:
        matching = sum(r.status is ExpectationStatus.MATCHES for r in compared)
        published.append(
            f"{label('check_expected', lang)}: {matching}/{len(compared)} {label('matches', lang)}"
        )
        for result in compared:
            if result.status is ExpectationStatus.DIFFERS:
                expected = result.expectation
                actual = format_euro(result.actual_cents or 0, lang)
                published.append(
                    f"  {label('differs', lang)}: {expected.area or label('all_areas', lang)} "
                    f"{format_euro(result.expected_cents, lang)} / {actual}"
                )
    not_compared = [r for r in results if r not in compared]
    if not_compared:
        published.append(
            f"{label('check_expected', lang)}: {len(not_compared)} {label('not_compared_count', lang)}"
        )
        for result in not_compared:  # the area is missing, or has another count than the source's
            expected = result.expectation
            why = label(result.status.value, lang)
            if result.status is ExpectationStatus.OTHER_COUNT:
                why += (
                    f" ({label('source', lang).lower()} {expected.inhabitants}, "
                    f"{label('here', lang)} {result.actual_inhabitants})"
                )
            published.append(
                f"  {expected.area or label('all_areas', lang)} "
                f"{format_euro(result.expected_cents, lang)}: {why}"
            )
    return [visible(line) for line in lines], warnings, [visible(line) for line in published]


def comparison_lines(frame: pd.DataFrame, scenarios: Sequence[str], most: int = 30) -> list[str]:
    """The comparison as a terminal table: per area its code and name, the base amount and per scenario
    the amount, the difference and the percentage; at most ``most`` areas, then how many more."""
    columns = ["code", "name", "base"]
    for name in scenarios:
        columns += [name, f"{name}: difference", f"{name}: percent"]
    # no percentage where the base is 0: shown as "-", not "None"
    shown = frame[columns].head(most).map(lambda value: "-" if value is None or value != value else value)
    shown["name"] = [visible(str(text))[:30] for text in shown["name"]]
    shown.columns = [visible(str(column)) for column in shown.columns]
    lines = shown.to_string(index=False, na_rep="-").splitlines()
    if len(frame) > most:
        lines.append(f"... {len(frame) - most:,} more areas (all of them in --output)")
    return lines


def scenario_lines(
    line: Mapping[str, Any], rationale: str | None, threshold: str, lang: Lang = "nl"
) -> MultiLine:
    """A scenario's overview on the terminal: its total against the base, who gains and who loses (in all
    and per kind), its rationale, and the areas losing more than ``threshold``."""
    from decimal import Decimal

    from budgetcalc.money import decimal_to_cents

    def euros(amount: object) -> str:
        return format_euro(decimal_to_cents(Decimal(str(amount))), lang)

    lines = [
        f"{line['scenario']}: {euros(line['total'])} {label('against', lang)} {euros(line['base_total'])}; "
        f"{label('gain_lose', lang).format(gain=line['gain'], lose=line['lose'])}"
    ]
    if rationale:
        lines.append(f"  {rationale}")
    for kind, (gain, lose) in dict(line["per_kind"]).items():
        lines.append(f"  {kind or '-'}: {label('gain_lose_kind', lang).format(gain=gain, lose=lose)}")
    if line["losing_more_than_threshold"]:
        losing = ", ".join(line["losing_more_than_threshold"])
        lines.append(f"  {label('losing_more_than', lang)} {threshold}: {losing}")
    return _Lines(lines)


class _Lines:
    """Several lines printed as one message (each made visible)."""

    def __init__(self, lines: list[str]) -> None:
        self._lines = lines

    def lines(self) -> list[str]:
        return self._lines
