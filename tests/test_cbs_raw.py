"""The raw CBS StatLine export read as it comes, against the clean CSV made from it.

``data/cbs-kwb-2024-statline-raw.csv`` is the untouched download (``;``, byte-order mark, CRLF,
long Dutch headers, padded text, a Nederland row); ``data/cbs-kwb-2024-inhabitants.csv`` is the
same figures cleaned up. Both must give the same areas, inhabitants and budgets level by level.
Independent figures come from reading the clean CSV with the ``csv`` module.
"""

from __future__ import annotations

import csv
import io
from collections import Counter, defaultdict
from decimal import Decimal
from pathlib import Path

import pytest
from helpers import in_english
from typer.testing import CliRunner, Result

from budgetcalc import Allocation, Population, allocate, load_ruleset
from budgetcalc.reading import read_population
from cli import app

ROOT = Path(__file__).resolve().parent.parent
RAW = ROOT / "data" / "cbs-kwb-2024-statline-raw.csv"
CLEAN = ROOT / "data" / "cbs-kwb-2024-inhabitants.csv"
LEEUWARDEN = ROOT / "data" / "leeuwarden-wijken-2024.csv"
HOGELAND = ROOT / "rules" / "het-hogeland.toml"
SPORTAKKOORD = ROOT / "rules" / "sportakkoord-2019.toml"
LEVELS = {"gemeente": 342, "wijk": 3_393, "buurt": 14_574}


def clean_rows() -> list[dict[str, str]]:
    with CLEAN.open(encoding="utf-8", newline="") as stream:
        return list(csv.DictReader(stream))


CLEAN_ROWS = clean_rows()


@pytest.fixture(scope="module")
def raw() -> dict[str, Population]:
    return {level: read_population(RAW, level=level) for level in LEVELS}


@pytest.fixture(scope="module")
def clean_wijken() -> Population:
    return read_population(CLEAN, level="wijk")


@pytest.fixture(scope="module")
def raw_wijk_allocation(raw: dict[str, Population]) -> Allocation:
    return allocate(raw["wijk"], load_ruleset(HOGELAND), allow_other_municipality=True)


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(app, in_english(["allocate", *map(str, args)]))


def municipality_of(code: str) -> str:
    """GM0080 for WK008001 or BU00800101: CBS codes start with the municipality's four digits."""
    return "GM" + code[2:6]


def per_municipality(codes: list[str], values: list[object]) -> dict[str, Decimal]:
    sums: defaultdict[str, Decimal] = defaultdict(Decimal)
    for code, value in zip(codes, values, strict=True):
        sums[municipality_of(code)] += Decimal(str(value))
    return dict(sums)


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


# --- levels ---------------------------------------------------------------------------------------


def test_the_raw_file_is_as_downloaded() -> None:
    data = RAW.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and b"\r\n" in data and b";" in data.splitlines()[0]
    assert len(data.splitlines()) == 18_311  # the header and 18,310 rows
    assert data.splitlines()[1].startswith(b'"Nederland";"Nederland   ')


def test_the_clean_file_has_the_same_levels() -> None:
    assert Counter(row["level"] for row in CLEAN_ROWS) == LEVELS


@pytest.mark.parametrize("level", LEVELS)
def test_each_level_has_the_same_areas_and_inhabitants(raw: dict[str, Population], level: str) -> None:
    population = raw[level]
    assert len(population) == LEVELS[level]
    expected = {row["code"]: int(row["inhabitants"]) for row in CLEAN_ROWS if row["level"] == level}
    frame = population.frame
    assert dict(zip(frame["code"], frame["inhabitants"].astype(int), strict=True)) == expected
    # Names as a person reads them: CBS's "Groeningen  Centrum" (two spaces) is "Groeningen Centrum".
    names = {row["code"]: " ".join(row["name"].split()) for row in CLEAN_ROWS if row["level"] == level}
    assert dict(zip(frame["code"], frame["name"], strict=True)) == names
    assert set(frame["kind"]) == {level}


def test_wijk_inhabitants_per_municipality(raw: dict[str, Population], clean_wijken: Population) -> None:
    from_raw = per_municipality(raw["wijk"].codes, list(raw["wijk"].frame["inhabitants"]))
    frame = clean_wijken.frame
    from_clean: defaultdict[str, Decimal] = defaultdict(Decimal)
    for code, count in zip(frame["municipality_code"], frame["inhabitants"], strict=True):
        from_clean[code] += count
    assert from_raw == dict(from_clean)
    assert len(from_raw) == 342
    assert from_raw["GM0080"] == 128_820


def test_wijk_budgets_per_municipality(raw_wijk_allocation: Allocation, clean_wijken: Population) -> None:
    clean = allocate(clean_wijken, load_ruleset(HOGELAND), allow_other_municipality=True).to_frame()
    raw_frame = raw_wijk_allocation.to_frame()
    assert dict(zip(raw_frame["code"], raw_frame["total"], strict=True)) == dict(
        zip(clean["code"], clean["total"], strict=True)
    )
    from_raw = per_municipality(list(raw_frame["code"]), list(raw_frame["total"]))
    from_clean = per_municipality(list(clean["code"]), list(clean["total"]))
    assert from_raw == from_clean
    wijken: defaultdict[str, list[int]] = defaultdict(list)
    for row in CLEAN_ROWS:
        if row["level"] == "wijk":
            wijken[row["municipality_code"]].append(int(row["inhabitants"]))
    assert from_raw == {
        code: Decimal("6567") * len(counts) + Decimal("1.68") * sum(counts) for code, counts in wijken.items()
    }
    assert raw_wijk_allocation.grand_total_cents == sum(from_raw.values()) * 100


def test_gemeente_budgets_under_the_sportakkoord(raw: dict[str, Population]) -> None:
    ruleset = load_ruleset(SPORTAKKOORD)
    from_raw = allocate(raw["gemeente"], ruleset).to_frame()
    from_clean = allocate(read_population(CLEAN, level="gemeente"), ruleset).to_frame()
    assert len(from_raw) == 342
    assert dict(zip(from_raw["code"], from_raw["total"], strict=True)) == dict(
        zip(from_clean["code"], from_clean["total"], strict=True)
    )
    leeuwarden = from_raw.set_index("code").loc["GM0080"]
    assert int(leeuwarden["inhabitants"]) > 100_000
    assert leeuwarden["total"] == Decimal(60_000)  # more than 100,000 up to 130,000 inhabitants


# --- selection on the command line ------------------------------------------------------------------


@pytest.mark.parametrize("municipality", ["GM0080", "leeuwarden"])
def test_one_municipality_by_code_or_name(workdir: Path, municipality: str) -> None:
    result = run(
        RAW,
        "--level",
        "wijk",
        "--municipality",
        municipality,
        "-r",
        HOGELAND,
        "-o",
        "out.csv",
        "--allow-other-municipality",
    )
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO((workdir / "out.csv").read_text(encoding="utf-8"))))
    assert len(rows) == 22
    assert sum(int(row["inhabitants"]) for row in rows) == 128_820
    with LEEUWARDEN.open(encoding="utf-8", newline="") as stream:
        demo = {row["gebiedscode"]: int(row["inwoners"]) for row in csv.DictReader(stream)}
    assert {row["code"]: int(row["inhabitants"]) for row in rows} == demo
    total = Decimal("6567") * 22 + Decimal("1.68") * 128_820
    assert sum(Decimal(row["total"]) for row in rows) == total


def test_the_nederland_row_is_reported_as_skipped(raw: dict[str, Population]) -> None:
    for population in raw.values():
        warnings = [notice.text("en") for notice in population.warnings]
        assert "1 row(s) skipped, the row for the whole country (code NL00): row 2" in warnings
        assert "NL00" not in population.codes


def test_the_nederland_row_is_skipped_with_a_warning_on_the_terminal(workdir: Path) -> None:
    result = run(
        RAW,
        "--level",
        "wijk",
        "--municipality",
        "GM0080",
        "-r",
        HOGELAND,
        "-o",
        "out.csv",
        "--lang",
        "en",
        "--allow-other-municipality",
    )
    assert result.exit_code == 0, result.output
    assert "warning: 1 row(s) skipped, the row for the whole country (code NL00): row 2" in result.stderr
    assert "Number of areas: 22" in result.stdout


def test_without_level_the_raw_file_is_refused(workdir: Path) -> None:
    result = run(RAW, "-r", HOGELAND, "-o", "out.csv")
    assert result.exit_code == 2
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.stderr == (
        f"error: {RAW}: the file holds areas of several CBS levels "
        "(gemeente 342, wijk 3,393, buurt 14,574); choose one with --level\n"
    )
    assert list(workdir.iterdir()) == []
