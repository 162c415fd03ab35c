"""Defects a code review found, each pinned by a test that failed before its fix."""

from __future__ import annotations

import os
import stat
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from helpers import compute, rules, totals
from typer.testing import CliRunner

from budgetcalc.errors import BudgetcalcError, InputError, RuleError
from budgetcalc.ruleset import load_ruleset
from cli import app

STAFFEL_WITH_DUTCH_BOUNDS = """
    [components.basis.staffel]
    [[components.basis.staffel.brackets]]
    from = 0
    below = 1.000
    fixed = 1000
    [[components.basis.staffel.brackets]]
    from = 1.000
    fixed = 2000
"""


def test_a_bracket_bound_written_with_a_thousands_separator_is_refused() -> None:
    # 'tot 1.000 inwoners' typed as 1.000 is one inhabitant in TOML: every area would land in the top bracket
    with pytest.raises(RuleError, match=r"bound 1\.000 has three decimals.*for 1\.000 write 1000"):
        rules(STAFFEL_WITH_DUTCH_BOUNDS)


def test_a_fractional_bound_on_hectares_is_allowed() -> None:
    ruleset = rules(
        STAFFEL_WITH_DUTCH_BOUNDS.replace(
            "[components.basis.staffel]", '[components.basis.staffel]\nper = "land_area_ha"'
        )
    )
    assert ruleset.components["basis"].staffel is not None


def test_an_absurd_rate_is_refused_rather_than_wrapping_around() -> None:
    with pytest.raises(RuleError, match="too large to be a rate"):
        rules("[components.basis]\nrate = 500000000000000")


def test_sums_that_do_not_fit_are_an_error_not_a_negative_budget() -> None:
    # each component fits in int64 cents on its own; their sum per area does not
    snippet = """
        [components.a]
        rate = 900000000000
        [components.b]
        rate = 900000000000
    """
    with pytest.raises(BudgetcalcError, match="too large"):
        compute(snippet, ("A", "Adorp", "dorp", 40_000_000))


def test_a_count_with_float_noise_is_an_input_error_naming_the_cell() -> None:
    snippet = (
        '[components.natuur]\nrate = 0.25\nper = "land_area_ha"\nrounding = { step = 1, mode = "half_up" }'
    )
    with pytest.raises(InputError, match="more than 6 decimals") as raised:
        compute(snippet, ("A", "Adorp", "dorp", 10), land_area_ha=["0.30000000000000004"])
    assert (raised.value.row, raised.value.column) == (1, "land_area_ha")


def test_households_are_whole_counts_like_inhabitants() -> None:
    snippet = '[components.per_huishouden]\nrate = 2\nper = "huishoudens"'
    # 1.234 households is one thousand two hundred and thirty-four, as it would be for inhabitants
    assert totals(snippet, ("A", "Adorp", "dorp", 3000), households=["1.234"]) == {"A": Decimal("2468")}
    with pytest.raises(InputError, match="expected a whole number"):
        compute(snippet, ("A", "Adorp", "dorp", 3000), households=["499,5"])


def test_suppressed_figure_in_another_column_does_not_suggest_skip_suppressed() -> None:
    snippet = '[components.per_huishouden]\nrate = 2\nper = "households"'
    with pytest.raises(InputError) as raised:
        compute(snippet, ("A", "Adorp", "dorp", 3000), households=["."])
    assert "--skip-suppressed" not in str(raised.value)
    assert "a rule needs this figure" in str(raised.value)


def test_a_rule_file_with_a_byte_order_mark_loads(tmp_path: Path) -> None:
    path = tmp_path / "notepad.toml"
    path.write_bytes(
        b"\xef\xbb\xbf" + (Path(__file__).parent / "data" / "cli-het-hogeland.toml").read_bytes()
    )
    assert load_ruleset(path).components["dorpsbudget"].fixed is not None


def test_an_exception_settles_an_area_the_rule_cannot_handle() -> None:
    snippet = """
        [components.basis.staffel]
        [[components.basis.staffel.brackets]]
        from = 0
        through = 5000
        fixed = 2500

        [[exceptions]]
        area = "STAD"
        component = "basis"
        amount = 9000
        reason = "stad valt buiten de staffel; raadsbesluit"
    """
    # 12,000 inhabitants fall in no bracket: without the exception that is an error
    result = totals(snippet, ("D1", "Adorp", "dorp", 664), ("STAD", "Stad", "wijk", 12_000))
    assert result == {"D1": Decimal("2500"), "STAD": Decimal("9000")}


@pytest.mark.skipif(sys.platform == "win32" or os.geteuid() == 0, reason="root may write anywhere")
def test_an_unwritable_folder_is_one_error_line(tmp_path: Path) -> None:
    folder = tmp_path / "alleen-lezen"
    folder.mkdir()
    folder.chmod(stat.S_IRUSR | stat.S_IXUSR)
    result = CliRunner().invoke(
        app,
        [
            "allocate",
            "data/leeuwarden-wijken-2024.csv",
            "--rules",
            "rules/leeuwarden-2015.toml",
            "-o",
            str(folder / "rapport.csv"),
        ],
    )
    assert result.exit_code == 2 and "cannot write the report" in result.stderr


def test_a_report_that_cannot_be_written_is_one_error_line_and_no_summary(tmp_path: Path) -> None:
    target = Path("/proc/budgetcalc-rapport.csv")  # /proc refuses new files, even for root
    result = CliRunner().invoke(
        app,
        [
            "allocate",
            "data/leeuwarden-wijken-2024.csv",
            "--rules",
            "rules/leeuwarden-2015.toml",
            "-o",
            str(target),
        ],
    )
    assert result.exit_code == 2
    assert result.stderr.startswith("error: ") and len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.output and result.stdout == ""


def test_the_same_input_bytes_give_the_same_report_wherever_the_file_lies(tmp_path: Path) -> None:
    import hashlib
    import json
    import shutil

    source = Path("data/leeuwarden-wijken-2024.xlsx")
    elsewhere = tmp_path / "elders" / source.name
    elsewhere.parent.mkdir()
    shutil.copy(source, elsewhere)
    reports = []
    for number, population in enumerate((source.resolve(), elsewhere)):
        target = tmp_path / f"rapport-{number}.json"
        result = CliRunner().invoke(
            app, ["allocate", str(population), "--rules", "rules/leeuwarden-2015.toml", "-o", str(target)]
        )
        assert result.exit_code == 0, result.output
        reports.append(target.read_bytes())
    assert reports[0] == reports[1]
    recorded = json.loads(reports[0])["population"]
    assert recorded["file"] == source.name
    assert recorded["sha256"] == hashlib.sha256(source.read_bytes()).hexdigest()
