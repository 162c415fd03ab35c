"""What advisers take into a meeting: the sweep workbook and its chart, the comparison's overview with each
scenario's rationale, the staffel curve as lines, and the progress bar of a long sweep.

Expected amounts are leeuwarden-2015.toml written out by hand (``amount`` in test_what_ifs.py).
"""

from __future__ import annotations

import io
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
from test_what_ifs import RATE, WIJKEN, amount, inhabitants, run

ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT / "rules" / "leeuwarden-2015.toml"
FIXED = "components.wijk_dorpsbudget.staffel.brackets[5].fixed"
RATIONALE = "Voorstel fractie X, raad 12 maart: ruimte maken voor kleine dorpen."


def test_the_sweep_workbook_holds_every_scenario_and_a_native_line_chart(tmp_path: Path) -> None:
    out = tmp_path / "sweep.xlsx"
    arguments = ["sweep", WIJKEN, "-r", RULES, "--vary", f"{RATE}=2.00:3.00:0.25"]
    result = run(*arguments, "-o", out)
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    sheet = openpyxl.load_workbook(out)["Varianten"]
    rows = list(sheet.iter_rows(values_only=True))
    header = next(index for index, row in enumerate(rows) if row[0] == RATE)
    assert rows[header][1:3] == ("Totaal", "Laagste bedrag")
    people = inhabitants().values()
    for rate, row in zip(("2.00", "2.25", "2.50", "2.75", "3.00"), rows[header + 1 :], strict=True):
        assert Decimal(str(row[0])) == Decimal(rate)
        assert Decimal(str(row[1])) == sum(amount(n, Decimal(rate)) for n in people)
    assert ("Gevarieerd 1", f"{RATE} (waarde in het regelbestand: 2.95)") in [
        row[:2] for row in rows[:header]
    ]
    with zipfile.ZipFile(out) as archive:
        charts = [name for name in archive.namelist() if name.startswith("xl/charts/chart")]
        assert len(charts) == 1
        chart = archive.read(charts[0]).decode()
    assert "<c:scatterChart>" in chart and '<c:scatterStyle val="lineMarker"/>' in chart
    again = tmp_path / "again.xlsx"
    run(*arguments, "-o", again)
    assert again.read_bytes() == out.read_bytes()


def test_a_two_way_sweep_draws_a_line_per_value_of_the_second_path(tmp_path: Path) -> None:
    out = tmp_path / "grid.xlsx"
    result = run(
        "sweep",
        WIJKEN,
        "-r",
        RULES,
        "--vary",
        f"{RATE}=2.00:3.00:0.50",
        "--vary",
        f"{FIXED}=5000:6000:500",
        "-o",
        out,
    )
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    with zipfile.ZipFile(out) as archive:
        chart = next(
            archive.read(name).decode() for name in archive.namelist() if name.startswith("xl/charts/chart")
        )
    assert chart.count("<c:ser>") == 3  # fixed = 5000, 5500, 6000
    sheet = openpyxl.load_workbook(out)["Grafieken"]
    cells = {cell.value: cell for row in sheet.iter_rows() for cell in row if cell.value is not None}
    corner = cells["brackets[5].rate"]
    heading = [sheet.cell(corner.row, corner.column + offset).value for offset in range(1, 4)]
    assert heading == ["brackets[5].fixed = 5000", "brackets[5].fixed = 5500", "brackets[5].fixed = 6000"]
    # rate 2.50 with fixed 5500: every area of 1,000 or more gets 500 less than with 6,000
    people = list(inhabitants().values())
    expected = sum(amount(n, Decimal("2.50")) - (500 if n >= 1000 else 0) for n in people)
    value = sheet.cell(corner.row + 2, corner.column + 2).value
    assert Decimal(str(value)) == expected


def test_the_comparison_opens_with_each_scenario_its_rationale_and_who_loses(tmp_path: Path) -> None:
    (tmp_path / "base.toml").write_text(RULES.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "t.toml").write_text(
        f'extends = "base.toml"\nname = "Tarief 2,50"\nrationale = "{RATIONALE}"\n[set]\n"{RATE}" = 2.50\n',
        encoding="utf-8",
    )
    out = tmp_path / "vergelijking.xlsx"
    scenario = ["--scenario", tmp_path / "t.toml", "--threshold", "5000"]
    result = run("compare", WIJKEN, "-r", tmp_path / "base.toml", *scenario, "-o", out)
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    assert RATIONALE in result.output  # type: ignore[attr-defined]
    workbook = openpyxl.load_workbook(out)
    assert workbook.sheetnames[0] == "Overzicht"
    pairs = {row[0]: row[1] for row in workbook["Overzicht"].iter_rows(values_only=True) if row[0]}
    assert pairs["Scenario"] == "Tarief 2,50"
    assert pairs["Toelichting"] == RATIONALE
    people = inhabitants()
    base = sum(amount(n, Decimal("2.95")) for n in people.values())
    new = sum(amount(n, Decimal("2.50")) for n in people.values())
    assert Decimal(str(pairs["Totaal basis"])) == base
    assert Decimal(str(pairs["Totaal scenario"])) == new
    losers = {
        code for code, n in people.items() if amount(n, Decimal("2.95")) - amount(n, Decimal("2.50")) > 5000
    }
    assert losers, "the threshold should leave some areas in the list"
    listed = str(pairs["Meer achteruit dan € 5.000,00"])
    assert {part.split()[0] for part in listed.split(", ")} == losers
    assert pairs["Gebieden erop achteruit"] == sum(
        1 for n in people.values() if amount(n, Decimal("2.50")) < amount(n, Decimal("2.95"))
    )


def test_the_staffel_curve_is_two_lines_through_the_areas_sorted_by_inhabitants(tmp_path: Path) -> None:
    (tmp_path / "base.toml").write_text(RULES.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "t.toml").write_text(
        f'extends = "base.toml"\nname = "T"\n[set]\n"{RATE}" = 2.50\n', encoding="utf-8"
    )
    out = tmp_path / "vergelijking.xlsx"
    result = run(
        "compare", WIJKEN, "-r", tmp_path / "base.toml", "--scenario", tmp_path / "t.toml", "-o", out
    )
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    with zipfile.ZipFile(out) as archive:
        curve = next(
            text
            for name in archive.namelist()
            if name.startswith("xl/charts/chart")
            and "<c:scatterChart>" in (text := archive.read(name).decode())
        )
    assert '<c:scatterStyle val="lineMarker"/>' in curve and curve.count("<c:ser>") == 2
    sheet = openpyxl.load_workbook(out)["Grafieken 1"]
    cells = [[cell.value for cell in row] for row in sheet.iter_rows()]
    column = cells[0].index("Inwoners")
    counts = [row[column] for row in cells[1:] if row[column] is not None]
    assert counts == sorted(inhabitants().values())
    for row in cells[1 : len(counts) + 1]:
        n = row[column]
        assert Decimal(str(row[column + 1])) == amount(n, Decimal("2.95"))
        assert Decimal(str(row[column + 2])) == amount(n, Decimal("2.50"))


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_progress_bar_shows_only_on_a_terminal_after_a_moment_and_clears() -> None:
    from budgetcalc.terminal import ProgressBar

    now = [0.0]
    screen = _Terminal()
    bar = ProgressBar("sweep", 10_000, screen, delay=0.5, clock=lambda: now[0])
    bar(1_000)
    assert screen.getvalue() == ""  # quick work draws nothing
    now[0] = 0.6
    bar(4_800)
    assert "48%" in screen.getvalue() and "4,800 of 10,000" in screen.getvalue()
    bar.close()
    assert screen.getvalue().endswith("\r\x1b[2K")
    piped = io.StringIO()  # not a terminal: a log file stays clean
    other = ProgressBar("sweep", 10, piped, delay=0.0, clock=lambda: 5.0)
    other(5)
    other.close()
    assert piped.getvalue() == ""


def test_a_sweep_reports_its_progress_block_by_block() -> None:
    import pandas as pd

    from budgetcalc import load_ruleset
    from budgetcalc.scenarios import parse_range, sweep

    seen: list[int] = []
    rows, _ = sweep(pd.read_csv(WIJKEN, dtype=str), load_ruleset(RULES), [parse_range(f"{RATE}=1:40:0.01")],
                    progress=seen.append)  # fmt: skip
    assert seen == sorted(seen) and seen[-1] == len(rows) == 3901


def test_compare_prints_the_areas_as_a_table_on_the_terminal(tmp_path: Path) -> None:
    (tmp_path / "base.toml").write_text(RULES.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "t.toml").write_text(
        f'extends = "base.toml"\nname = "T"\n[set]\n"{RATE}" = 2.50\n', encoding="utf-8"
    )
    result = run("compare", WIJKEN, "-r", tmp_path / "base.toml", "--scenario", tmp_path / "t.toml")
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    lines = result.output.splitlines()  # type: ignore[attr-defined]
    people = inhabitants()
    for code, n in people.items():
        row = next(line.split() for line in lines if line.startswith(code))
        old, new = amount(n, Decimal("2.95")), amount(n, Decimal("2.50"))
        assert [Decimal(value) for value in row[-4:-1]] == [old, new, new - old]


POT_RULES = """
name = "Wijkbudget met pot"
municipality = "Leeuwarden"
municipality_code = "GM0080"
decision = "testbesluit"
valid_from = 2024-01-01
reference_date = 2024-01-01

[components.vast]
fixed = 1000

[components.per_inwoner]
rate = 1.13
per = "inhabitants"
rounding = { step = 1, mode = "half_even" }

[pots.extra]
amount = 100000
minus = "vast"
minimum = 2500
maximum = 9000
"""


def test_sampled_sweep_amounts_equal_allocate_with_set_pots_included(tmp_path: Path) -> None:
    """Every amount of a sweep (the per-area matrix) equals what ``allocate --set`` gives for that scenario,
    on a sample of the grid, with a pot whose bounds need water filling."""
    import csv
    import random

    rules = tmp_path / "pot.toml"
    rules.write_text(POT_RULES, encoding="utf-8")
    rate, pot = "components.per_inwoner.rate", "pots.extra.amount"
    matrix = tmp_path / "matrix.csv"
    grid = ["--vary", f"{rate}=0.50:2.00:0.13", "--vary", f"{pot}=60000:140000:7919.37"]
    result = run("sweep", WIJKEN, "-r", rules, *grid, "-o", tmp_path / "rows.csv", "--per-area", matrix)
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    with (tmp_path / "rows.csv").open(encoding="utf-8", newline="") as stream:
        rows = list(csv.DictReader(stream))
    with matrix.open(encoding="utf-8", newline="") as stream:
        per_area = list(csv.DictReader(stream))
    for number in random.Random(8).sample(range(len(rows)), 4):
        row = rows[number]
        report = tmp_path / f"single-{number}.csv"
        single = run(
            "allocate", WIJKEN, "-r", rules, "--set", f"{rate}={row[rate]}", "--set", f"{pot}={row[pot]}",
            "-o", report,
        )  # fmt: skip
        assert single.exit_code == 0, single.output  # type: ignore[attr-defined]
        with report.open(encoding="utf-8", newline="") as stream:
            expected = {line["code"]: Decimal(line["total"]) for line in csv.DictReader(stream)}
        found = {line["code"]: Decimal(line[f"scenario {number + 1}"]) / 100 for line in per_area}
        assert found == expected
        assert Decimal(row["total"]) == sum(expected.values())


def test_two_scenarios_with_one_name_are_refused(tmp_path: Path) -> None:
    (tmp_path / "base.toml").write_text(RULES.read_text(encoding="utf-8"), encoding="utf-8")
    for file, rate in (("a.toml", "2.50"), ("b.toml", "2.00")):
        (tmp_path / file).write_text(
            f'extends = "base.toml"\nname = "Tarief omlaag"\n[set]\n"{RATE}" = {rate}\n', encoding="utf-8"
        )
    scenarios = ["--scenario", tmp_path / "a.toml", "--scenario", tmp_path / "b.toml"]
    result = run("compare", WIJKEN, "-r", tmp_path / "base.toml", *scenarios)
    assert result.exit_code == 2  # type: ignore[attr-defined]
    assert "Tarief omlaag" in result.output  # type: ignore[attr-defined]


def test_a_threshold_in_percent_lists_the_areas_losing_more_than_that_share() -> None:
    import pandas as pd

    from budgetcalc import load_ruleset
    from budgetcalc.scenarios import Scenario, compare_areas, parse_threshold, summary

    scenario = Scenario("T", {RATE: Decimal("2.50")})
    frame = compare_areas(pd.read_csv(WIJKEN, dtype=str), load_ruleset(RULES), [scenario])
    people = inhabitants()
    expected = {
        code
        for code, n in people.items()
        if (amount(n, Decimal("2.50")) - amount(n, Decimal("2.95"))) * 100 / amount(n, Decimal("2.95"))
        < Decimal("-12.5")
    }
    assert expected and len(expected) < len(people)
    (line,) = summary(frame, [scenario], parse_threshold("12.5%"))
    assert {text.split()[0] for text in line["losing_more_than_threshold"]} == expected  # type: ignore[attr-defined]


def test_a_sweep_row_the_rule_file_would_refuse_is_an_error_row_not_a_total(tmp_path: Path) -> None:
    import csv

    out = tmp_path / "s.csv"
    edge = "components.wijk_dorpsbudget.staffel.brackets[4].below"
    result = run("sweep", WIJKEN, "-r", RULES, "--vary", f"{edge}=900:1100:100", "-o", out)
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    with out.open(encoding="utf-8", newline="") as stream:
        rows = list(csv.DictReader(stream))
    assert list(rows[0]) == [edge, "total", "smallest", "largest", "areas_losing", "largest_loss", "error"]
    assert [row["error"] != "" for row in rows] == [True, False, True]  # 900: a gap; 1100: an overlap
    assert rows[0]["total"] == "" and "gap" in rows[0]["error"] and "overlap" in rows[2]["error"]
    assert Decimal(rows[1]["total"]) == sum(amount(n, Decimal("2.95")) for n in inhabitants().values())


def test_odd_vary_specs_read_as_people_mean_them(tmp_path: Path) -> None:
    from budgetcalc.scenarios import parse_range

    assert [str(value) for value in parse_range(f"{RATE}=1e0:2e0:5e-1")[1]] == ["1.0", "1.5", "2.0"]
    twice = ["--vary", f"{RATE}=2:3:1", "--vary", f"{RATE}=2:3:1"]
    result = run("sweep", WIJKEN, "-r", RULES, *twice)
    assert result.exit_code == 2 and "twice" in result.output  # type: ignore[attr-defined]


def test_a_base_of_zero_shows_no_percentage_on_the_terminal(tmp_path: Path) -> None:
    import pandas as pd

    from budgetcalc.cli_summary import comparison_lines

    frame = pd.DataFrame(
        {"code": ["A"], "name": ["Adorp"], "base": [Decimal(0)], "T": [Decimal(5)],
         "T: difference": [Decimal(5)], "T: percent": [None]}
    )  # fmt: skip
    (_, row) = comparison_lines(frame, ["T"])
    assert row.split()[-1] == "-" and "None" not in row
