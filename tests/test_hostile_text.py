"""Text as hostile files bring it: mixed encodings, invisible characters, look-alike codes and names,
rows that look like national or totals rows but are areas, and tables with thousands of columns.

Each class of problem is written as the bytes or cells a file would hold; the expected areas and
amounts follow from the rule (a fixed amount per area) and the table, not from the program's output.
"""

from __future__ import annotations

import unicodedata
import warnings
from pathlib import Path

import pandas as pd
import pytest
from helpers import areas, rules
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from budgetcalc import Population, allocate, parse_ruleset
from budgetcalc.errors import AllocationError, InputError
from budgetcalc.reading import read_population

PROPERTY = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
HEADER = "gebiedscode;naam;soort;inwoners"
FIXED = """
    [components.basis]
    fixed = 1000
"""


def csv_bytes(*rows: str, encoding: str = "utf-8") -> bytes:
    """A header and rows as a spreadsheet program exports them (``;``, CRLF)."""
    return "".join(f"{row}\r\n" for row in (HEADER, *rows)).encode(encoding)


def write(tmp_path: Path, data: bytes) -> Path:
    path = tmp_path / "gebieden.csv"
    path.write_bytes(data)
    return path


def input_error(source: Path | pd.DataFrame) -> InputError:
    with pytest.raises(InputError) as caught:
        if isinstance(source, Path):
            read_population(source)
        else:
            Population.from_frame(source)
    return caught.value


def warning_texts(population: Population, lang: str = "en") -> list[str]:
    return [notice.text(lang) for notice in population.warnings]  # type: ignore[arg-type]


# --- 1. one decoding per file ----------------------------------------------------------------------


@pytest.mark.parametrize("stray_first", [False, True])
def test_utf8_with_one_stray_byte_is_refused_at_that_byte(tmp_path: Path, stray_first: bool) -> None:
    """A UTF-8 file ("Hörnsdiep" as two bytes) with one Windows-1252 byte ("Caf\\xe9") is not read
    as Windows-1252 with every other name garbled: it is refused at the odd byte."""
    good = "D03;Hörnsdiep;dorp;300\r\n".encode()
    stray = b"D04;Caf\xe9 Noord;dorp;400\r\n"
    body = stray + good if stray_first else good + stray
    data = csv_bytes("D01;Adorp;dorp;100", "D02;Baflo;dorp;200") + body
    error = input_error(write(tmp_path, data))
    assert error.row == (4 if stray_first else 5)  # header line 1, D01 line 2, D02 line 3
    assert "UTF-8" in error.message
    assert "0xE9" in error.message
    assert "character 8" in error.message  # D04;Caf is 7 characters
    assert "save" in error.message


def test_a_byte_order_mark_says_utf8_so_a_stray_byte_is_refused(tmp_path: Path) -> None:
    data = b"\xef\xbb\xbf" + csv_bytes("D01;Adorp;dorp;100") + b"D02;Caf\xe9;dorp;200\r\n"
    error = input_error(write(tmp_path, data))
    assert error.row == 3
    assert "0xE9" in error.message


def test_windows_1252_is_read_as_such_and_said_so(tmp_path: Path) -> None:
    data = csv_bytes(
        "D01;Adorp;dorp;100", "D02;Eenrum – Café;dorp;200", "D03;Hörnsdiep;dorp;300", encoding="cp1252"
    )
    population = read_population(write(tmp_path, data))
    assert list(population.frame["name"]) == ["Adorp", "Eenrum – Café", "Hörnsdiep"]
    [notice] = [notice for notice in population.warnings if "1252" in notice.text("en")]
    assert "Windows-1252" in notice.text("en") and "row 3" in notice.text("en")
    assert "Windows-1252" in notice.text("nl") and "rij 3" in notice.text("nl")


def test_utf8_and_ascii_files_get_no_encoding_notice(tmp_path: Path) -> None:
    for data in (csv_bytes("D01;Hörnsdiep;dorp;100"), csv_bytes("D01;Adorp;dorp;100")):
        assert warning_texts(read_population(write(tmp_path, data))) == []


@pytest.mark.parametrize("byte", [0x81, 0x8D, 0x8F, 0x90, 0x9D])
def test_a_byte_windows_1252_leaves_undefined_is_refused_with_its_line(tmp_path: Path, byte: int) -> None:
    data = csv_bytes("D01;Café;dorp;100", "D02;Kloosterb?ren;dorp;200", encoding="cp1252")
    data = data.replace(b"?", bytes([byte]))
    error = input_error(write(tmp_path, data))
    assert error.row == 3
    assert f"0x{byte:02X}" in error.message
    assert "Windows-1252" in error.message
    assert "after 'D02;Kloosterb'" in error.message


# --- 2. codes and names as a person reads them ----------------------------------------------------

INVISIBLE = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u200e", "\u202e", "\u2066"]
SPACES = ["\u00a0", "\u2002", "\u2009", "\u202f", "\u3000", "\t", "\n", "  ", " \r\n "]


@pytest.mark.parametrize("invisible", INVISIBLE)
def test_codes_that_differ_only_by_an_invisible_character_are_duplicates(invisible: str) -> None:
    frame = areas(("D01", "Adorp", "dorp", 100), (f"D{invisible}01", "Baflo", "dorp", 200))
    error = input_error(frame)
    assert error.row == 2 and error.column == "code"
    assert "duplicate area code 'D01'" in error.message


@pytest.mark.parametrize("space", SPACES)
def test_codes_that_differ_only_in_their_spaces_are_duplicates(space: str) -> None:
    frame = areas(("WK 01", "Noord", "wijk", 100), (f" WK{space}01{space}", "Zuid", "wijk", 200))
    error = input_error(frame)
    assert error.row == 2 and "duplicate area code 'WK 01'" in error.message


def test_duplicate_hidden_by_a_zero_width_space_in_a_csv_file(tmp_path: Path) -> None:
    path = write(tmp_path, csv_bytes("D01;Adorp;dorp;100", "D01\u200b;Baflo;dorp;200"))
    error = input_error(path)
    assert (error.row, error.column) == (3, "gebiedscode")
    assert "duplicate area code 'D01' (also in row 2)" in error.message


def test_names_read_as_a_person_reads_them() -> None:
    frame = areas(
        ("D01", "Cafe\u0301\u00a0Noord", "dorp", 100),  # decomposed é, non-breaking space
        ("D02", "Oude\u200b Pekela\u00ad", "Dorp\u2060", 200),
    )
    population = Population.from_frame(frame)
    assert list(population.frame["name"]) == ["Café Noord", "Oude Pekela"]
    assert list(population.frame["kind"]) == ["dorp", "dorp"]


def test_municipality_columns_are_normalised_too() -> None:
    frame = areas(
        ("D01", "Adorp", "dorp", 100),
        municipality=["Het\u00a0Hogeland\u200b"],
        municipality_code=[" GM1966\ufeff"],
    )
    population = Population.from_frame(frame)
    assert list(population.frame["municipality"]) == ["Het Hogeland"]
    assert list(population.frame["municipality_code"]) == ["GM1966"]


@pytest.mark.parametrize("control", ["\x01", "\x08", "\x1b", "\x1f", "\x7f", "\x9b"])
def test_a_control_character_in_a_name_is_refused_with_row_and_column(control: str) -> None:
    frame = areas(("D01", "Adorp", "dorp", 100), ("D02", f"Baf{control}lo", "dorp", 200))
    error = input_error(frame)
    assert (error.row, error.column) == (2, "name")
    assert f"U+{ord(control):04X}" in error.message


def test_a_control_character_in_a_csv_code_is_refused_with_row_and_column(tmp_path: Path) -> None:
    error = input_error(write(tmp_path, csv_bytes("D01;Adorp;dorp;100", "D\x0202;Baflo;dorp;200")))
    assert (error.row, error.column) == (3, "gebiedscode")
    assert "U+0002" in error.message


def test_a_name_of_200_characters_is_read_and_one_of_201_refused() -> None:
    Population.from_frame(areas(("D01", "a" * 200, "dorp", 100)))
    error = input_error(areas(("D01", "Adorp", "dorp", 100), ("D02", "b" * 201, "dorp", 100)))
    assert (error.row, error.column) == (2, "name")
    assert "201 characters" in error.message and "200" in error.message


def test_a_one_megabyte_code_is_refused_quickly_with_row_and_column() -> None:
    frame = areas(("D01", "Adorp", "dorp", 100), ("D" * 1_000_000, "Baflo", "dorp", 100))
    error = input_error(frame)
    assert (error.row, error.column) == (2, "code")
    assert "1,000,000 characters" in error.message


def test_a_one_megabyte_cell_in_a_csv_file_is_refused_with_row_and_cell(tmp_path: Path) -> None:
    path = write(tmp_path, csv_bytes("D01;Adorp;dorp;100", f"D02;{'x' * 1_000_000};dorp;100"))
    error = input_error(path)
    assert error.row == 3
    assert "cell 2" in error.message and "characters" in error.message


def test_rule_file_references_are_normalised_like_the_table() -> None:
    """References in a rule file with invisible characters, other spaces or a decomposed é name the
    same areas as the table."""
    ruleset = rules(
        """
        [components.basis]
        fixed = 1000
        applies_to = { codes = ["D\\u00a001", "D02\\u200b", "D03"], exclude_names = ["Caf\\u00e9 Zuid"] }

        [components.extra]
        per_area = { "\\u2060D 01" = 10, "Oude\\u3000Pekela" = 20, "D03\\ufeff" = 30 }

        [[exceptions]]
        area = "Cafe\\u0301\\u00ad Zuid"
        component = "extra"
        amount = 5
        reason = "besluit"

        [[expected]]
        area = "Oude\\u200b Pekela"
        amount = 1020
        """
    )
    frame = areas(("D 01", "Adorp", "dorp", 1), ("D02", "Oude Pekela", "dorp", 2), ("D03", "Zuid", "dorp", 3))
    frame["code"] = ["D\u200b\u00a001", "D02", "D03"]
    frame["name"] = ["Adorp", "Oude Pekela", "Cafe\u0301 Zuid"]
    allocation = allocate(frame, ruleset)
    assert allocation.to_frame()["total"].tolist() == [1010, 1020, 5]
    assert [result.status for result in allocation.expectations] == ["matches"]


def toml_text(text: str) -> str:
    """``text`` as the inside of a TOML basic string: every character outside printable ASCII escaped."""
    return "".join(c if " " <= c < "\x7f" and c not in '"\\' else f"\\U{ord(c):08x}" for c in text)


OTHER_SPACE = st.sampled_from(SPACES)


@st.composite
def hidden(draw: st.DrawFn, text: str) -> str:
    """``text`` with invisible characters inserted anywhere, other spaces for its spaces, decomposed."""
    characters = list(unicodedata.normalize("NFD", text) if draw(st.booleans()) else text)
    for _ in range(draw(st.integers(0, 3))):
        characters.insert(draw(st.integers(0, len(characters))), draw(st.sampled_from(INVISIBLE)))
    spaced = "".join(draw(OTHER_SPACE) if c == " " and draw(st.booleans()) else c for c in characters)
    return spaced


CLEAN = [
    ("D01", "Café Noord", "dorp", 100),
    ("D 02", "Oude Pekela", "dorp", 200),
    ("D03", "Zuid", "wijk", 50),
]
MIXED_RULES = """
    [components.basis]
    fixed = 1000
    applies_to = { codes = ["{a}", "{b}"] }

    [components.extra]
    per_area = { "{c}" = 7, "{d}" = 11, "D03" = 13 }

    [[exceptions]]
    area = "{e}"
    amount = 99
    reason = "besluit"
"""


@PROPERTY
@given(data=st.data())
def test_hidden_characters_anywhere_give_the_same_allocation(data: st.DataObject) -> None:
    def rule_text(references: dict[str, str]) -> str:
        text = MIXED_RULES
        for key, value in references.items():
            text = text.replace("{" + key + "}", toml_text(value))
        return text

    plain = {"a": "D01", "b": "D 02", "c": "Café Noord", "d": "D 02", "e": "Zuid"}
    expected = allocate(areas(*CLEAN), rules(rule_text(plain))).to_frame()
    dirty_rows = [
        (data.draw(hidden(code)), data.draw(hidden(name)), data.draw(hidden(kind)), count)
        for code, name, kind, count in CLEAN
    ]
    dirty_rules = {key: data.draw(hidden(value)) for key, value in plain.items()}
    got = allocate(areas(*dirty_rows), rules(rule_text(dirty_rules))).to_frame()
    assert got["total"].tolist() == expected["total"].tolist() == [1007, 1011, 99]
    assert got["code"].tolist() == ["D01", "D 02", "D03"]


@PROPERTY
@given(data=st.data())
def test_a_duplicate_hidden_by_invisible_characters_is_always_caught(data: st.DataObject) -> None:
    code = data.draw(st.sampled_from(["D01", "WK 12", "BU00140000", "Café"]))
    frame = areas(
        ("X1", "Adorp", "dorp", 1), (code, "Baflo", "dorp", 2), (data.draw(hidden(code)), "Eenrum", "dorp", 3)
    )
    error = input_error(frame)
    assert error.row == 3 and "duplicate area code" in error.message


# --- 3. a reference resolves to exactly one area --------------------------------------------------

LOOK_ALIKES = (("Adorp", "Dorp A", "dorp", 100), ("D02", "Adorp", "dorp", 200))


@pytest.mark.parametrize(
    "rule",
    [
        '[[exceptions]]\narea = "Adorp"\namount = 5\nreason = "besluit"\n',
        "[components.extra]\nper_area = { Adorp = 5, D02 = 6 }\n",
        '[[expected]]\narea = "Adorp"\namount = 1000\n',
    ],
    ids=["exception", "per_area", "expected"],
)
def test_a_reference_that_is_one_areas_code_and_anothers_name_is_an_error(rule: str) -> None:
    with pytest.raises(AllocationError) as caught:
        allocate(areas(*LOOK_ALIKES), rules(FIXED + rule))
    message = caught.value.message
    assert "'Adorp'" in message
    assert "code of area 'Dorp A'" in message and "name of area D02" in message


def test_codes_and_names_lists_say_which_they_mean() -> None:
    condition = """
    [components.by_code]
    fixed = 1
    applies_to = { codes = ["Adorp"] }

    [components.by_name]
    fixed = 2
    applies_to = { names = ["Adorp"] }
    """
    frame = allocate(areas(*LOOK_ALIKES), rules(condition)).to_frame()
    assert frame["by_code"].tolist() == [1, 0]
    assert frame["by_name"].tolist() == [0, 2]


def test_a_code_that_is_also_its_own_name_is_one_area() -> None:
    rule = '[[exceptions]]\narea = "Adorp"\namount = 5\nreason = "besluit"\n'
    frame = allocate(areas(("Adorp", "Adorp", "dorp", 1), ("D02", "Baflo", "dorp", 2)), rules(FIXED + rule))
    assert frame.to_frame()["total"].tolist() == [5, 1000]


# --- 4. rows are left out only for a true, visible reason ------------------------------------------


def test_a_municipality_that_classes_areas_as_town_and_country_keeps_them_all(tmp_path: Path) -> None:
    path = write(
        tmp_path, csv_bytes("S01;Centrum;stad;5000", "L01;Buitengebied Noord;land;300", "L02;Wetsens;Land;80")
    )
    population = read_population(path)
    assert population.codes == ["S01", "L01", "L02"]
    assert warning_texts(population) == []


@pytest.mark.parametrize("code", ["NL00", "NL01", "nl00"])
def test_the_cbs_row_for_the_whole_country_is_left_out_naming_its_code(tmp_path: Path, code: str) -> None:
    path = write(
        tmp_path, csv_bytes(f"{code};Nederland;Land;17942942", "D01;Adorp;dorp;100", "D02;Baflo;dorp;200")
    )
    population = read_population(path)
    assert population.codes == ["D01", "D02"]
    assert warning_texts(population) == [
        f"1 row(s) skipped, the row for the whole country (code {code}): row 2"
    ]
    assert warning_texts(population, "nl") == [
        f"1 rij(en) overgeslagen, de regel voor heel Nederland (code {code}): rij 2"
    ]


def test_nederland_of_kind_land_without_municipality_code_is_the_country(tmp_path: Path) -> None:
    path = tmp_path / "gebieden.csv"
    path.write_text(
        "gebiedscode;naam;soort;gemeentecode;inwoners\n"
        "NL;Nederland;Land;;17942942\nD01;Adorp;dorp;1966;100\nD02;Nederland;land;1966;200\n",
        encoding="utf-8",
    )
    population = read_population(path)
    assert population.codes == ["D01", "D02"]  # the village named Nederland has a municipality
    assert warning_texts(population) == [
        "1 row(s) skipped, the row for the whole country (name 'Nederland', kind 'Land', "
        "no municipality code): row 2"
    ]


def test_villages_with_totals_like_names_or_codes_stay(tmp_path: Path) -> None:
    rows = (
        "D01;Som;dorp;10",
        "D02;Totaalhuis;dorp;20",
        "SOM-1;Sommelsdijk;dorp;30",
        "TOTAAL-2;Totaal Noord;wijk;40",
    )
    population = read_population(write(tmp_path, csv_bytes(*rows)))
    assert population.codes == ["D01", "D02", "SOM-1", "TOTAAL-2"]
    assert warning_texts(population) == []


def test_totals_rows_are_left_out_naming_why(tmp_path: Path) -> None:
    rows = (
        "D01;Adorp;dorp;10",
        "D02;Baflo;dorp;20",
        ";Totaal;;30",
        "-;Eindtotaal;;30",
        "Totaal;;;30",
        ";;;30",
    )
    population = read_population(write(tmp_path, csv_bytes(*rows)))
    assert population.codes == ["D01", "D02"]
    assert warning_texts(population) == [
        "1 row(s) skipped, a totals row (no area code, name 'Totaal'): row 4",
        "1 row(s) skipped, a totals row (no area code, name 'Eindtotaal'): row 5",
        "1 row(s) skipped, a totals row (code 'Totaal'): row 6",
        "1 row(s) skipped, a totals row (no area code and no name): row 7",
    ]
    assert (
        warning_texts(population, "nl")[0]
        == "1 rij(en) overgeslagen, een totaalregel (geen gebiedscode, naam 'Totaal'): rij 4"
    )


# --- 5. many columns ----------------------------------------------------------------------------------


def test_a_table_with_16384_columns_is_read_without_warnings_and_fast() -> None:
    frame = areas(("D01", "Adorp", "dorp", 100), ("D02", "Baflo", "dorp", 200))
    extra = pd.DataFrame({f"kolom {number}": [number, number] for number in range(16_380)})
    wide = pd.concat([frame, extra], axis=1)
    assert wide.shape[1] == 16_384
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        population = Population.from_frame(wide)
    assert population.frame.shape == (2, 16_384)
    assert population.frame["kolom_16379"].tolist() == [16_379, 16_379]


def test_two_per_area_keys_for_one_area_are_an_error() -> None:
    """'D01' and 'Adorp' (its name), or 'D01' and 'D01' with a zero-width space, are one area: the
    second amount must not silently replace the first."""
    for keys in ("D01 = 5, Adorp = 6, D02 = 7", 'D01 = 5, "D01\\u200b" = 6, D02 = 7'):
        rule = f"[components.extra]\nper_area = {{ {keys} }}\n"
        with pytest.raises(AllocationError, match="per_area lists area 'Adorp' twice"):
            allocate(areas(("D01", "Adorp", "dorp", 1), ("D02", "Baflo", "dorp", 2)), rules(rule))


def test_kinds_and_attributes_in_conditions_are_read_like_the_table() -> None:
    rule = """
    [components.basis]
    fixed = 1000
    applies_to = { kind = ["Dorp\\u200b"], attribute = { partij = ["Plaatselijk\\u00a0Belang"] } }
    """
    frame = areas(
        ("D01", "Adorp", "dorp", 1), ("D02", "Baflo", "dorp", 2), partij=["Plaatselijk  Belang", "Anders"]
    )
    assert allocate(frame, rules(rule)).to_frame()["total"].tolist() == [1000, 0]


def test_a_header_with_an_invisible_character_is_still_recognised(tmp_path: Path) -> None:
    from budgetcalc.reading import read_population

    path = tmp_path / "areas.csv"
    path.write_text("code;naam;inwo\u200bners\nD01;Adorp;664\n", encoding="utf-8")
    assert list(read_population(path).frame["inhabitants"]) == [664]


def test_an_exception_written_with_an_invisible_character_shows_its_reason() -> None:
    ruleset = parse_ruleset(
        'name = "x"\nmunicipality = "y"\ndecision = "d"\nvalid_from = 2024-01-01\n'
        "reference_date = 2024-01-01\n[components.a]\nfixed = 100\n"
        '[[exceptions]]\narea = "Ad\u200borp"\namount = 5\nreason = "besluit 12 maart"\n'
    )
    frame = pd.DataFrame({"code": ["D01", "D02"], "naam": ["Adorp", "Baflo"], "inwoners": [664, 2760]})
    assert "besluit 12 maart" in " ".join(allocate(frame, ruleset).explain("D01"))


@pytest.mark.parametrize(
    "hidden",
    ["\u034f", "\ufe0f", "\u3164", "\uffa0", "\U000e0041", "\u180e"],
    ids=["grapheme joiner", "variation selector", "hangul filler", "halfwidth filler", "tag", "mongolian"],
)
def test_every_default_ignorable_character_is_invisible_to_codes(hidden: str) -> None:
    frame = areas(("D01", "Adorp", "dorp", 664), (f"D01{hidden}", "Adorp", "dorp", 5))
    assert "duplicate area code 'D01'" in input_error(frame).message


def test_fullwidth_digits_are_the_same_code() -> None:
    frame = areas(("D01", "Adorp", "dorp", 664), ("D０１", "Baflo", "dorp", 5))
    assert "duplicate area code 'D01'" in input_error(frame).message
