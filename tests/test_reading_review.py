"""Defects a review found in the reading code, each with the file that showed it.

Merged count cells counted twice, totals rows under a placeholder code, a hidden first sheet read
by default, safety checks that failed open (cells without ``r``, worksheets not named ``.xml``),
column mappings whose errors named the field instead of the header, and file system errors that
ended in a traceback.
"""

from __future__ import annotations

import errno
import os
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from budgetcalc.errors import InputError
from budgetcalc.reading import load_column_file, read_population
from budgetcalc.reading.csv_source import read_csv_grid
from budgetcalc.reading.workbook_safety import check_workbook_file

SHEET_XML = "xl/worksheets/sheet1.xml"
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def write_xlsx(path: Path, rows: list[list[object]], *, merged: tuple[str, ...] = ()) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Blad1"
    for row in rows:
        sheet.append(row)
    for cells in merged:
        sheet.merge_cells(cells)
    workbook.save(path)
    return path


def write_csv(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def read_error(path: Path, **options: object) -> InputError:
    with pytest.raises(InputError) as caught:
        read_population(path, **options)  # type: ignore[arg-type]
    return caught.value


def counts(path: Path, **options: object) -> dict[str, int]:
    frame = read_population(path, **options).frame  # type: ignore[arg-type]
    return dict(zip(map(str, frame["code"]), map(int, frame["inhabitants"]), strict=True))


def rewrite_parts(source: Path, target: Path, change: Callable[[str, bytes], tuple[str, bytes]]) -> Path:
    """A copy of a workbook with each part passed through ``change(name, data) -> (name, data)``."""
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as copy:
        for info in original.infolist():
            name, data = change(info.filename, original.read(info.filename))
            copy.writestr(name, data)
    return target


def with_sheet_xml(tmp_path: Path, sheet_data: str, name: str = "raw.xlsx") -> Path:
    """A workbook whose first worksheet is ``<sheetData>`` as given, written by hand."""
    made = write_xlsx(tmp_path / "made.xlsx", [["code", "naam", "inwoners"], ["A", "Aa", 1]])
    xml = f'<worksheet xmlns="{MAIN}"><sheetData>{sheet_data}</sheetData></worksheet>'.encode()
    return rewrite_parts(made, tmp_path / name, lambda n, d: (n, xml if n == SHEET_XML else d))


# --- 1. merged cells: text is filled down, a count never ------------------------------------------


def test_a_count_merged_over_two_areas_is_an_error(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "merged.xlsx",
        [
            ["code", "naam", "inwoners"],
            ["A", "Oosterend", 1200],
            ["B", "Westerend", None],
            ["C", "Noord", 300],
        ],
        merged=("C2:C3",),
    )
    error = read_error(path)
    assert (error.file, error.sheet, error.row, error.column) == (str(path), "Blad1", 2, "inwoners")
    assert "cells C2:C3 are merged: each area needs its own count" in str(error)


def test_a_merged_count_in_a_mapped_column_is_an_error(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "merged.xlsx",
        [["code", "naam", "Aantal personen"], ["A", "Oost", "1.200"], ["B", "West", None], ["C", "Noord", 3]],
        merged=("C2:C3",),
    )
    error = read_error(path, columns={"inhabitants": "Aantal personen"})
    assert (error.row, error.column) == (2, "Aantal personen")
    assert "cells C2:C3 are merged" in error.message


def test_a_merged_number_in_another_column_is_an_error(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "merged.xlsx",
        [["code", "naam", "inwoners", "oppervlakte"], ["A", "Oost", 10, 12.5], ["B", "West", 20, None]],
        merged=("D2:D3",),
    )
    error = read_error(path)
    assert (error.row, error.column) == (2, "oppervlakte")
    assert "cells D2:D3 are merged: each area needs its own count" in error.message


def test_a_count_merged_into_the_next_count_column_is_an_error(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "merged.xlsx",
        [["code", "naam", "inwoners", "huishoudens"], ["A", "Oost", 1200, None], ["B", "West", 20, 9]],
        merged=("C2:D2",),
    )
    error = read_error(path)
    assert (error.row, error.column) == (2, "huishoudens")
    assert "cells C2:D2 are merged: each column needs its own count" in error.message


def test_merged_text_is_filled_down(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "merged.xlsx",
        [
            ["code", "naam", "soort", "gemeente", "gemeentecode", "opmerking", "inwoners"],
            ["A", "Oost", "dorp", "Achtkarspelen", 59, "nieuw", 10],
            ["B", "West", None, None, None, None, 20],
            ["C", "Noord", "wijk", "Leeuwarden", 80, None, 30],
        ],
        merged=("C2:C3", "D2:D3", "E2:E3", "F2:F3"),
    )
    frame = read_population(path).frame
    assert list(frame["kind"]) == ["dorp", "dorp", "wijk"]
    assert list(frame["municipality"]) == ["Achtkarspelen", "Achtkarspelen", "Leeuwarden"]
    assert [int(code) for code in frame["municipality_code"]] == [59, 59, 80]
    assert list(frame["opmerking"])[:2] == ["nieuw", "nieuw"]
    assert list(frame["inhabitants"]) == [10, 20, 30]


# --- 2. totals rows ---------------------------------------------------------------------------------


@pytest.mark.parametrize("code", ["-", "–", "*", "x", "'-"])
def test_a_totals_row_with_a_placeholder_code_is_left_out(tmp_path: Path, code: str) -> None:
    path = write_csv(
        tmp_path / "wijken.csv",
        f"wijkcode;wijknaam;inwoners\n01;Noord;1000\n02;Zuid;3000\n{code};Totaal;4000\n",
    )
    population = read_population(path)
    assert counts(path) == {"01": 1000, "02": 3000}
    assert [notice.text("en") for notice in population.warnings] == [
        "1 row(s) skipped, a totals row (no area code, name 'Totaal'): row 4"
    ]


def test_a_totals_row_under_another_name_gets_a_warning(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "wijken.csv", "wijkcode;wijknaam;inwoners\n01;Noord;1000\n02;Zuid;3000\nGM;Gemeente;4000\n"
    )
    population = read_population(path)
    assert counts(path) == {"01": 1000, "02": 3000, "GM": 4000}
    lookalikes = [notice for notice in population.warnings if notice.key == "totals_lookalike"]
    assert [notice.text("en") for notice in lookalikes] == [
        "row 4 looks like a totals row: its 4000 inhabitants are the sum of all other areas; "
        "remove the row if it is one, or the total counts twice"
    ]
    assert lookalikes[0].text("nl").startswith("rij 4 lijkt een totaalregel")


@pytest.mark.parametrize("figures", [(100, 100), (100, 200, 400), (0, 0, 0)])
def test_no_totals_warning_where_no_row_is_the_sum(tmp_path: Path, figures: tuple[int, ...]) -> None:
    lines = "".join(f"0{n};Dorp {n};{count}\n" for n, count in enumerate(figures))
    population = read_population(write_csv(tmp_path / "dorpen.csv", f"code;naam;inwoners\n{lines}"))
    assert not [notice for notice in population.warnings if notice.key == "totals_lookalike"]


# --- 3. hidden sheets -----------------------------------------------------------------------------


@pytest.mark.parametrize("state", ["hidden", "veryHidden"])
def test_a_hidden_first_sheet_is_not_read_by_default(tmp_path: Path, state: str) -> None:
    workbook = Workbook()
    old = workbook.active
    old.title = "2023 (oud)"
    for row in (["code", "naam", "inwoners"], ["A", "Aa", 900], ["B", "Bb", 100]):
        old.append(row)
    old.sheet_state = state
    new = workbook.create_sheet("2024")
    for row in (["code", "naam", "inwoners"], ["A", "Aa", 1000], ["B", "Bb", 150]):
        new.append(row)
    workbook.active = 1
    path = tmp_path / "hidden.xlsx"
    workbook.save(path)
    assert read_population(path).sheet == "2024"
    assert counts(path) == {"A": 1000, "B": 150}
    assert counts(path, sheet="2023 (oud)") == {"A": 900, "B": 100}  # asked for by name: read


# --- 4. safety checks that failed open ------------------------------------------------------------


def test_rows_and_cells_without_r_are_read(tmp_path: Path) -> None:
    rows = [("code", "naam", "inwoners"), ("A", "Aa", 10), ("B", "Bb", 20)]
    xml = "".join(
        "<row>" + "".join(f'<c t="inlineStr"><is><t>{cell}</t></is></c>' for cell in row) + "</row>"
        for row in rows
    )
    path = with_sheet_xml(tmp_path, xml)
    assert counts(path) == {"A": 10, "B": 20}


def test_a_huge_sheet_without_r_references_is_refused(tmp_path: Path) -> None:
    """2,301 rows and 2,300 columns of cells without ``r``: 5.3 million cells from a small file."""
    width = 2300
    header = "<row>" + "".join(
        f'<c t="inlineStr"><is><t>{name}</t></is></c>' for name in ("code", "naam", "inwoners")
    )
    header += "<c><v>1</v></c>" * (width - 3) + "</row>"
    path = with_sheet_xml(tmp_path, header + "<row><c><v>1</v></c></row>" * width)
    error = read_error(path)
    assert "used range" in error.message and "delete what stands far below or right" in error.message


def test_a_far_cell_whose_r_is_not_the_first_attribute_is_refused(tmp_path: Path) -> None:
    xml = (
        '<row spans="1:3" r="1"><c t="inlineStr" r="A1"><is><t>code</t></is></c>'
        '<c t="inlineStr" r="B1"><is><t>naam</t></is></c>'
        '<c t="inlineStr" r="C1"><is><t>inwoners</t></is></c></row>'
        '<row spans="1:3" r="60000"><c s="0" r="CV60000"><v>1</v></c></row>'
    )
    error = read_error(with_sheet_xml(tmp_path, xml))
    assert "reaches cell CV60000 (60,000 rows x 100 columns)" in error.message


def test_a_far_cell_under_a_namespace_prefix_is_refused(tmp_path: Path) -> None:
    cells = "".join(
        f'<x:c r="{column}1" t="inlineStr"><x:is><x:t>{name}</x:t></x:is></x:c>'
        for column, name in zip("ABC", ("code", "naam", "inwoners"), strict=True)
    )
    xml = (
        f'<x:worksheet xmlns:x="{MAIN}"><x:sheetData><x:row r="1">{cells}</x:row>'
        '<x:row r="60000"><x:c r="CV60000"><x:v>1</x:v></x:c></x:row></x:sheetData></x:worksheet>'
    ).encode()
    made = write_xlsx(tmp_path / "made.xlsx", [["code", "naam", "inwoners"], ["A", "Aa", 1]])
    path = rewrite_parts(made, tmp_path / "prefixed.xlsx", lambda n, d: (n, xml if n == SHEET_XML else d))
    assert "reaches cell CV60000" in read_error(path).message


def _renamed_sheet(tmp_path: Path, suffix: str, doctype: bool) -> Path:
    made = write_xlsx(tmp_path / "made.xlsx", [["code", "naam", "inwoners"], ["A", "Aa", 1], ["B", "Bb", 2]])

    def change(name: str, data: bytes) -> tuple[str, bytes]:
        if name == SHEET_XML:
            name = f"xl/worksheets/sheet1{suffix}"
            if doctype:
                data = data.replace(b"<worksheet", b'<!DOCTYPE worksheet [<!ENTITY x "y">]><worksheet', 1)
        if name in ("xl/_rels/workbook.xml.rels", "[Content_Types].xml"):
            data = data.replace(b"sheet1.xml", f"sheet1{suffix}".encode())
        return name, data

    return rewrite_parts(made, tmp_path / f"renamed{suffix}.xlsx", change)


@pytest.mark.parametrize("suffix", [".dat", ".png", ""])
def test_a_declaration_in_a_worksheet_not_named_xml_is_refused(tmp_path: Path, suffix: str) -> None:
    error = read_error(_renamed_sheet(tmp_path, suffix, doctype=True))
    assert f"the workbook part xl/worksheets/sheet1{suffix} declares an XML document type" in error.message


def test_a_worksheet_not_named_xml_is_read(tmp_path: Path) -> None:
    assert counts(_renamed_sheet(tmp_path, ".dat", doctype=False)) == {"A": 1, "B": 2}


def test_a_picture_with_a_doctype_does_not_refuse_the_workbook(tmp_path: Path) -> None:
    made = write_xlsx(tmp_path / "made.xlsx", [["code", "naam", "inwoners"], ["A", "Aa", 1]])
    path = tmp_path / "logo.xlsx"
    rewrite_parts(made, path, lambda n, d: (n, d))
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr("xl/media/logo.svg", '<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "x"><svg/>')
    assert counts(path) == {"A": 1}


# --- 5. column mappings ---------------------------------------------------------------------------


def test_an_error_in_a_mapped_column_names_the_files_header(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "dorpen.csv", "code;naam;Aantal personen\nA;Aa;10\nB;Bb;tien\n")
    error = read_error(path, columns={"inhabitants": "aantal  personen"})
    assert (error.row, error.column) == (3, "Aantal personen")
    assert str(error).startswith(f"{path}, row 3, column 'Aantal personen': ")


def test_an_excel_error_in_a_mapped_column_is_explained(tmp_path: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["code", "naam", "Aantal personen"])
    sheet.append(["A", "Aa", 10])
    sheet.append(["B", "Bb", None])
    sheet["C3"].value = "#REF!"
    sheet["C3"].data_type = "e"
    path = tmp_path / "fout.xlsx"
    workbook.save(path)
    error = read_error(path, columns={"inhabitants": "Aantal personen"})
    assert (error.row, error.column) == (3, "Aantal personen")
    assert error.message == "the cell holds the Excel error #REF!"


def test_one_column_mapped_to_two_fields_is_an_error(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "dorpen.csv", "code;naam;inwoners\nA;Aa;10\nB;Bb;20\n")
    error = read_error(path, columns={"households": "inwoners", "inhabitants": "Inwoners"})
    assert "the column mapping gives the column 'inwoners' to households and inhabitants" in error.message
    assert error.file == str(path)


def test_a_mapping_file_that_is_a_directory(tmp_path: Path) -> None:
    with pytest.raises(InputError) as caught:
        load_column_file(tmp_path)
    assert str(caught.value) == f"{tmp_path}: expected a column mapping file, got a directory"


def test_an_unreadable_mapping_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "kolommen.toml"
    path.write_text('inhabitants = "Inwoners"\n')

    _failing(PermissionError(errno.EACCES, "Permission denied"), "os.open", monkeypatch, path)
    with pytest.raises(InputError) as caught:
        load_column_file(path)
    assert str(caught.value) == f"{path}: cannot read the column mapping file: Permission denied"


def test_columns_as_a_string_instead_of_a_table(tmp_path: Path) -> None:
    path = tmp_path / "kolommen.toml"
    path.write_text('columns = "Inwoners"\n')
    with pytest.raises(InputError) as caught:
        load_column_file(path)
    assert (caught.value.file, caught.value.key) == (str(path), "columns")
    assert "'columns' must be a section of field = \"header\" lines" in caught.value.message


def test_fields_outside_the_columns_section_are_not_ignored(tmp_path: Path) -> None:
    path = tmp_path / "kolommen.toml"
    path.write_text('inhabitants = "Aantal personen"\n[columns]\nname = "Omschrijving"\n')
    with pytest.raises(InputError) as caught:
        load_column_file(path)
    assert "keys outside [columns] (inhabitants) would be ignored" in str(caught.value)


def test_a_mapping_file_with_a_byte_order_mark(tmp_path: Path) -> None:
    path = tmp_path / "kolommen.toml"
    path.write_bytes('\ufeffinhabitants = "Aantal personen"\n'.encode())
    assert load_column_file(path) == {"inhabitants": "Aantal personen"}


# --- 6. file system errors ------------------------------------------------------------------------


def _failing(error: OSError, method: str, monkeypatch: pytest.MonkeyPatch, path: Path) -> None:
    if method == "os.open":  # how budgetcalc.files opens a file it reads itself (without blocking)
        original_open = os.open

        def fail_open(file: str | Path, *args: Any, **kwargs: Any) -> int:
            if Path(file) == path:
                raise error
            return original_open(file, *args, **kwargs)

        monkeypatch.setattr(os, "open", fail_open)
        return
    original = getattr(Path, method)

    def fail(self: Path, *args: object, **kwargs: object) -> object:
        if self == path:
            raise error
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Path, method, fail)


@pytest.mark.parametrize(
    ("error", "reason"),
    [
        (PermissionError(errno.EACCES, "Permission denied"), "Permission denied"),
        (OSError(errno.EIO, "Input/output error"), "Input/output error"),
    ],
    ids=["permission", "io"],
)
@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_a_file_system_error_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, error: OSError, reason: str, suffix: str
) -> None:
    path = tmp_path / f"dorpen{suffix}"
    if suffix == ".csv":
        write_csv(path, "code;naam;inwoners\nA;Aa;10\n")
    else:
        write_xlsx(path, [["code", "naam", "inwoners"], ["A", "Aa", 10]])
    _failing(error, "os.open" if suffix == ".csv" else "open", monkeypatch, path)
    assert str(read_error(path)) == f"{path}: cannot read the file: {reason}"


def test_reading_a_directory_as_csv_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError) as caught:
        read_csv_grid(tmp_path)
    assert str(caught.value) == f"{tmp_path}: expected a spreadsheet file, got a directory"


def test_a_workbook_as_excel_writes_it_is_measured_in_one_pass(tmp_path: Path) -> None:
    """Rows and cells with ``r`` first need no second, element by element, pass (speed)."""
    path = write_xlsx(
        tmp_path / "dorpen.xlsx", [["code", "naam", "inwoners"], ["A", "Aa", 10], ["B", "Bb", 2]]
    )
    scan = check_workbook_file(path)[SHEET_XML]
    assert (scan.rows, scan.columns, scan.measured) == (3, 3, True)
