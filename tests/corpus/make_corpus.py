"""Build the corpus of malformed and hostile population files in this folder.

    .venv/bin/python tests/corpus/make_corpus.py

Every file is made here from fixed content, so the committed files can be opened and read, and
``tests/test_input_corpus.py`` checks that this script makes them again byte for byte. Workbooks are
written by hand (a few XML parts in a zip with fixed timestamps), not with openpyxl, which stamps
the current time into every file. What each file must produce is in ``EXPECTED.toml``.

``password_protected.xlsx`` is a real Agile-encrypted (Excel 2010+) workbook, made with
``msoffcrypto-tool``. That package is not a dependency of budgetcalc: it is only needed to make this
one file again, e.g. ``pip install --target /tmp/msoff msoffcrypto-tool`` and then
``PYTHONPATH=/tmp/msoff .venv/bin/python tests/corpus/make_corpus.py``. Its salts and timestamps are
fixed here, so it too comes out the same every time. Without the package the committed file is kept.

The figures are illustrative: Het Hogeland villages with round, made-up inhabitant counts.
"""

from __future__ import annotations

import io
import random
import struct
import sys
import zipfile
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from xml.sax.saxutils import escape

HERE = Path(__file__).resolve().parent
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
ENCRYPTED = "password_protected.xlsx"
"""The one file that needs msoffcrypto-tool to be made again."""

DORPEN = [
    ("D01", "Adorp", "dorp", 664),
    ("D02", "Baflo", "dorp", 2760),
    ("D03", "Eenrum", "dorp", 1605),
    ("D04", "Kloosterburen", "dorp", 780),
    ("D05", "Pieterburen", "dorp", 455),
    ("D06", "Usquert", "dorp", 1580),
]
HEADER = ["gebiedscode", "naam", "soort", "inwoners"]
Cell = str | int | float | bool | date | None
Rows = list[list[Cell]]


# --- CSV -----------------------------------------------------------------------------------------


def csv_text(rows: list[list[object]], separator: str = ";", newline: str = "\r\n") -> str:
    """Rows joined as a spreadsheet program exports them (no quoting needed in this corpus)."""
    return "".join(
        separator.join("" if cell is None else str(cell) for cell in row) + newline for row in rows
    )


def dorpen_csv(separator: str = ";", newline: str = "\r\n", **change: list[object]) -> bytes:
    """The clean table, with some rows replaced: ``change={"D04": [...]}``."""
    rows: list[list[object]] = [list(HEADER)]
    for row in DORPEN:
        rows.append(list(change.get(row[0], row)))
    return csv_text(rows, separator, newline).encode("utf-8")


# --- xlsx, by hand -------------------------------------------------------------------------------

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
DOC_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


class Formula(str):
    """A cell holding this formula and no cached value (as openpyxl and scripts write them)."""


class ErrorValue(str):
    """A cell holding an Excel error such as ``#REF!``."""


class InlineXml(str):
    """An inline string cell whose text is this XML as is (entity references are not escaped)."""


def zip_file(parts: list[tuple[str, bytes]], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    """A zip with fixed timestamps and attributes: the same bytes for the same parts."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in parts:
            archive.writestr(_entry(name), data, compress_type=method, compresslevel=6)
    return buffer.getvalue()


def _entry(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
    info.create_system = 0
    info.external_attr = 0
    info.compress_type = zipfile.ZIP_DEFLATED
    return info


def _column(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _cell(reference: str, value: Cell, strings: list[str]) -> str:
    if value is None:
        return ""
    if isinstance(value, Formula):
        return f'<c r="{reference}"><f>{escape(str(value))}</f></c>'
    if isinstance(value, InlineXml):
        return f'<c r="{reference}" t="inlineStr"><is><t>{value}</t></is></c>'
    if isinstance(value, ErrorValue):
        return f'<c r="{reference}" t="e"><v>{escape(str(value))}</v></c>'
    if isinstance(value, bool):
        return f'<c r="{reference}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, date):
        serial = (value - date(1899, 12, 30)).days
        return f'<c r="{reference}" s="1"><v>{serial}</v></c>'
    if isinstance(value, int | float):
        return f'<c r="{reference}"><v>{value!r}</v></c>'
    if value not in strings:
        strings.append(value)
    return f'<c r="{reference}" t="s"><v>{strings.index(value)}</v></c>'


def sheet_xml(rows: Rows, strings: list[str], merged: tuple[str, ...] = ()) -> str:
    lines = []
    for number, row in enumerate(rows, start=1):
        cells = "".join(_cell(f"{_column(i)}{number}", value, strings) for i, value in enumerate(row))
        if cells:
            lines.append(f'<row r="{number}">{cells}</row>')
    merges = ""
    if merged:
        refs = "".join(f'<mergeCell ref="{ref}"/>' for ref in merged)
        merges = f'<mergeCells count="{len(merged)}">{refs}</mergeCells>'
    return f'{XML_HEAD}<worksheet xmlns="{MAIN}"><sheetData>{"".join(lines)}</sheetData>{merges}</worksheet>'


def workbook(
    sheets: dict[str, Rows],
    *,
    merged: tuple[str, ...] = (),
    prolog: dict[str, str] | None = None,
    raw_sheet: bytes | None = None,
) -> list[tuple[str, bytes]]:
    """The parts of a minimal .xlsx: one worksheet per entry, shared strings, a date style.

    ``merged`` ranges apply to the first sheet; ``prolog`` puts text (a DOCTYPE, a comment) before
    the root element of a part; ``raw_sheet`` replaces the first worksheet's XML as is.
    """
    strings: list[str] = []
    worksheets = []
    for index, rows in enumerate(sheets.values(), start=1):
        xml = sheet_xml(rows, strings, merged if index == 1 else ())
        worksheets.append((f"xl/worksheets/sheet{index}.xml", xml.encode()))
    if raw_sheet is not None:
        worksheets[0] = (worksheets[0][0], raw_sheet)
    items = "".join(f'<si><t xml:space="preserve">{escape(text)}</t></si>' for text in strings)
    shared = (
        f'{XML_HEAD}<sst xmlns="{MAIN}" count="{len(strings)}" uniqueCount="{len(strings)}">{items}</sst>'
    )
    sheet_types = "".join(
        f'<Override PartName="/{name}" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for name, _ in worksheets
    )
    content_types = (
        f'{XML_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        f"{sheet_types}"
        '<Override PartName="/xl/sharedStrings.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
        '<Override PartName="/xl/styles.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        "</Types>"
    )
    root_rels = (
        f'{XML_HEAD}<Relationships xmlns="{RELS}"><Relationship Id="rId1" '
        f'Type="{DOC_RELS}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    )
    sheet_list = "".join(
        f'<sheet name="{escape(name)}" sheetId="{index}" r:id="rId{index}"/>'
        for index, name in enumerate(sheets, start=1)
    )
    workbook_xml = (
        f'{XML_HEAD}<workbook xmlns="{MAIN}" xmlns:r="{DOC_RELS}"><sheets>{sheet_list}</sheets></workbook>'
    )
    count = len(worksheets)
    workbook_rels = (
        f'{XML_HEAD}<Relationships xmlns="{RELS}">'
        + "".join(
            f'<Relationship Id="rId{i}" Type="{DOC_RELS}/worksheet" Target="worksheets/sheet{i}.xml"/>'
            for i in range(1, count + 1)
        )
        + f'<Relationship Id="rId{count + 1}" Type="{DOC_RELS}/sharedStrings" Target="sharedStrings.xml"/>'
        + f'<Relationship Id="rId{count + 2}" Type="{DOC_RELS}/styles" Target="styles.xml"/>'
        + "</Relationships>"
    )
    styles = (
        f'{XML_HEAD}<styleSheet xmlns="{MAIN}">'
        '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
        '<fills count="1"><fill><patternFill patternType="none"/></fill></fills>'
        '<borders count="1"><border/></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
        '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
        '<xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
        "</styleSheet>"
    )
    parts = [
        ("[Content_Types].xml", content_types.encode()),
        ("_rels/.rels", root_rels.encode()),
        ("xl/workbook.xml", workbook_xml.encode()),
        ("xl/_rels/workbook.xml.rels", workbook_rels.encode()),
        *worksheets,
        ("xl/sharedStrings.xml", shared.encode()),
        ("xl/styles.xml", styles.encode()),
    ]
    for name, text in (prolog or {}).items():
        index = next(i for i, (part, _) in enumerate(parts) if part == name)
        data = parts[index][1]
        head, body = data.split(b"\n", 1)
        parts[index] = (name, head + b"\n" + text.encode() + body)
    return parts


def xlsx(sheets: dict[str, Rows], **options: object) -> bytes:
    return zip_file(workbook(sheets, **options))  # type: ignore[arg-type]


def dorpen_rows(**change: list[Cell]) -> Rows:
    return [list(HEADER), *(list(change.get(row[0], row)) for row in DORPEN)]


CLEAN_XLSX = {"Dorpen": dorpen_rows()}


# --- hostile workbooks ---------------------------------------------------------------------------

BILLION_LAUGHS = (
    '<!DOCTYPE sst [\n <!ENTITY lol "lol">\n'
    + "".join(
        f' <!ENTITY lol{n} "{("&lol" + (str(n - 1) if n > 1 else "") + ";") * 10}">\n' for n in range(1, 10)
    )
    + "]>\n"
)
EXTERNAL_ENTITY = '<!DOCTYPE worksheet [\n <!ENTITY secret SYSTEM "file:///etc/passwd">\n]>\n'


def billion_laughs() -> bytes:
    parts = workbook(CLEAN_XLSX, prolog={"xl/sharedStrings.xml": BILLION_LAUGHS})
    return zip_file(
        [
            (name, data.replace(b">Adorp<", b">&lol9;<") if "sharedStrings" in name else data)
            for name, data in parts
        ]
    )


def external_entity() -> bytes:
    """A worksheet that declares an entity reading /etc/passwd and shows it as Adorp's name."""
    rows = dorpen_rows(D01=["D01", InlineXml("&secret;"), "dorp", 664])
    return xlsx({"Dorpen": rows}, prolog={"xl/worksheets/sheet1.xml": EXTERNAL_ENTITY})


def entity_after_long_comment() -> bytes:
    """The billion laughs again, but after a 5,000-byte comment, past the first 4,096 bytes."""
    padding = "<!--" + "Deze werkmap is gemaakt door de afdeling Financien. " * 100 + "-->\n"
    parts = workbook(CLEAN_XLSX, prolog={"xl/sharedStrings.xml": padding + BILLION_LAUGHS})
    return zip_file(
        [
            (name, data.replace(b">Adorp<", b">&lol9;<") if "sharedStrings" in name else data)
            for name, data in parts
        ]
    )


BOMB_BYTES = 300 * 1024 * 1024


def zip_bomb() -> bytes:
    """A workbook whose worksheet unpacks to 300 MiB of zeros (about 300 KB packed)."""
    parts = workbook(CLEAN_XLSX)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in parts:
            if name != "xl/worksheets/sheet1.xml":
                archive.writestr(_entry(name), data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=6)
                continue
            info = _entry(name)
            info.file_size = BOMB_BYTES
            with archive.open(info, "w") as member:
                chunk = bytes(1024 * 1024)
                for _ in range(BOMB_BYTES // len(chunk)):
                    member.write(chunk)
    return buffer.getvalue()


def truncated_download() -> bytes:
    whole = xlsx({"Dorpen": dorpen_rows()})
    return whole[: len(whole) // 2]


def damaged_worksheet() -> bytes:
    parts = workbook(CLEAN_XLSX)
    return zip_file(
        [(name, data[: len(data) // 2] if name.endswith("sheet1.xml") else data) for name, data in parts]
    )


def corrupted_part() -> bytes:
    """The clean workbook with one byte of the packed shared strings flipped (a bad copy or disk)."""
    data = bytearray(xlsx(CLEAN_XLSX))
    name = b"xl/sharedStrings.xml"
    start = data.find(b"PK\x03\x04")
    while start >= 0:
        name_length, extra_length = struct.unpack_from("<HH", data, start + 26)
        if data[start + 30 : start + 30 + name_length] == name:
            data[start + 30 + name_length + extra_length + 20] ^= 0xFF
            return bytes(data)
        start = data.find(b"PK\x03\x04", start + 4)
    raise AssertionError("no shared strings part")


def stray_cell_far_away() -> bytes:
    """The clean table and one space typed in the very last cell of the sheet, XFD1048576."""
    far = '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t xml:space="preserve"> </t></is></c></row>'
    parts = workbook(CLEAN_XLSX)
    return zip_file(
        [
            (name, data.replace(b"</sheetData>", far.encode() + b"</sheetData>"))
            if name == "xl/worksheets/sheet1.xml"
            else (name, data)
            for name, data in parts
        ]
    )


def opendocument_renamed() -> bytes:
    """What LibreOffice writes as .ods: a zip with mimetype, content.xml, no xl/workbook.xml."""
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'office:version="1.3"><office:body><office:spreadsheet/></office:body></office:document-content>'
    )
    return zip_file(
        [
            ("mimetype", b"application/vnd.oasis.opendocument.spreadsheet"),
            ("content.xml", content.encode()),
            ("META-INF/manifest.xml", b'<?xml version="1.0" encoding="UTF-8"?>\n<manifest:manifest/>'),
        ]
    )


def ole_container(stream_names: list[str]) -> bytes:
    """A small OLE compound file (as old .xls and encrypted .xlsx files are) listing these streams."""
    sector = 512
    entries = []
    for index, name in enumerate(["Root Entry", *stream_names]):
        encoded = name.encode("utf-16-le") + b"\0\0"
        kind = 5 if index == 0 else 2
        child = 1 if index == 0 and stream_names else 0xFFFFFFFF
        right = index + 1 if 0 < index < len(stream_names) else 0xFFFFFFFF
        entry = encoded.ljust(64, b"\0") + struct.pack(
            "<HBBIII", len(encoded), kind, 1, 0xFFFFFFFF, right, child
        )
        entry += bytes(16 + 4 + 16) + struct.pack("<IIQ", 0xFFFFFFFE, 0, 0)[:12]
        entries.append(entry.ljust(128, b"\0"))
    directory = b"".join(entries).ljust(sector, b"\0")
    fat = struct.pack("<II", 0xFFFFFFFD, 0xFFFFFFFE).ljust(sector, b"\xff")
    header = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + bytes(16)
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
        + bytes(6)
        + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, 0xFFFFFFFE, 0, 0xFFFFFFFE, 0)
        + struct.pack("<I", 0)
        + b"\xff" * (436 - 4)
    )
    return header.ljust(sector, b"\0") + fat + directory


def encrypted_workbook() -> bytes:
    """``Dorpen`` encrypted with the password 'Dorpsbudget2024', with fixed salts and times."""
    import msoffcrypto  # noqa: F401 - only to make this file again; not a budgetcalc dependency
    from msoffcrypto.format.ooxml import OOXMLFile
    from msoffcrypto.method import ecma376_agile
    from msoffcrypto.method.container import ecma376_encrypted

    generator = random.Random(2024)

    class FixedTime(ecma376_encrypted.datetime):  # type: ignore[misc, name-defined]
        @classmethod
        def now(cls, tz: object = None) -> FixedTime:
            return cls(2024, 1, 1)

    saved = ecma376_agile._random_buffer, ecma376_encrypted.datetime
    ecma376_agile._random_buffer = generator.randbytes
    ecma376_encrypted.datetime = FixedTime
    try:
        output = io.BytesIO()
        # stored, not deflated: msoffcrypto-tool 6.1 cannot decrypt what it made of a package under 4 KiB
        plain = zip_file(workbook(CLEAN_XLSX), zipfile.ZIP_STORED)
        OOXMLFile(io.BytesIO(plain)).encrypt("Dorpsbudget2024", output)
    finally:
        ecma376_agile._random_buffer, ecma376_encrypted.datetime = saved
    return output.getvalue()


# --- the corpus ----------------------------------------------------------------------------------


def cp1252_with_bad_bytes() -> bytes:
    """Windows-1252 text (é, ë, an en dash) with one byte that Windows-1252 leaves undefined (0x81)."""
    rows = [list(HEADER), *(list(row) for row in DORPEN)]
    rows[3][1] = "Eenrum – Café Hörnsdiep"
    text = csv_text(rows).encode("cp1252")
    return text.replace(b"Kloosterburen", b"Kloosterb\x81ren")


def _csv_files() -> Iterator[tuple[str, Callable[[], bytes]]]:
    yield (
        "missing_inhabitants_column.csv",
        lambda: csv_text([HEADER[:3], *(list(row[:3]) for row in DORPEN)]).encode(),
    )
    yield (
        "two_columns_for_inhabitants.csv",
        lambda: csv_text([[*HEADER, "Aantal inwoners"], *([*row, row[3]] for row in DORPEN)]).encode(),
    )
    yield "empty_code.csv", lambda: dorpen_csv(D03=["  ", "Eenrum", "dorp", 1605])
    yield "negative_inhabitants.csv", lambda: dorpen_csv(D04=["D04", "Kloosterburen", "dorp", -780])
    yield "fractional_inhabitants.csv", lambda: dorpen_csv(D02=["D02", "Baflo", "dorp", "2760,5"])
    yield "absurd_inhabitants.csv", lambda: dorpen_csv(D05=["D05", "Pieterburen", "dorp", "455.000.000"])
    yield "suppressed_value.csv", lambda: dorpen_csv(D05=["D05", "Pieterburen", "dorp", "."])
    yield "inhabitants_with_unit.csv", lambda: dorpen_csv(D02=["D02", "Baflo", "dorp", "2760 inwoners"])
    yield "empty_inhabitants.csv", lambda: dorpen_csv(D06=["D06", "Usquert", "dorp", ""])
    yield "cp1252_with_bad_bytes.csv", cp1252_with_bad_bytes
    yield (
        "values_beyond_header.csv",
        lambda: dorpen_csv(D03=["D03", "Eenrum", "dorp", 1605, "", "zie noot 3"]),
    )
    yield (
        "formula_in_name.csv",
        lambda: dorpen_csv(
            D01=["D01", '=HYPERLINK("http://example.com/x","Adorp")', "dorp", 664],
            D02=["D02", "+31 Baflo", "dorp", 2760],
            D03=["D03", "-Eenrum", "dorp", 1605],
            D04=["D04", "@SUM(1+1)*cmd|' /C calc'!A0", "dorp", 780],
        ),
    )
    yield "empty_file.csv", lambda: b""
    yield "only_separators.csv", lambda: b";;;\r\n;;;\r\n;;;\r\n"
    yield "workbook_renamed.csv", lambda: xlsx(CLEAN_XLSX)
    yield "nul_byte_in_text.csv", lambda: dorpen_csv().replace(b"Baflo", b"Baf\0lo")
    yield "no_header_row.csv", lambda: csv_text([list(row) for row in DORPEN]).encode()
    yield (
        "header_below_row_50.csv",
        lambda: csv_text(
            [[f"Toelichting regel {n}: cijfers volgens de basisregistratie personen"] for n in range(1, 51)]
            + [list(HEADER), *(list(row) for row in DORPEN)]
        ).encode(),
    )
    yield (
        "repeated_header_row.csv",
        lambda: csv_text(
            [
                list(HEADER),
                *(list(row) for row in DORPEN[:3]),
                list(HEADER),
                *(list(row) for row in DORPEN[3:]),
            ]
        ).encode(),
    )
    yield (
        "footnote_below_table.csv",
        lambda: csv_text(
            [
                list(HEADER),
                *(list(row) for row in DORPEN),
                [],
                ["* voorlopige cijfers, peildatum 1 januari 2024"],
            ]
        ).encode(),
    )
    yield "unclosed_quote.csv", lambda: dorpen_csv(D03=["D03", '"Eenrum', "dorp", 1605])
    yield (
        "mixed_levels.csv",
        lambda: csv_text(
            [
                ["code", "naam", "soort", "inwoners"],
                ["GM1966", "Het Hogeland", "Gemeente", 48_000],
                ["WK196600", "Wijk 00 Adorp", "Wijk", 664],
                ["WK196601", "Wijk 01 Baflo", "Wijk", 2760],
            ],
            ",",
            "\n",
        ).encode(),
    )
    yield (
        "unknown_level.csv",
        lambda: csv_text(
            [
                ["code", "naam", "soort", "inwoners"],
                ["WK196600", "Wijk 00 Adorp", "Wijk", 664],
                ["WK196601", "Wijk 01 Baflo", "Wijk", 2760],
            ],
            ",",
            "\n",
        ).encode(),
    )
    yield (
        "level_without_kind_column.csv",
        lambda: csv_text(
            [["code", "naam", "inwoners"], *([row[0], row[1], row[3]] for row in DORPEN)]
        ).encode(),
    )
    yield (
        "unknown_municipality.csv",
        lambda: csv_text(
            [
                ["code", "naam", "soort", "gemeente", "inwoners"],
                *([*row[:3], "Het Hogeland", row[3]] for row in DORPEN),
            ]
        ).encode(),
    )
    yield "mapping_names_missing_header.csv", lambda: dorpen_csv()
    yield (
        "excel_unicode_text.txt",
        lambda: (
            b"\xff\xfe" + csv_text([list(HEADER), *(list(row) for row in DORPEN)], "\t").encode("utf-16-le")
        ),
    )
    yield "libreoffice_sheet.ods", opendocument_renamed


def _xlsx_files() -> Iterator[tuple[str, Callable[[], bytes]]]:
    yield (
        "duplicate_code.xlsx",
        lambda: xlsx({"Dorpen": [*dorpen_rows(), ["D02", "Baflo (nieuwbouw)", "dorp", 120]]}),
    )
    yield ENCRYPTED, encrypted_workbook
    yield "billion_laughs.xlsx", billion_laughs
    yield "external_entity.xlsx", external_entity
    yield "entity_after_long_comment.xlsx", entity_after_long_comment
    yield "zip_bomb.xlsx", zip_bomb
    yield (
        "renamed_pdf.xlsx",
        lambda: (
            b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
            b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
        ),
    )
    yield "csv_renamed.xlsx", dorpen_csv
    yield "legacy_xls_renamed.xlsx", lambda: ole_container(["Workbook", "\x05SummaryInformation"])
    yield "opendocument_renamed.xlsx", opendocument_renamed
    yield "truncated_download.xlsx", truncated_download
    yield "damaged_worksheet.xlsx", damaged_worksheet
    yield "corrupted_part.xlsx", corrupted_part
    yield "stray_cell_at_xfd1048576.xlsx", stray_cell_far_away
    yield (
        "title_block_but_no_header.xlsx",
        lambda: xlsx(
            {
                "Blad1": [
                    ["Dorpsbudgetten 2024"],
                    ["Gemeente Het Hogeland, afdeling Financien"],
                    [None],
                    *(list(row) for row in DORPEN),
                ]
            }
        ),
    )
    yield (
        "header_only.xlsx",
        lambda: xlsx(
            {"Blad1": [["Dorpsbudgetten 2024"], [None], list(HEADER), [None], [None, None, None, None]]}
        ),
    )
    yield "empty_first_sheet.xlsx", lambda: xlsx({"Blad1": [], "Dorpen": dorpen_rows()})
    yield (
        "error_value_in_inhabitants.xlsx",
        lambda: xlsx({"Dorpen": dorpen_rows(D03=["D03", "Eenrum", "dorp", ErrorValue("#REF!")])}),
    )
    yield (
        "formula_without_cached_value.xlsx",
        lambda: xlsx({"Dorpen": dorpen_rows(D06=["D06", "Usquert", "dorp", Formula("SUM(F2:F9)")])}),
    )
    yield (
        "date_in_inhabitants.xlsx",
        lambda: xlsx({"Dorpen": dorpen_rows(D05=["D05", "Pieterburen", "dorp", date(2024, 5, 4)])}),
    )
    yield (
        "merged_header_two_years.xlsx",
        lambda: xlsx(
            {
                "Blad1": [
                    ["gebiedscode", "naam", "inwoners", None],
                    [None, None, 2023, 2024],
                    *([row[0], row[1], row[3] - 10, row[3]] for row in DORPEN),
                ]
            },
            merged=("C1:D1", "A1:A2", "B1:B2"),
        ),
    )


def builders() -> dict[str, Callable[[], bytes]]:
    return dict([*_csv_files(), *_xlsx_files()])


def build(names: list[str] | None = None) -> dict[str, bytes]:
    """The content of corpus files (all but the encrypted workbook by default)."""
    made = builders()
    wanted = names if names is not None else [name for name in made if name != ENCRYPTED]
    return {name: made[name]() for name in wanted}


def main() -> None:
    files = build()
    try:
        files[ENCRYPTED] = build([ENCRYPTED])[ENCRYPTED]
    except ImportError:
        print(f"msoffcrypto-tool not installed: {ENCRYPTED} kept as committed", file=sys.stderr)
    for name, data in files.items():
        (HERE / name).write_bytes(data)
    print(f"{len(files)} files written to {HERE}")


if __name__ == "__main__":
    main()
