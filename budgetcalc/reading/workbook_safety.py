"""Checks that refuse hostile or disguised workbooks before any parser sees them.

A workbook is a zip of XML parts. The zip is checked for sizes that betray a zip bomb and for XML
document type or entity declarations (entity expansion, external entities), and an encrypted
(password-protected) workbook is recognised by its OLE container. Every part is scanned for
declarations whatever its name, except pictures and binary parts (``xl/media/image1.png``,
``vbaProject.bin``), which no XML parser reads; the worksheet that is read is always scanned. Its
extent is measured before calamine allocates it, also where rows and cells leave out ``r``.
"""

from __future__ import annotations

import errno
import posixpath
import re
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree
from xml.parsers import expat

from budgetcalc.errors import InputError
from budgetcalc.reading.csv_source import cannot_read

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ENCRYPTION_INFO = "EncryptionInfo".encode("utf-16-le")
MAX_PART_BYTES = 256 * 1024 * 1024
MAX_TOTAL_BYTES = 1024 * 1024 * 1024
MAX_RATIO = 200
MAX_PARTS = 10_000
XML_DECLARATIONS = (b"<!DOCTYPE", b"<!ENTITY")
CHUNK = 1024 * 1024
OVERLAP = 64
ROW_NUMBER = re.compile(rb'<row(?: r="([0-9]{1,10})")?(?=[\s/>])')
"""Every row; its number where ``r`` comes first (an empty match is a row the pattern cannot place)."""
WIDE_OR_FAR_CELL = re.compile(rb'<c r="([A-Z]{2,3}[0-9]{1,10}|[A-Z][0-9]{6,10})"')
"""Cells past column Z or below row 99,999: rare in a population table, so few matches to read."""
NARROW_BEYOND = [re.compile(rb'<c r="([' + bytes([65 + known]) + rb"-Z])[0-9]") for known in range(26)]
"""For each column count known so far, the single-letter cells further right."""
UNMEASURED_CELL = re.compile(rb'<c(?! r=")[\s/>]')
UNMEASURED_ROW = re.compile(rb'<row(?! r="[0-9]{1,10}")[\s/>]')
PREFIXED = re.compile(rb":(?:c|row)[\s/>]")
"""Cells and rows the patterns above cannot place: without ``r`` (it is optional), ``r`` not first,
or a namespace prefix (``<x:row>``). Searches with a literal start: fast on a large sheet."""
CELL_REFERENCE = re.compile(r"([A-Za-z]{1,3})([0-9]{0,7})")
MAX_CELLS = 5_000_000
"""A sheet whose used range holds more cells than this is refused: reading it would need gigabytes."""
NOT_XML_SUFFIXES = (
    ".bin",
    ".png",
    ".jpg",
    ".jpeg",
    ".gif",
    ".bmp",
    ".tif",
    ".tiff",
    ".emf",
    ".wmf",
    ".wdp",
    ".ico",
    ".svg",
)
"""Pictures and binary parts: not scanned in bulk (an SVG logo may carry a DOCTYPE no one reads)."""


@dataclass(frozen=True)
class PartScan:
    """What a scan of one part found: the extent its ``r`` references give, and whether they suffice.

    ``measured`` is False where a row or cell leaves out ``r`` (it is optional: the element then
    follows the one before), has ``r`` after other attributes, or the part uses a namespace prefix
    (``<x:row>``); such a worksheet is measured again, element by element, before it is read.
    """

    rows: int
    columns: int
    measured: bool


def check_workbook_file(path: Path) -> dict[str, PartScan]:
    """Refuse what is not a safe .xlsx/.xlsm workbook, with a message that says what it is instead.

    Returns, for every part scanned, its extent (highest row, highest column) as found in its cells.
    File system errors (no permission, ...) are left to the caller as :class:`OSError`.
    """
    with path.open("rb") as stream:
        start = stream.read(8)
    if not start:
        raise InputError("the file is empty", file=path)
    if start == OLE_MAGIC:
        if ENCRYPTION_INFO in path.read_bytes()[: 16 * 1024 * 1024]:
            raise InputError(
                "the workbook is password-protected; remove the password in Excel and try again", file=path
            )
        raise InputError(
            "this is an old Excel 97-2003 (.xls) file with an .xlsx name; save it as .xlsx", file=path
        )
    if not zipfile.is_zipfile(path):
        if start.startswith(b"PK\x03\x04"):
            raise InputError(
                "the workbook cannot be read: it is damaged or incomplete (cut short?)", file=path
            )
        raise InputError("this is not an Excel workbook (no .xlsx zip archive; a renamed file?)", file=path)
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
            if "xl/workbook.xml" not in {part.filename for part in parts}:
                raise InputError(
                    "this zip archive is not an Excel workbook (it has no xl/workbook.xml)", file=path
                )
            _check_sizes(parts, path)
            return {part.filename: _scan_part(archive, part, path) for part in parts if _may_be_xml(part)}
    except (zipfile.BadZipFile, zlib.error, EOFError) as error:
        raise damaged(error, path) from None
    except OSError as error:
        raise damaged_or_unreadable(error, path) from None


def damaged(error: Exception, path: Path) -> InputError:
    return InputError(f"the workbook cannot be read: it is damaged ({error.__class__.__name__})", file=path)


def damaged_or_unreadable(error: OSError, path: Path) -> InputError:
    """An error of the file system (no permission, an I/O error) says so; others mean a damaged zip."""
    if error.errno in (None, errno.EINVAL):  # a seek to an offset the damaged zip gives
        return damaged(error, path)
    return cannot_read(error, path)


def _may_be_xml(part: zipfile.ZipInfo) -> bool:
    """Every part but pictures and binaries: a worksheet may hide under any name (``sheet1.dat``)."""
    return not part.filename.lower().endswith(NOT_XML_SUFFIXES) and not part.is_dir()


def _scan_part(archive: zipfile.ZipFile, part: zipfile.ZipInfo, path: Path) -> PartScan:
    """Read a whole part in chunks: refuse declarations, and measure the cells it fills."""
    rows = columns = 0
    tail = b""
    measured = True
    with archive.open(part) as member:
        chunk = member.read(CHUNK)
        while chunk:
            window = tail + chunk
            following = member.read(CHUNK)
            if any(declaration in window for declaration in XML_DECLARATIONS):
                raise InputError(
                    f"the workbook part {part.filename} declares an XML document type or entities, "
                    "which Excel never writes (an XML attack?); refused",
                    file=path,
                )
            numbers = ROW_NUMBER.findall(window)
            if measured:
                final = not following
                measured = not (
                    _unplaced(window, final, UNMEASURED_CELL, PREFIXED)
                    or (b"" in numbers and _unplaced(window, final, UNMEASURED_ROW))
                )
            rows = max([rows, *(int(number) for number in numbers if number)])
            for reference in WIDE_OR_FAR_CELL.findall(window):
                letters = reference.rstrip(b"0123456789")
                rows = max(rows, int(reference[len(letters) :]))
                columns = max(columns, _column_number(letters))
            if columns < 26:
                beyond = NARROW_BEYOND[columns].findall(window)
                columns = max([columns, *(letter[0] - 64 for letter in beyond)])
            tail = window[-OVERLAP:]
            chunk = following
    return PartScan(rows, columns, measured)


def _unplaced(window: bytes, final: bool, *patterns: re.Pattern[bytes]) -> bool:
    """Whether the window holds a row or cell, found by one of ``patterns``, that the ``r`` patterns
    cannot place (the rows are looked for only where ROW_NUMBER found one without a number).

    A tag in the last bytes of a window that is not the last is left to the next window, which
    starts with those bytes: cut short here, ``<row `` would look like a row without ``r``.
    """
    limit = len(window) if final else len(window) - OVERLAP // 2
    for pattern in patterns:
        found = pattern.search(window)
        if found and found.start() < limit:
            return True
    return False


def _measure_sheet(archive: zipfile.ZipFile, part: str) -> tuple[int, int]:
    """The extent of a worksheet element by element, as calamine places cells: a row or cell without
    ``r`` follows the one before. Stops once the extent is too large (the result is then a lower
    bound, which is enough to refuse). Run only on parts already scanned free of declarations.

    Elements are matched by local name (``row``, ``x:row``): calamine does not look at prefixes.
    """
    place = [0, 0, 0, 0]  # row, column, highest row, highest column

    def start(tag: str, attributes: dict[str, str]) -> None:
        local = tag[tag.find(":") + 1 :]
        if local == "c":
            found = CELL_REFERENCE.fullmatch(attributes.get("r", ""))
            if found:
                place[1] = _column_number(found.group(1).upper().encode())
                if found.group(2):
                    place[0] = int(found.group(2))
            else:
                place[1] += 1
            if place[0] > place[2] or place[1] > place[3]:
                place[2], place[3] = max(place[0], place[2]), max(place[1], place[3])
                if place[2] * place[3] > MAX_CELLS:
                    raise _TooLargeError
        elif local == "row":
            number = attributes.get("r", "")
            place[0] = int(number) if number.isdigit() else place[0] + 1
            place[1] = 0

    parser = expat.ParserCreate()
    parser.StartElementHandler = start
    try:
        with archive.open(part) as member:
            while chunk := member.read(CHUNK):
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
    except _TooLargeError:
        pass
    return place[2], place[3]


class _TooLargeError(Exception):
    """The extent measured so far is already too large: no need to read further."""


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


def sheet_part(path: Path, name: str) -> str | None:
    """The zip part of the worksheet called ``name`` (the workbook's XML is checked safe by now).

    Namespaces are matched by local name, so transitional and strict OOXML workbooks both resolve.
    """
    with zipfile.ZipFile(path) as archive:
        workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        relations = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {rel.get("Id"): rel.get("Target", "") for rel in relations}
    for sheet in workbook.iter():
        if sheet.tag.rpartition("}")[2] != "sheet" or sheet.get("name") != name:
            continue
        relation = next((v for k, v in sheet.attrib.items() if k.rpartition("}")[2] == "id" and "}" in k), "")
        target = targets.get(relation, "")
        if not target:
            return None
        return posixpath.normpath(target.lstrip("/") if target.startswith("/") else f"xl/{target}")
    return None


def _check_sizes(parts: list[zipfile.ZipInfo], path: Path) -> None:
    if len(parts) > MAX_PARTS:
        raise InputError(f"the workbook has {len(parts):,} parts; refused as unsafe", file=path)
    total = 0
    for part in parts:
        total += part.file_size
        ratio = part.file_size / max(part.compress_size, 1)
        if (
            part.file_size > MAX_PART_BYTES
            or total > MAX_TOTAL_BYTES
            or (part.file_size > 1024 * 1024 and ratio > MAX_RATIO)
        ):
            raise InputError(
                f"the workbook part {part.filename} unpacks to {part.file_size:,} bytes "
                f"({ratio:,.0f} times its packed size): refused as a possible zip bomb",
                file=path,
            )


def check_extent(path: Path, name: str, scans: dict[str, PartScan]) -> None:
    """Refuse a sheet whose used range is too large to read, or whose part cannot be found (and so
    measured). A part without ``r`` references to measure by is measured element by element."""
    found = sheet_part(path, name)
    with zipfile.ZipFile(path) as archive:
        by_name = {info.filename.lower(): info for info in archive.infolist()}  # part names ignore case
        info = by_name.get((found or "").lower())
        if info is None:
            raise InputError(
                "the workbook cannot be read: it is damaged (the sheet's part is missing)",
                file=path,
                sheet=name,
            )
        part = info.filename
        if part not in scans:  # a worksheet under a picture's or binary's name: scan it all the same
            scans[part] = _scan_part(archive, info, path)
        scan = scans[part]
        rows, columns = (scan.rows, scan.columns) if scan.measured else _measure_sheet(archive, part)
    if rows * columns > MAX_CELLS:
        corner = f"{column_letters(columns)}{rows}"
        raise InputError(
            f"the sheet's used range reaches cell {corner} ({rows:,} rows x {columns:,} columns); "
            "delete what stands far below or right of the table and save again",
            file=path,
            sheet=name,
        )


def column_letters(number: int) -> str:
    letters = ""
    while number:
        number, remainder = divmod(number - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters
