"""Reading population files: separators, encodings, xlsx, header aliases, and one-line errors.

Every error test checks that the message names the file (and sheet, row, column where they apply)
and says what was expected. Row numbers are the file's own rows: the header is row 1.
"""

from __future__ import annotations

import os
import re
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from budgetcalc.errors import InputError
from budgetcalc.population import MAX_COUNT
from budgetcalc.reading import read_population

HEADER = "code,name,kind,inhabitants"


def write_csv(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def write_xlsx(
    path: Path, rows: list[list[object]], title: str = "Blad1", **more: list[list[object]]
) -> Path:
    """An .xlsx made with openpyxl: ``rows`` on the first sheet, further sheets by keyword."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    for name, extra in more.items():
        other = workbook.create_sheet(name)
        for row in extra:
            other.append(row)
    workbook.save(path)
    return path


def read_error(path: Path, **options: object) -> InputError:
    with pytest.raises(InputError) as caught:
        read_population(path, **options)  # type: ignore[arg-type]
    return caught.value


def records(path: Path, **options: object) -> list[tuple[str, str, str, int]]:
    frame = read_population(path, **options).frame  # type: ignore[arg-type]
    return [
        (str(code), str(name), str(kind), int(count))
        for code, name, kind, count in zip(
            frame["code"], frame["name"], frame["kind"], frame["inhabitants"], strict=True
        )
    ]


# --- formats, separators and encodings -------------------------------------------------------


@pytest.mark.parametrize("separator", [",", ";"])
def test_csv_with_comma_or_semicolon(tmp_path: Path, separator: str) -> None:
    text = "\n".join(
        separator.join(cells)
        for cells in (
            ["code", "name", "kind", "inhabitants"],
            ["D01", "Adorp", "dorp", "664"],
            ["D02", "Baflo", "dorp", "2760"],
        )
    )
    path = write_csv(tmp_path / "dorpen.csv", text + "\n")
    assert records(path) == [("D01", "Adorp", "dorp", 664), ("D02", "Baflo", "dorp", 2760)]


def test_semicolon_csv_keeps_commas_inside_names(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "dorpen.csv", "code;name;kind;inhabitants\nD01;Wetsens, Noord;dorp;120\n")
    assert records(path) == [("D01", "Wetsens, Noord", "dorp", 120)]


def test_quoted_comma_csv(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "dorpen.csv", f'{HEADER}\nD01,"Wetsens, Noord",dorp,120\n')
    assert records(path) == [("D01", "Wetsens, Noord", "dorp", 120)]


def test_csv_with_windows_line_ends(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "dorpen.csv", f"{HEADER}\r\nD01,Adorp,dorp,664\r\n")
    assert records(path) == [("D01", "Adorp", "dorp", 664)]


@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"], ids=["utf8", "utf8-bom"])
def test_utf8_with_and_without_bom(tmp_path: Path, bom: bytes) -> None:
    path = tmp_path / "wijken.csv"
    path.write_bytes(bom + "gebiedscode;naam;soort;inwoners\nWK01;Súdwest;wijk;1200\n".encode())
    assert records(path) == [("WK01", "Súdwest", "wijk", 1200)]


def test_windows_1252(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "wijken.csv", "gebiedscode;naam;soort;inwoners\nWK01;Súdwest;wijk;1200\n", "cp1252"
    )
    assert "ú".encode("cp1252") in path.read_bytes()  # really not UTF-8
    assert records(path) == [("WK01", "Súdwest", "wijk", 1200)]


def test_xlsx(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "dorpen.xlsx",
        [
            ["code", "name", "kind", "inhabitants"],
            ["D01", "Adorp", "dorp", 664],
            ["D02", "Baflo", "dorp", 2760],
        ],
    )
    population = read_population(path)
    assert population.sheet == "Blad1"
    assert records(path) == [("D01", "Adorp", "dorp", 664), ("D02", "Baflo", "dorp", 2760)]


def test_xlsx_whole_floats_and_numeric_codes(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "dorpen.xlsx", [["code", "name", "kind", "inhabitants"], [1001, "Adorp", "dorp", 664.0]]
    )
    assert records(path) == [("1001", "Adorp", "dorp", 664)]


def test_xlsx_named_sheet(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "dorpen.xlsx",
        [["toelichting"], ["bron: CBS"]],
        Dorpen=[["code", "name", "kind", "inhabitants"], ["D01", "Adorp", "dorp", 664]],
    )
    population = read_population(path, sheet="Dorpen")
    assert population.sheet == "Dorpen"
    assert records(path, sheet="Dorpen") == [("D01", "Adorp", "dorp", 664)]


@pytest.mark.parametrize(
    "header",
    [
        ["gebiedscode", "naam", "soort", "inwoners"],
        ["Gebiedscode", "Naam", "Soort", "Aantal inwoners"],
        ["Wijkcode", "Wijknaam", "Soort gebied", "Aantal_Inwoners "],
        ["dorpscode", "dorpsnaam", "gebiedstype", "inwonertal"],
    ],
)
def test_dutch_header_aliases(tmp_path: Path, header: list[str]) -> None:
    path = write_xlsx(tmp_path / "gebieden.xlsx", [header, ["D01", "Adorp", "Dorp", 664]])
    population = read_population(path)
    assert list(population.frame.columns[:4]) == ["code", "name", "kind", "inhabitants"]
    assert records(path) == [("D01", "Adorp", "dorp", 664)]


def test_dutch_aliases_in_csv(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "dorpen.csv", "Gebiedscode;Naam;Aantal inwoners\nD01;Adorp;664\n")
    assert records(path, kind="dorp") == [("D01", "Adorp", "dorp", 664)]


def test_kind_option_fills_a_missing_kind_column(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "dorpen.csv", "code,name,inhabitants\nD01,Adorp,664\nD02,Baflo,2760\n")
    assert records(path, kind="Dorp") == [("D01", "Adorp", "dorp", 664), ("D02", "Baflo", "dorp", 2760)]


def test_kind_option_fills_only_empty_kind_cells(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "gebieden.csv", f"{HEADER}\nWK01,Centrum,wijk,5000\nD01,Adorp,,664\n")
    assert records(path, kind="dorp") == [("WK01", "Centrum", "wijk", 5000), ("D01", "Adorp", "dorp", 664)]


def test_no_kind_column_and_no_kind_option_gives_empty_kinds(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "dorpen.csv", "code,name,inhabitants\nD01,Adorp,664\n")
    population = read_population(path)
    assert not population.has_kinds()


def test_empty_kind_cell_without_kind_option_is_an_error(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "gebieden.csv", f"{HEADER}\nWK01,Centrum,wijk,5000\nD01,Adorp,,664\n")
    error = read_error(path)
    assert (error.file, error.row, error.column) == (str(path), 3, "kind")
    assert str(path) in str(error) and "row 3" in str(error) and "column 'kind'" in str(error)
    assert "every area needs a kind" in str(error)


def test_empty_rows_are_skipped_and_row_numbers_kept_csv(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "dorpen.csv", f"\n{HEADER}\nD01,Adorp,dorp,664\n\n,,,\nD02,Baflo,dorp,2760\n")
    population = read_population(path)
    assert records(path) == [("D01", "Adorp", "dorp", 664), ("D02", "Baflo", "dorp", 2760)]
    assert population.rows == (3, 6)


def test_empty_rows_are_skipped_and_row_numbers_kept_xlsx(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "dorpen.xlsx",
        [
            [None, None, None, None],
            ["code", "name", "kind", "inhabitants"],
            ["D01", "Adorp", "dorp", 664],
            [None, None, None, None],
            ["", "  ", None, None],
            ["D02", "Baflo", "dorp", 2760],
        ],
    )
    population = read_population(path)
    assert records(path) == [("D01", "Adorp", "dorp", 664), ("D02", "Baflo", "dorp", 2760)]
    assert population.rows == (3, 6)


def test_extra_unknown_columns_are_kept(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "dorpen.csv", f"{HEADER},Huishoudens\nD01,Adorp,dorp,664,301\n")
    population = read_population(path)
    assert "households" in population.frame.columns


# --- errors name file, sheet, row, column and what was expected -------------------------------


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "bestaat-niet.xlsx"
    error = read_error(path)
    assert error.file == str(path)
    assert str(error) == f"{path}: file not found"


def test_directory_instead_of_file(tmp_path: Path) -> None:
    error = read_error(tmp_path)
    assert str(tmp_path) in str(error) and "expected a spreadsheet file" in str(error)


def test_unsupported_suffix(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "dorpen.ods", f"{HEADER}\n")
    message = str(read_error(path))
    assert str(path) in message and "expected .xlsx, .xlsm or .csv" in message


@pytest.mark.parametrize("content", [b"", b"\n\r\n   \n"], ids=["zero-bytes", "blank-lines"])
def test_empty_csv(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "leeg.csv"
    path.write_bytes(content)
    error = read_error(path)
    assert str(error) == f"{path}: the file is empty"


def test_empty_xlsx(tmp_path: Path) -> None:
    path = tmp_path / "leeg.xlsx"
    Workbook().save(path)
    error = read_error(path)
    assert error.file == str(path) and error.sheet == "Sheet"
    assert str(error) == f"{path}, sheet 'Sheet': the sheet is empty"


def test_csv_with_only_separators_is_empty(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "leeg.csv", ";;;\n;;;\n")
    message = str(read_error(path))
    assert message == f"{path}: the file is empty"


NOT_A_WORKBOOK = "this is not an Excel workbook (no .xlsx zip archive; a renamed file?)"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (os.urandom(512), NOT_A_WORKBOOK),
        (b"", "the file is empty"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", NOT_A_WORKBOOK),
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504),
            "this is an old Excel 97-2003 (.xls) file with an .xlsx name; save it as .xlsx",
        ),
    ],
    ids=["random", "zero-bytes", "pdf", "old-xls"],
)
def test_binary_file_renamed_xlsx(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "bevolking.xlsx"
    path.write_bytes(content)
    error = read_error(path)
    assert error.file == str(path)
    assert str(error) == f"{path}: {message}"


def test_zip_that_is_not_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "bevolking.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "geen werkmap")
    message = "this zip archive is not an Excel workbook (it has no xl/workbook.xml)"
    assert str(read_error(path)) == f"{path}: {message}"


@pytest.mark.parametrize(
    "content",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + os.urandom(64),
        b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + bytes(40),
    ],
    ids=["png", "xlsx-bytes"],
)
def test_binary_file_renamed_csv(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "bevolking.csv"
    path.write_bytes(content)
    error = read_error(path)
    assert str(error) == f"{path}: this is not a CSV text file (it holds binary data; a renamed workbook?)"


def test_real_workbook_renamed_csv(tmp_path: Path) -> None:
    workbook = write_xlsx(tmp_path / "echt.xlsx", [["code", "name", "inhabitants"], ["D01", "Adorp", 664]])
    path = tmp_path / "bevolking.csv"
    path.write_bytes(workbook.read_bytes())
    assert "not a CSV text file" in str(read_error(path))


def test_neither_utf8_nor_windows_1252(tmp_path: Path) -> None:
    path = tmp_path / "bevolking.csv"
    path.write_bytes(b"code,name,inhabitants\nD01,Ad\x81\x8dorp,664\n")  # undefined in cp1252
    message = str(read_error(path))
    assert str(path) in message and "UTF-8 or Windows-1252" in message


def test_required_column_missing(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "dorpen.csv", "gebiedscode,naam,soort\nD01,Adorp,dorp\n")
    error = read_error(path)
    assert error.file == str(path)
    assert str(error) == (
        f"{path}: required column 'inhabitants' is missing (found: gebiedscode, naam, soort)"
    )


def test_required_column_missing_in_xlsx_names_the_sheet(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "dorpen.xlsx", [["gebiedscode", "inwoners"], ["D01", 664]], title="Dorpen")
    message = str(read_error(path))
    assert message.startswith(f"{path}, sheet 'Dorpen': required column 'name' is missing")


def test_two_columns_meaning_the_same_field(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "dorpen.csv", "code,naam,name,inhabitants\nD01,Adorp,Adorp,664\n")
    error = read_error(path)
    assert str(error) == (f"{path}: columns 'naam' and 'name' both mean 'name'; keep one or rename the other")


def test_duplicate_code(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "dorpen.csv", f"{HEADER}\nD01,Adorp,dorp,664\nD02,Baflo,dorp,2760\nD01,Bedum,dorp,9\n"
    )
    error = read_error(path)
    assert (error.row, error.column) == (4, "code")
    assert str(error) == f"{path}, row 4, column 'code': duplicate area code 'D01' (also in row 2)"


def test_duplicate_code_in_xlsx_names_sheet_and_row(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "dorpen.xlsx",
        [
            ["code", "name", "kind", "inhabitants"],
            ["D01", "Adorp", "dorp", 664],
            [None] * 4,
            ["D01", "Baflo", "dorp", 1],
        ],
        title="Dorpen",
    )
    message = str(read_error(path))
    assert (
        message == f"{path}, sheet 'Dorpen', row 4, column 'code': duplicate area code 'D01' (also in row 2)"
    )


def test_empty_code(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "dorpen.csv", f"{HEADER}\nD01,Adorp,dorp,664\n  ,Baflo,dorp,2760\n")
    error = read_error(path)
    assert (error.file, error.row, error.column) == (str(path), 3, "code")
    assert str(error) == f"{path}, row 3, column 'code': empty cell; every area needs a code"


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("veel", "expected a whole number of 0 or more, got 'veel'"),
        ("", "empty cell; expected a whole number of 0 or more"),
        ("-5", "expected 0 or more, got '-5'"),
        ("12.5", "expected a whole number, got '12.5'"),
        ('"664,5"', "expected a whole number, got '664,5'"),  # a Dutch decimal comma
        ("NaN", "expected a whole number of 0 or more, got 'NaN'"),
        ("Infinity", "expected a whole number of 0 or more, got 'Infinity'"),
        (str(MAX_COUNT + 1), f"'{MAX_COUNT + 1}' is too large to be real (more than 50,000,000)"),
        ("1e100", "expected a whole number of 0 or more, got '1e100'"),
    ],
)
def test_bad_inhabitants_in_csv(tmp_path: Path, cell: str, expected: str) -> None:
    path = write_csv(tmp_path / "dorpen.csv", f"{HEADER}\nD01,Adorp,dorp,664\n\nD02,Baflo,dorp,{cell}\n")
    error = read_error(path)
    assert (error.file, error.row, error.column) == (str(path), 4, "inhabitants")
    assert str(error) == f"{path}, row 4, column 'inhabitants': {expected}"


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("veel", "expected a whole number of 0 or more, got 'veel'"),
        (-5, "expected 0 or more, got -5"),
        (12.5, "expected a whole number, got 12.5"),
        (10**12, "1000000000000 is too large to be real (more than 50,000,000)"),
        (True, "expected a whole number of 0 or more, got True"),
    ],
)
def test_bad_inhabitants_in_xlsx(tmp_path: Path, cell: object, expected: str) -> None:
    path = write_xlsx(
        tmp_path / "dorpen.xlsx",
        [
            ["code", "name", "kind", "inhabitants"],
            ["D01", "Adorp", "dorp", 664],
            ["D02", "Baflo", "dorp", cell],
        ],
        title="Dorpen",
    )
    error = read_error(path)
    assert (error.sheet, error.row, error.column) == ("Dorpen", 3, "inhabitants")
    assert str(error) == f"{path}, sheet 'Dorpen', row 3, column 'inhabitants': {expected}"


def test_largest_allowed_count_is_accepted(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "dorpen.csv", f"{HEADER}\nD01,Adorp,dorp,{MAX_COUNT}\nD02,Leeg,dorp,0\n")
    assert [row[3] for row in records(path)] == [MAX_COUNT, 0]


def test_values_beyond_the_header(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "dorpen.csv", f"{HEADER}\nD01,Adorp,dorp,664\nD02,Baflo,dorp,2760,extra\n")
    error = read_error(path)
    assert error.row == 3
    assert str(error) == f"{path}, row 3: row has values beyond the last header column (4 columns)"


def test_unknown_sheet(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "dorpen.xlsx", [["code", "name", "inhabitants"]], title="Blad1", Wijken=[["x"]]
    )
    error = read_error(path, sheet="Dorpen")
    assert error.file == str(path)
    assert str(error) == f"{path}: no sheet 'Dorpen' (sheets: Blad1, Wijken)"


def test_sheet_option_on_csv(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "dorpen.csv", f"{HEADER}\nD01,Adorp,dorp,664\n")
    assert str(read_error(path, sheet="Blad1")) == f"{path}: --sheet applies to Excel workbooks only"


# --- found as bugs while these tests were written, now fixed -------------------------------------


def test_error_names_the_column_as_headed_in_the_file(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "dorpen.xlsx",
        [["gebiedscode", "naam", "inwoners"], ["D01", "Adorp", "veel"]],
        title="Blad1",
    )
    message = str(read_error(path, kind="dorp"))
    assert message.startswith(f"{path}, sheet 'Blad1', row 2, column 'inwoners': ")


def test_dutch_thousands_separator_is_not_read_as_a_small_number(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "dorpen.csv", "gebiedscode;naam;inwoners\nD01;Adorp;664\nD02;Bedum;10.000\n")
    try:
        counts = [row[3] for row in records(path, kind="dorp")]
    except InputError as error:
        assert "row 3" in str(error) and str(path) in str(error)
    else:
        assert counts == [664, 10_000]


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_header_without_areas_is_an_error(tmp_path: Path, suffix: str) -> None:
    if suffix == "csv":
        path = write_csv(tmp_path / "dorpen.csv", f"{HEADER}\n\n")
    else:
        path = write_xlsx(tmp_path / "dorpen.xlsx", [["code", "name", "kind", "inhabitants"]])
    error = read_error(path)
    assert str(path) in str(error)


def _with_sheet_xml(source: Path, target: Path, change: object) -> Path:
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(target, "w") as copy:
        for info in original.infolist():
            data = original.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = change(data)  # type: ignore[operator]
            copy.writestr(info.filename, data)
    return target


def test_xlsx_with_a_stale_dimension_is_read_completely(tmp_path: Path) -> None:
    made = write_xlsx(
        tmp_path / "made.xlsx",
        [
            ["code", "name", "kind", "inhabitants"],
            ["D01", "Adorp", "dorp", 664],
            ["D02", "Baflo", "dorp", 2760],
        ],
    )
    stale = _with_sheet_xml(
        made,
        tmp_path / "stale.xlsx",
        lambda xml: re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:D1"', xml),
    )
    assert records(stale) == [("D01", "Adorp", "dorp", 664), ("D02", "Baflo", "dorp", 2760)]


def test_damaged_worksheet_is_an_input_error(tmp_path: Path) -> None:
    made = write_xlsx(
        tmp_path / "made.xlsx", [["code", "name", "kind", "inhabitants"], ["D01", "Adorp", "dorp", 664]]
    )
    damaged = _with_sheet_xml(made, tmp_path / "damaged.xlsx", lambda xml: xml[: len(xml) // 2])
    error = read_error(damaged)
    assert str(error).startswith(f"{damaged}")
