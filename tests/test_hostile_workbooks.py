"""Workbooks whose XML is legal but unusual, or hostile: read whole and as Excel shows them, or
refused with one line that names the part or the cell; never a silently wrong number.

Every workbook is built here from a few XML strings, zipped by hand (the helpers of
``tests/corpus/make_corpus.py``). The table is the corpus's six villages: header in row 1
(gebiedscode, naam, soort, inwoners), Adorp in row 2 with 664 inhabitants in cell D2.
"""

from __future__ import annotations

import base64
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import corpus_maker

from budgetcalc.errors import InputError
from budgetcalc.reading import read_table

ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT / "rules" / "het-hogeland.toml"


maker = corpus_maker()
HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
SHEET = "xl/worksheets/sheet1.xml"
STRINGS = "xl/sharedStrings.xml"


def inline(reference: str, text: str) -> str:
    return f'<c r="{reference}" t="inlineStr"><is><t>{text}</t></is></c>'


def header_row() -> str:
    return (
        '<row r="1">'
        + "".join(inline(f"{c}1", t) for c, t in zip("ABCD", maker.HEADER, strict=True))
        + "</row>"
    )


def village_row(number: int, code: str, name: str, kind: str, inhabitants: int, *, last: str = "") -> str:
    """A row of the table; ``last`` replaces the inhabitants cell's XML when given."""
    cells = inline(f"A{number}", code) + inline(f"B{number}", name) + inline(f"C{number}", kind)
    cells += last or f'<c r="D{number}"><v>{inhabitants}</v></c>'
    return f'<row r="{number}">{cells}</row>'


def adorp_row(name: str) -> str:
    """Adorp's row with this XML as its name cell (B2)."""
    return village_row(2, "D01", "", "dorp", 664).replace(inline("B2", ""), name)


def sheet_xml(*, adorp: str = "", rows: str | None = None, after: str = "", head: str = HEAD) -> str:
    """The villages as a worksheet; ``adorp`` replaces Adorp's inhabitants cell (D2), ``rows`` all
    rows, ``after`` comes after sheetData (merged ranges)."""
    if rows is None:
        rows = header_row() + "".join(
            village_row(number, *row, last=adorp if number == 2 else "")
            for number, row in enumerate(maker.DORPEN, start=2)
        )
    return f'{head}<worksheet xmlns="{maker.MAIN}"><sheetData>{rows}</sheetData>{after}</worksheet>'


def write_workbook(
    folder: Path,
    sheet: str | bytes,
    *,
    replace: dict[str, bytes] | None = None,
    extra: dict[str, bytes] | None = None,
    name: str = "dorpen.xlsx",
) -> Path:
    """A workbook with this worksheet XML; ``replace`` swaps other parts' bytes, ``extra`` adds parts."""
    data = sheet.encode() if isinstance(sheet, str) else sheet
    parts = maker.workbook({"Dorpen": [["x"]]}, raw_sheet=data)
    parts = [(part, (replace or {}).get(part, content)) for part, content in parts]
    parts += list((extra or {}).items())
    path = folder / name
    path.write_bytes(maker.zip_file(parts))
    return path


def adorp(path: Path) -> list[object]:
    table = read_table(path)
    return table.rows[0]


def refused(path: Path, *fragments: str) -> str:
    with pytest.raises(InputError) as caught:
        read_table(path)
    message = str(caught.value)
    assert "\n" not in message
    for fragment in fragments:
        assert fragment in message, message
    return message


def shared_strings(*items: str, head: str = HEAD) -> str:
    count = len(items)
    return f'{head}<sst xmlns="{maker.MAIN}" count="{count}" uniqueCount="{count}">{"".join(items)}</sst>'


def shared_cell(reference: str, index: int) -> str:
    return f'<c r="{reference}" t="s"><v>{index}</v></c>'


# --- 1. DTD and entity declarations, whatever the encoding ----------------------------------------

DOCTYPE = '<!DOCTYPE sst [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>\n'


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be"])
def test_declarations_in_a_utf16_part_are_refused(tmp_path: Path, encoding: str) -> None:
    """A byte search for ``<!DOCTYPE`` misses it in UTF-16; an XML parser does not."""
    head = '<?xml version="1.0" encoding="UTF-16"?>\n'
    strings = shared_strings("<si><t>&lol2;</t></si>", head=head + DOCTYPE)
    data = ("\ufeff" + strings if encoding == "utf-16-be" else strings).encode(encoding)
    path = write_workbook(tmp_path, sheet_xml(), replace={STRINGS: data})
    refused(path, STRINGS, "declares an XML document type or entities")


def test_declarations_in_a_utf16_part_nobody_reads_are_refused(tmp_path: Path) -> None:
    custom = ('<?xml version="1.0" encoding="UTF-16"?>\n' + DOCTYPE + "<sst>&lol2;</sst>").encode("utf-16")
    path = write_workbook(tmp_path, sheet_xml(), extra={"customXml/item1.xml": custom})
    refused(path, "customXml/item1.xml", "declares an XML document type or entities")


def test_a_utf16_part_nobody_reads_is_no_reason_to_refuse(tmp_path: Path) -> None:
    """SharePoint and others put such parts (customXml) in workbooks; budgetcalc never reads them."""
    custom = '<?xml version="1.0" encoding="UTF-16"?>\n<properties><p>Dorpen</p></properties>'
    path = write_workbook(tmp_path, sheet_xml(), extra={"customXml/item1.xml": custom.encode("utf-16")})
    assert adorp(path) == ["D01", "Adorp", "dorp", 664]


# --- 2. Workbook XML in another encoding than UTF-8 -----------------------------------------------


def test_a_utf16_worksheet_is_refused_naming_its_encoding(tmp_path: Path) -> None:
    """calamine reads a UTF-16 worksheet as an empty sheet, and the byte scans would see nothing."""
    xml = sheet_xml(head='<?xml version="1.0" encoding="UTF-16" standalone="yes"?>\n')
    path = write_workbook(tmp_path, xml.encode("utf-16"))
    refused(path, SHEET, "UTF-16", "Excel writes UTF-8", "save it again")


def test_a_utf16_worksheet_without_declaration_is_refused(tmp_path: Path) -> None:
    path = write_workbook(tmp_path, sheet_xml(head="").encode("utf-16-le"))
    refused(path, SHEET, "UTF-16")


def test_a_declared_single_byte_encoding_is_refused(tmp_path: Path) -> None:
    head = '<?xml version="1.0" encoding="ISO-8859-1"?>\n'
    strings = shared_strings("<si><t>Caf\u00e9</t></si>", head=head).encode("latin-1")
    path = write_workbook(tmp_path, sheet_xml(), replace={STRINGS: strings})
    refused(path, STRINGS, "ISO-8859-1", "Excel writes UTF-8")


def test_utf8_with_a_byte_order_mark_is_read(tmp_path: Path) -> None:
    path = write_workbook(tmp_path, b"\xef\xbb\xbf" + sheet_xml().encode())
    assert adorp(path) == ["D01", "Adorp", "dorp", 664]


# --- 3. A cell is read whole or not at all --------------------------------------------------------

UNUSUAL_NUMBERS = {
    "comment": "<v>6<!-- telling -->64</v>",
    "comment first": "<v><!-- x -->664</v>",
    "character reference": "<v>&#54;64</v>",
    "hex character reference": "<v>&#x36;&#x36;&#x34;</v>",
    "CDATA": "<v><![CDATA[664]]></v>",
    "split CDATA": "<v>6<![CDATA[6]]>4</v>",
    "processing instruction": "<v>6<?x y?>64</v>",
    "whitespace": "<v> 664 </v>",
    "newlines": "<v>\n664\n</v>",
    "two values": "<v>664</v><v>1</v>",
    "element inside": "<v><b>664</b></v>",
    "infinity": "<v>INF</v>",
}


@pytest.mark.parametrize("content", list(UNUSUAL_NUMBERS.values()), ids=list(UNUSUAL_NUMBERS))
def test_a_number_cell_is_read_whole_or_refused_naming_the_cell(tmp_path: Path, content: str) -> None:
    path = write_workbook(tmp_path, sheet_xml(adorp=f'<c r="D2">{content}</c>'))
    try:
        row = adorp(path)
    except InputError as error:
        assert "D2" in str(error), str(error)
        assert "\n" not in str(error)
    else:
        assert row[3] == 664


def test_a_shared_string_index_written_as_a_reference_is_not_lost(tmp_path: Path) -> None:
    """calamine drops the whole row when the index is ``&#48;``."""
    cell = '<c r="B2" t="s"><v>&#48;</v></c>'
    rows = header_row() + adorp_row(cell)
    path = write_workbook(
        tmp_path, sheet_xml(rows=rows), replace={STRINGS: shared_strings("<si><t>Adorp</t></si>").encode()}
    )
    try:
        assert adorp(path)[1] == "Adorp"
    except InputError as error:
        assert "B2" in str(error)


@pytest.mark.parametrize(
    "item",
    [
        "<si><r><t>Ad</t></r><r><t>orp</t></r></si>",
        '<si><r><rPr><b/></rPr><t>Ad</t></r><r><t xml:space="preserve">orp</t></r></si>',
        '<si><t>Adorp</t><rPh sb="0" eb="2"><t>XX</t></rPh><phoneticPr fontId="0"/></si>',
        '<si><r><t>Ad</t></r><r><t>orp</t></r><rPh sb="0" eb="2"><t>XX</t></rPh></si>',
        "<si><t>&#65;dorp</t></si>",
    ],
    ids=["runs", "runs with formatting", "phonetic run", "runs and phonetic run", "character reference"],
)
def test_rich_shared_strings_read_as_excel_shows_them(tmp_path: Path, item: str) -> None:
    rows = header_row() + village_row(2, "D01", "", "dorp", 664).replace(
        inline("B2", ""), shared_cell("B2", 0)
    )
    path = write_workbook(tmp_path, sheet_xml(rows=rows), replace={STRINGS: shared_strings(item).encode()})
    assert adorp(path)[1] == "Adorp"


def test_rich_inline_strings_read_as_excel_shows_them(tmp_path: Path) -> None:
    runs = (
        '<c r="B2" t="inlineStr"><is><r><t>Ad</t></r><r><t>orp</t></r>'
        '<rPh sb="0" eb="1"><t>X</t></rPh></is></c>'
    )
    rows = header_row() + adorp_row(runs)
    assert adorp(write_workbook(tmp_path, sheet_xml(rows=rows)))[1] == "Adorp"


def test_an_inline_string_with_a_value_after_it_is_refused(tmp_path: Path) -> None:
    """calamine shows such a cell as empty."""
    cell = '<c r="B2" t="inlineStr"><is><t>Adorp</t></is><v>5</v></c>'
    rows = header_row() + adorp_row(cell)
    refused(write_workbook(tmp_path, sheet_xml(rows=rows)), "B2")


def test_text_with_entities_and_formula_strings_are_read(tmp_path: Path) -> None:
    """What openpyxl and Excel write: ``&amp;`` in inline strings, a formula's text result."""
    name = '<c r="B2" t="str"><f>"Ad"&amp;"orp"</f><v>Ad&amp;orp</v></c>'
    rows = header_row() + adorp_row(name)
    rows += village_row(3, "D02", "Baflo &amp; Rasquert", "dorp", 2760)
    table = read_table(write_workbook(tmp_path, sheet_xml(rows=rows)))
    assert [row[1] for row in table.rows] == ["Ad&orp", "Baflo & Rasquert"]
    assert [row[3] for row in table.rows] == [664, 2760]


ADORP = village_row(2, "D01", "Adorp", "dorp", 664)
DUPLICATES = {
    "same r twice": ADORP.replace("</row>", '<c r="D2"><v>1</v></c></row>'),
    "row repeated": ADORP + '<row r="2"><c r="D2"><v>1</v></c></row>',
    "implicit position": village_row(2, "D01", "Adorp", "dorp", 664)
    .replace('<c r="C2"', '<c r="D2"><v>1</v></c><c r="C2"')
    .replace('<c r="D2"><v>664', "<c><v>664"),
}


@pytest.mark.parametrize("rows", list(DUPLICATES.values()), ids=list(DUPLICATES))
def test_a_cell_defined_twice_is_refused_naming_it(tmp_path: Path, rows: str) -> None:
    path = write_workbook(tmp_path, sheet_xml(rows=header_row() + rows))
    refused(path, "D2", "twice")


def test_rows_out_of_order_are_refused(tmp_path: Path) -> None:
    """Excel refuses such a file as damaged; calamine would read it."""
    rows = (
        header_row()
        + village_row(3, "D02", "Baflo", "dorp", 2760)
        + village_row(2, "D01", "Adorp", "dorp", 664)
    )
    refused(write_workbook(tmp_path, sheet_xml(rows=rows)), "A2", "out of order")


def test_rows_and_cells_without_r_are_placed_in_turn(tmp_path: Path) -> None:
    def cell(value: object) -> str:
        return (
            f"<c><v>{value}</v></c>"
            if isinstance(value, int)
            else f'<c t="inlineStr"><is><t>{value}</t></is></c>'
        )

    rows = "".join(
        "<row>" + "".join(map(cell, values)) + "</row>" for values in [maker.HEADER, *maker.DORPEN]
    )
    table = read_table(write_workbook(tmp_path, sheet_xml(rows=rows)))
    assert [row[3] for row in table.rows] == [row[3] for row in maker.DORPEN]


# --- 4. Bounded time and memory, no warnings ------------------------------------------------------


def run_cli(path: Path, folder: Path) -> tuple[int, str]:
    """Exit code and stderr of the command; the subprocess timeout guards against a hang."""
    program = Path(sys.executable).with_name("budgetcalc")
    finished = subprocess.run(
        [str(program), "allocate", "--lang", "en", str(path), "--rules", str(RULES), "-o", "out.csv"],
        cwd=folder,
        env={**os.environ, "PYTHONUTF8": "1", "PYTHONWARNINGS": "default"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert finished.stdout == "" or finished.returncode == 0
    return finished.returncode, finished.stderr


def test_a_merged_range_over_the_rest_of_the_sheet_takes_no_time(tmp_path: Path) -> None:
    """A remark merged over everything right of and below it: 17 billion cells to fill, 6 real."""
    rows = sheet_xml().split("<sheetData>")[1].split("</sheetData>")[0]
    rows = rows.replace("</row>", inline("E1", "opmerking") + "</row>", 1)
    rows = rows.replace('<c r="D2"><v>664</v></c>', '<c r="D2"><v>664</v></c>' + inline("E2", "zie notulen"))
    merge = '<mergeCells count="1"><mergeCell ref="E2:XFD1048576"/></mergeCells>'
    path = write_workbook(tmp_path, sheet_xml(rows=rows, after=merge))
    code, stderr = run_cli(path, tmp_path)
    assert (code, stderr) == (0, "")


def test_a_row_of_16384_cells_is_refused_in_time(tmp_path: Path) -> None:
    footnote = (
        '<row r="9">' + "".join(f'<c r="{maker._column(i)}9"><v>1</v></c>' for i in range(16384)) + "</row>"
    )
    rows = sheet_xml().split("<sheetData>")[1].split("</sheetData>")[0] + footnote
    path = write_workbook(tmp_path, sheet_xml(rows=rows))
    code, stderr = run_cli(path, tmp_path)
    assert code == 2
    assert stderr.count("\n") == 1 and stderr.startswith("error: ") and "row 9" in stderr, stderr


@pytest.mark.parametrize("where", ["inline", "shared"])
def test_a_cell_of_megabytes_is_refused_naming_it(tmp_path: Path, where: str) -> None:
    text = base64.b64encode(random.Random(1).randbytes(2_359_296)).decode()  # 3 MiB, hard to pack
    if where == "inline":
        rows = header_row() + village_row(2, "D01", text, "dorp", 664)
        path = write_workbook(tmp_path, sheet_xml(rows=rows))
    else:
        rows = header_row() + village_row(2, "D01", "", "dorp", 664).replace(
            inline("B2", ""), shared_cell("B2", 0)
        )
        runs = "".join(f"<r><t>{text[i : i + 30000]}</t></r>" for i in range(0, len(text), 30000))
        path = write_workbook(
            tmp_path, sheet_xml(rows=rows), replace={STRINGS: shared_strings(f"<si>{runs}</si>").encode()}
        )
    code, stderr = run_cli(path, tmp_path)
    assert code == 2
    assert stderr.count("\n") == 1 and "Traceback" not in stderr, stderr[:2000]
    assert "row 2" in stderr and "cell B2" in stderr and "32,767" in stderr, stderr[:2000]


def test_overlapping_merged_ranges_are_refused(tmp_path: Path) -> None:
    """Thousands of ranges merged over the same cells would each be filled again: refused at once."""
    rows = sheet_xml().split("<sheetData>")[1].split("</sheetData>")[0]
    rows = rows.replace("</row>", inline("E1", "opmerking") + "</row>", 1)
    rows = rows.replace('<c r="D2"><v>664</v></c>', '<c r="D2"><v>664</v></c>' + inline("E2", "zie notulen"))
    ranges = "".join('<mergeCell ref="E2:XFD1048576"/>' for _ in range(5000))
    merge = f'<mergeCells count="5000">{ranges}</mergeCells>'
    path = write_workbook(tmp_path, sheet_xml(rows=rows, after=merge))
    refused(path, "merged ranges overlap")
