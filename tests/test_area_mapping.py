"""``--areas MAPPING``: CBS buurten summed into the municipality's own areas (villages, kernen) before the
allocation. Sums are exact; a buurt mapped twice is an error naming both rows; a buurt no row maps, and
an area none of whose buurten is in the population, are notices; a mapped buurt missing from an area
whose other buurten are present (a typo, a suppressed count skipped) is an error. Expected values are
worked out by hand from the files the tests write."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from helpers import corpus_maker, in_english
from typer.testing import CliRunner

from budgetcalc.reading import read_area_mapping, read_population, sum_into_areas
from cli import app

ROOT = Path(__file__).resolve().parent.parent
CBS = ROOT / "data" / "cbs-kwb-2024-inhabitants.csv"
HOGELAND_RULES = ROOT / "rules" / "het-hogeland.toml"
DORPEN = ROOT / "data" / "het-hogeland-dorpen-2024.csv"

POPULATION = (
    "code,name,level,municipality_code,inhabitants,households,land_area_ha,krimp\n"
    "BU19669901,Noorddorp kern,buurt,GM1966,1235,520,12.5,ja\n"
    "BU19669902,Noorddorp west,buurt,GM1966,40,17,80.25,ja\n"
    "BU19669903,Zuiddorp,buurt,GM1966,700,301,3.1250,nee\n"
    "BU19669904,Haven,buurt,GM1966,0,0,150,nee\n"
)
MAPPING = (
    "dorpscode,dorp,buurtcode,soort\n"
    "D1,Noorddorp,BU19669901,dorp\n"
    "D1,Noorddorp,BU19669902,dorp\n"
    "D2,Zuiddorp,BU19669903,dorp\n"
)
RULES = """name = "Dorpsbudget"
municipality = "Het Hogeland"
municipality_code = "GM1966"
decision = "test"
valid_from = 2024-01-01
reference_date = 2024-01-01

[components.basis]
fixed = 1000
rate = 2.50

[components.huishoudens]
rate = 3
per = "households"

[components.oppervlakte]
rate = 4
per = "land_area_ha"

[components.krimp]
fixed = 100
applies_to = { attribute = { krimp = ["ja"] } }
"""
# Noorddorp = BU..01 + BU..02: 1235 + 40 = 1275 inhabitants, 520 + 17 = 537 households, 12.5 + 80.25 =
# 92.75 ha, krimp: 1000 + 2.50 x 1275 + 3 x 537 + 4 x 92.75 + 100 = 1000 + 3187.50 + 1611 + 371 + 100.
NOORDDORP = Decimal("6269.50")
# Zuiddorp = BU..03: 1000 + 2.50 x 700 + 3 x 301 + 4 x 3.125 = 1000 + 1750 + 903 + 12.50, no krimp.
ZUIDDORP = Decimal("3665.50")


def write(folder: Path, name: str, text: str | bytes) -> Path:
    path = folder / name
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return path


def files(tmp_path: Path, mapping: str | bytes = MAPPING, population: str = POPULATION) -> list[Path]:
    return [
        write(tmp_path, "buurten.csv", population),
        write(tmp_path, "regels.toml", RULES),
        write(tmp_path, "indeling.csv" if isinstance(mapping, str) else "indeling.xlsx", mapping),
    ]


def run(*arguments: str | Path) -> object:
    return CliRunner().invoke(app, [str(argument) for argument in arguments])


def run_en(*arguments: str | Path) -> object:
    """The command in English, for the tests that quote its English messages."""
    return CliRunner().invoke(app, in_english([str(argument) for argument in arguments]))


def allocate_json(tmp_path: Path, *extra: str, mapping: str | bytes = MAPPING, **kw: str) -> dict:
    population, rules, areas = files(tmp_path, mapping, **kw)
    out = tmp_path / "rapport.json"
    result = run("allocate", population, "-r", rules, "--areas", areas, "-o", out, "--lang", "en", *extra)
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    report: dict = json.loads(out.read_text(encoding="utf-8"))
    report["terminal"] = result.output  # type: ignore[attr-defined]
    return report


def error_of(tmp_path: Path, *extra: str, mapping: str | bytes = MAPPING, **kw: str) -> str:
    population, rules, areas = files(tmp_path, mapping, **kw)
    result = run_en("allocate", population, "-r", rules, "--areas", areas, "-o", tmp_path / "r.json", *extra)
    assert result.exit_code == 2, result.output  # type: ignore[attr-defined]
    assert not (tmp_path / "r.json").exists()
    lines = result.output.strip().splitlines()  # type: ignore[attr-defined]
    assert len(lines) == 1 and lines[0].startswith("error: "), result.output  # type: ignore[attr-defined]
    return lines[0]


def by_code(report: dict) -> dict[str, dict]:
    return {area["code"]: area for area in report["areas"]}


# --- sums -------------------------------------------------------------------------------------------


def test_the_buurten_of_an_area_are_summed_exactly_before_the_allocation(tmp_path: Path) -> None:
    report = allocate_json(tmp_path)
    areas = by_code(report)
    assert list(areas) == ["D1", "D2"]
    assert areas["D1"]["name"] == "Noorddorp" and areas["D1"]["kind"] == "dorp"
    assert areas["D1"]["inhabitants"] == 1275 and areas["D2"]["inhabitants"] == 700
    assert Decimal(areas["D1"]["amounts"]["total"]) == NOORDDORP
    assert Decimal(areas["D2"]["amounts"]["total"]) == ZUIDDORP
    values = {value["column"]: value["value"] for value in areas["D1"]["input"]["values"]}
    assert values.pop("krimp") == "ja"
    assert {column: Decimal(value) for column, value in values.items()} == {
        "inhabitants": 1275,
        "households": 537,
        "land_area_ha": Decimal("92.75"),
    }
    assert Decimal(report["total"]) == NOORDDORP + ZUIDDORP


def test_the_sums_are_exact_in_the_library_too(tmp_path: Path) -> None:
    population, _, areas = files(tmp_path)
    buurten = read_population(population, level="buurt")
    summed = sum_into_areas(
        buurten, read_area_mapping(areas), count_columns={"households"}, condition_columns={"krimp"}
    )
    frame = summed.frame
    assert list(frame["code"]) == ["D1", "D2"]
    assert list(frame["inhabitants"]) == [1275, 700]
    assert list(frame["households"]) == [537, 301]
    assert [summed.count("land_area_ha").decimal_at(i) for i in range(2)] == [
        Decimal("92.75"),
        Decimal("3.125"),
    ]
    assert list(frame["summed_from"]) == [
        "BU19669901 Noorddorp kern (1235); BU19669902 Noorddorp west (40)",
        "BU19669903 Zuiddorp (700)",
    ]
    assert list(frame["municipality_code"]) == ["GM1966", "GM1966"]


def test_the_rows_check_counts_the_buurten_summed_and_left_out(tmp_path: Path) -> None:
    report = allocate_json(tmp_path)
    rows = next(check for check in report["checks"] if check["check"] == "check_rows")
    # 4 rows read = 2 areas + 1 buurt summed into an area beyond its first + 1 buurt in no area
    assert rows == {
        "check": "check_rows",
        "ok": True,
        "detail": "4 rows read = 2 areas in the allocation + 2 left out (reported)",
    }


# --- mapped twice, not mapped, not in the population ------------------------------------------------


@pytest.mark.parametrize(
    ("extra_row", "says"),
    [
        ("D2,Zuiddorp,BU19669901,dorp", "row 2 maps it to D1 Noorddorp, this row to D2 Zuiddorp"),
        ("D1,Noorddorp,BU19669901,dorp", "row 2 maps it to D1 Noorddorp, this row again to the same area"),
    ],
)
def test_a_buurt_mapped_twice_is_an_error_naming_both_rows(tmp_path: Path, extra_row: str, says: str) -> None:
    line = error_of(tmp_path, mapping=MAPPING + extra_row + "\n")
    assert "indeling.csv, row 5, column 'buurtcode'" in line
    assert "buurt BU19669901 is mapped twice" in line and says in line


def test_a_buurt_no_row_maps_is_left_out_with_a_notice(tmp_path: Path) -> None:
    report = allocate_json(tmp_path)
    expected = (
        "1 buurt(en) belong to no area of the area mapping and were left out (0 inhabitants): "
        "BU19669904 Haven"
    )
    assert expected in report["warnings"]
    assert f"warning: {expected}" in report["terminal"]
    assert "BU19669904" not in by_code(report)


def test_the_unmapped_notice_is_on_the_checks_sheet(tmp_path: Path) -> None:
    population, rules, areas = files(tmp_path)
    out = tmp_path / "rapport.xlsx"
    result = run("allocate", population, "-r", rules, "--areas", areas, "-o", out)
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    book = openpyxl.load_workbook(out, read_only=True)
    cells = [str(cell) for row in book["Controles"].iter_rows(values_only=True) for cell in row if cell]
    assert any("horen bij geen gebied" in cell and "BU19669904 Haven" in cell for cell in cells)
    assert any("3 buurt(en) opgeteld tot 2 gebied(en)" in cell for cell in cells)


def test_a_missing_buurt_of_an_area_with_others_present_is_an_error(tmp_path: Path) -> None:
    mapping = MAPPING.replace("BU19669902", "BU19669992")  # a typo: the area's sum would be too small
    line = error_of(tmp_path, mapping=mapping)
    assert "indeling.csv, row 3, column 'buurtcode'" in line
    assert "buurt BU19669992 of area D1 Noorddorp is not among the population's areas" in line


def test_an_area_none_of_whose_buurten_is_present_is_left_out_with_a_notice(tmp_path: Path) -> None:
    report = allocate_json(
        tmp_path, mapping=MAPPING + "D9,Elders,BU00000001,dorp\nD9,Elders,BU00000002,dorp\n"
    )
    assert list(by_code(report)) == ["D1", "D2"]
    assert (
        "1 area(s) of the area mapping have no buurt in the population and were left out: D9"
        in report["warnings"]
    )


def test_a_mapping_that_matches_nothing_is_an_error(tmp_path: Path) -> None:
    line = error_of(tmp_path, mapping="buurtcode,dorp\nWK196699,Wijkdorp\n")
    assert "none of the buurten of the area mapping (WK196699) is among the population's areas" in line


# --- suppressed figures ------------------------------------------------------------------------------


def test_a_suppressed_buurt_inside_an_area_is_an_error_even_when_skipped(tmp_path: Path) -> None:
    population = POPULATION.replace("Noorddorp west,buurt,GM1966,40,", "Noorddorp west,buurt,GM1966,.,")
    without = error_of(tmp_path, population=population)
    assert "buurten.csv, row 3, column 'inhabitants'" in without and "suppressed" in without
    skipped = error_of(tmp_path, "--skip-suppressed", population=population)
    assert "indeling.csv, row 3, column 'buurtcode'" in skipped
    assert "buurt BU19669902 of area D1 Noorddorp is not among the population's areas" in skipped
    assert "--skip-suppressed" in skipped


def test_a_suppressed_count_a_rule_reads_is_an_error_but_not_in_an_unmapped_buurt(tmp_path: Path) -> None:
    inside = POPULATION.replace("40,17,", "40,.,")
    line = error_of(tmp_path, population=inside)
    assert "buurten.csv, row 3, column 'households'" in line and "suppressed" in line
    outside = POPULATION.replace("Haven,buurt,GM1966,0,0,", "Haven,buurt,GM1966,0,.,")  # BU..04: no area
    assert Decimal(allocate_json(tmp_path, population=outside)["total"]) == NOORDDORP + ZUIDDORP


def test_a_condition_column_that_differs_within_an_area_is_an_error(tmp_path: Path) -> None:
    population = POPULATION.replace("80.25,ja", "80.25,nee")
    line = error_of(tmp_path, population=population)
    assert "buurten.csv, row 3, column 'krimp'" in line
    assert "area D1 Noorddorp: a condition reads 'krimp', but its buurten differ" in line


def test_an_area_across_two_municipalities_is_an_error(tmp_path: Path) -> None:
    population = POPULATION.replace(
        "BU19669902,Noorddorp west,buurt,GM1966", "BU00149902,Noorddorp west,buurt,GM0014"
    )
    mapping = MAPPING.replace("BU19669902", "BU00149902")
    line = error_of(tmp_path, "--allow-other-municipality", mapping=mapping, population=population)
    assert "area D1 Noorddorp takes buurten of two municipalities" in line


# --- the mapping file itself --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("mapping", "says"),
    [
        ("dorp,soort\nNoorddorp,dorp\nZuiddorp,dorp\n", "no column with the CBS code of each buurt"),
        (
            "buurtcode,soort\nBU19669901,dorp\nBU19669903,dorp\n",
            "no column with the area each buurt belongs to",
        ),
        (
            "buurtcode,dorpscode,dorp\nBU19669901,,\n",
            "row 2, column 'dorpscode': buurt BU19669901 is mapped to no area",
        ),
        ("buurtcode,dorp\n,Noorddorp\nBU19669903,Zuiddorp\n", "row 2, column 'buurtcode': empty cell"),
        (
            "buurtcode,dorpscode,dorp\nBU19669901,D1,Noorddorp\nBU19669902,D1,Norddorp\n",
            "row 3, column 'dorp': area D1 is 'Norddorp' here but 'Noorddorp' in row 2",
        ),
        ("buurtcode,wijkcode,dorp\nBU19669901,WK196699,Noorddorp\n", "both mean the CBS code"),
        (
            "buurtcode,dorp\nBU19669901,Noord\x07dorp\n",
            "row 2, column 'dorp': the text holds a control character",
        ),
    ],
)
def test_a_mistake_in_the_mapping_is_one_line_naming_the_cell(
    tmp_path: Path, mapping: str, says: str
) -> None:
    line = error_of(tmp_path, mapping=mapping)
    assert "indeling.csv" in line and says in line


def test_codes_are_matched_as_a_person_reads_them(tmp_path: Path) -> None:
    mapping = (
        "buurtcode,dorpscode,dorp\n"
        "\u200bBU19669901\u00a0,D1,Noorddorp\n"  # a zero-width space and a no-break space
        "ＢＵ19669902,D1,Noorddorp\n"  # fullwidth letters
        "BU19669903\ufeff,D2,Zuiddorp\n"  # a byte-order mark inside the cell
    )
    areas = by_code(allocate_json(tmp_path, mapping=mapping))
    assert areas["D1"]["inhabitants"] == 1275 and areas["D2"]["inhabitants"] == 700


def test_formula_text_from_the_mapping_is_never_a_formula_in_a_report(tmp_path: Path) -> None:
    mapping = MAPPING.replace("D1,Noorddorp", 'D1,"=HYPERLINK(""http://x"",""klik"")"').replace(
        "D2,Zuiddorp", "D2,@SUM(1+1)"
    )
    population, rules, areas = files(tmp_path, mapping)
    out = tmp_path / "r.csv"
    result = run("allocate", population, "-r", rules, "--areas", areas, "-o", out)
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    names = [row["name"] for row in csv.DictReader(io.StringIO(out.read_text(encoding="utf-8")))]
    assert names == ['\'=HYPERLINK("http://x","klik")', "'@SUM(1+1)"]


def test_a_workbook_mapping_is_read_and_a_hostile_one_refused(tmp_path: Path) -> None:
    maker = corpus_maker()
    rows = [
        ["buurtcode", "dorpscode", "dorp"],
        ["BU19669901", "D1", "Noorddorp"],
        ["BU19669902", "D1", "Noorddorp"],
    ]
    rows.append(["BU19669903", "D2", "Zuiddorp"])
    areas = by_code(allocate_json(tmp_path, mapping=maker.xlsx({"Indeling": rows})))
    assert areas["D1"]["inhabitants"] == 1275
    hostile = maker.zip_file(
        maker.workbook({"Indeling": rows}, prolog={"xl/sharedStrings.xml": "<!DOCTYPE x>"})
    )
    line = error_of(tmp_path, mapping=hostile)
    assert "indeling.xlsx" in line and "document type" in line.lower()


def test_the_report_may_not_overwrite_the_mapping(tmp_path: Path) -> None:
    population, rules, areas = files(tmp_path)
    before = areas.read_bytes()
    result = run(
        "allocate", population, "-r", rules, "--areas", areas, "-o", areas.with_suffix(".csv"), "--force"
    )
    assert result.exit_code == 2 and areas.read_bytes() == before  # type: ignore[attr-defined]


def test_areas_without_a_kind_take_the_kind_option(tmp_path: Path) -> None:
    mapping = "buurtcode,dorp\nBU19669901,Noorddorp\nBU19669902,Noorddorp\nBU19669903,Zuiddorp\n"
    areas = by_code(allocate_json(tmp_path, "--kind", "kern", mapping=mapping))
    assert areas["Noorddorp"]["kind"] == "kern" and areas["Zuiddorp"]["inhabitants"] == 700
    some = "buurtcode,dorp,soort\nBU19669901,Noorddorp,dorp\nBU19669903,Zuiddorp,\n"
    assert "row 3, column 'soort': area Zuiddorp has no kind" in error_of(tmp_path, mapping=some)


# --- provenance, verify, explain ------------------------------------------------------------------------


def test_the_mapping_is_recorded_and_verify_re_performs_the_report(tmp_path: Path) -> None:
    population, rules, areas = files(tmp_path)
    for suffix in ("json", "xlsx"):
        out = tmp_path / f"rapport.{suffix}"
        result = run("allocate", population, "-r", rules, "--areas", areas, "-o", out)
        assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
        checked = run("verify", out)
        assert checked.exit_code == 0, checked.output  # type: ignore[attr-defined]
        assert "all figures hold (2 areas" in checked.output  # type: ignore[attr-defined]
    options = json.loads((tmp_path / "rapport.json").read_text(encoding="utf-8"))["provenance"]["options"]
    assert options["areas"] == str(areas)
    assert options["areas_sha256"] == hashlib.sha256(areas.read_bytes()).hexdigest()
    book = openpyxl.load_workbook(tmp_path / "rapport.xlsx", read_only=True)
    cells = [str(cell) for row in book["Herkomst"].iter_rows(values_only=True) for cell in row if cell]
    assert f"areas_sha256 = {hashlib.sha256(areas.read_bytes()).hexdigest()}" in cells


def test_a_changed_amount_in_such_a_report_is_found(tmp_path: Path) -> None:
    report = allocate_json(tmp_path)
    out = tmp_path / "rapport.json"
    document = json.loads(out.read_text(encoding="utf-8"))
    document["areas"][0]["amounts"]["total"] = "6269.51"
    out.write_text(json.dumps(document), encoding="utf-8")
    assert report["areas"][0]["code"] == "D1"
    assert run("verify", out).exit_code == 1  # type: ignore[attr-defined]


def test_explain_lists_the_buurten_an_area_was_summed_from(tmp_path: Path) -> None:
    population, rules, areas = files(tmp_path)
    result = run("explain", population, "-r", rules, "--areas", areas, "--area", "Noorddorp", "--lang", "en")
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    assert (
        "Summed from the buurten (inhabitants): "
        "BU19669901 Noorddorp kern (1235); BU19669902 Noorddorp west (40)" in result.output.splitlines()  # type: ignore[attr-defined]
    )


# --- the shipped example ----------------------------------------------------------------------------------


def test_the_shipped_het_hogeland_villages_end_to_end(tmp_path: Path) -> None:
    out = tmp_path / "hogeland.json"
    result = run(
        "allocate", CBS, "--level", "buurt", "--municipality", "Het Hogeland", "--areas", DORPEN,
        "-r", HOGELAND_RULES, "--year", "2024", "-o", out, "--lang", "en",
    )  # fmt: skip
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    report = json.loads(out.read_text(encoding="utf-8"))
    areas = {area["name"]: area for area in report["areas"]}
    assert len(areas) == 35
    # CBS 2024 counts Adorp's buurt at 585 (rounded to 5); the published 664 is the village on the
    # municipality's map. 6,567 + 1.68 x 585 = 7,549.80.
    assert areas["Adorp"]["inhabitants"] == 585
    assert Decimal(areas["Adorp"]["amounts"]["total"]) == Decimal("7549.80")
    # Bedum's five buurten: 1,045 + 1,435 + 1,985 + 2,140 + 1,830 = 8,435; 6,567 + 1.68 x 8,435 = 20,737.80
    assert areas["Bedum"]["inhabitants"] == 8435
    assert Decimal(areas["Bedum"]["amounts"]["total"]) == Decimal("20737.80")
    expected = next(check for check in report["checks"] if check["check"] == "check_expected")
    assert expected["ok"] is None  # 664 published against 585 counted: not compared
    assert all(check["ok"] is not False for check in report["checks"])
    left_out = [warning for warning in report["warnings"] if "belong to no area" in warning]
    assert left_out and left_out[0].startswith("16 buurt(en)")
    assert not any("another name" in warning for warning in report["warnings"])
    assert run("verify", out).exit_code == 0  # type: ignore[attr-defined]


def test_the_shipped_mapping_names_each_buurt_as_cbs_does() -> None:
    with CBS.open(encoding="utf-8") as stream:
        cbs = {row["code"]: row for row in csv.DictReader(stream)}
    with DORPEN.open(encoding="utf-8") as stream:
        rows = list(csv.DictReader(stream))
    assert len(rows) == len({row["buurtcode"] for row in rows}) == 47
    for row in rows:
        buurt = cbs[row["buurtcode"]]
        assert buurt["municipality_code"] == "GM1966" and buurt["level"] == "buurt"
        assert buurt["name"] == row["buurtnaam"]
        assert row["buurtnaam"].replace(" - ", "-").lower().startswith(row["dorp"].lower()), row


def test_a_buurt_name_other_than_the_population_s_is_a_notice(tmp_path: Path) -> None:
    mapping = (
        "buurtcode,buurtnaam,dorp\n"
        "BU19669901,Noorddorp kern,Noorddorp\n"
        "BU19669902,Zuiddorp,Noorddorp\n"  # the code of another buurt than the name says?
        "BU19669903,Zuiddorp,Zuiddorp\n"
    )
    warnings = allocate_json(tmp_path, mapping=mapping)["warnings"]
    assert (
        "1 buurt(en) have another name in the area mapping than in the population "
        "(e.g. BU19669902: 'Zuiddorp' / 'Noorddorp west'); is the code right?"
    ) in warnings


def test_wijken_can_be_mapped_as_well(tmp_path: Path) -> None:
    out = tmp_path / "wijken.json"
    mapping = write(tmp_path, "wijken.csv", "wijkcode,gebied\nWK196601,De Marne\nWK196602,De Marne\n")
    result = run(
        "allocate", CBS, "--level", "wijk", "--municipality", "GM1966", "--areas", mapping,
        "-r", HOGELAND_RULES, "-o", out,
    )  # fmt: skip
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    (area,) = json.loads(out.read_text(encoding="utf-8"))["areas"]
    assert area["inhabitants"] == 3185 + 3195  # wijken Ulrum and Leens in CBS 2024
    assert "12 buurt(en) horen bij geen gebied" in result.output  # type: ignore[attr-defined]


def test_a_buurt_code_in_lower_case_is_the_same_code(tmp_path: Path) -> None:
    lower = MAPPING.replace("BU19669901", "bu19669901")
    areas = by_code(allocate_json(tmp_path, mapping=lower))
    assert areas["D1"]["inhabitants"] == 1275 and areas["D2"]["inhabitants"] == 700  # as with BU19669901


def test_mapping_messages_are_in_the_report_language(tmp_path: Path) -> None:
    twice = MAPPING + "D2,Zuiddorp,BU19669901,dorp\n"
    population, rules, areas = files(tmp_path, twice)
    result = run("allocate", population, "-r", rules, "--areas", areas, "-o", tmp_path / "r.json")
    assert result.exit_code == 2  # type: ignore[attr-defined]
    assert "buurt BU19669901 staat twee keer in de gebiedsindeling: rij 2 deelt hem in bij" in result.output  # type: ignore[attr-defined]
    assert "een buurt hoort bij één gebied" in result.output  # type: ignore[attr-defined]
