"""Checks that refuse hostile or disguised workbooks before any parser sees them.

A workbook is a zip of XML parts. The zip is checked for sizes that betray a zip bomb, and an
encrypted (password-protected) workbook is recognised by its OLE container. Every part but pictures
and binaries (``xl/media/image1.png``, ``vbaProject.bin``) is parsed whole by expat, which refuses
XML document type and entity declarations (entity expansion, external entities) in whatever
encoding the part is in. The parts calamine reads (the workbook, its relationships, shared strings,
styles and the worksheet read) must be well-formed UTF-8, as Excel writes them: the byte-level scans
below read UTF-8 only.

The worksheet read is measured before calamine allocates it, also where rows and cells leave out
``r``, and its cells are checked to be read whole: a ``<v>`` holding comments, references, CDATA or
two values, and a cell defined twice or out of order, are refused naming the cell. A fast byte-level
pass clears the common sheet; only an unusual one is parsed again element by element.
"""

from __future__ import annotations

import codecs
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
from budgetcalc.files import MAX_CELLS, MAX_ROWS
from budgetcalc.reading.csv_source import cannot_read

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ENCRYPTION_INFO = "EncryptionInfo".encode("utf-16-le")
MAX_PART_BYTES = 256 * 1024 * 1024
MAX_TOTAL_BYTES = 1024 * 1024 * 1024
MAX_RATIO = 200
MAX_PARTS = 10_000
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
PREFIXED = re.compile(rb":(?:c|row|v|is)[\s/>]")
"""Cells and rows the patterns above cannot place: without ``r`` (it is optional), ``r`` not first,
or a namespace prefix (``<x:row>``, also on values: ``<x:v>``). Searches with a literal start: fast
on a large sheet."""
CELL_REFERENCE = re.compile(r"([A-Za-z]{1,3})([0-9]{0,7})")
READ_PARTS = frozenset(
    {"xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/sharedStrings.xml", "xl/styles.xml"}
)
"""Parts calamine reads besides the worksheet: they must be well-formed UTF-8. Other parts (Excel's
own VML drawings are not always well-formed; SharePoint's customXml may be UTF-16) are only checked
for declarations."""
BYTE_ORDER_MARKS = (
    (b"\x00\x00\xfe\xff", "UTF-32"),
    (b"\xff\xfe\x00\x00", "UTF-32"),
    (b"\xfe\xff", "UTF-16"),
    (b"\xff\xfe", "UTF-16"),
)
DECLARED_ENCODING = re.compile(rb'(?:\xef\xbb\xbf)?<\?xml[^>]*?\sencoding\s*=\s*["\']([^"\']{0,40})["\']')
NUMBER = r"-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[Ee][+-]?[0-9]+)?"
"""A number as Excel writes it in ``<v>``: no spaces, signs only where needed, no INF or NaN."""
UNUSUAL_VALUE = re.compile(rb"<v(?!>" + NUMBER.encode() + rb"</v></c>)")
"""A value other than a plain number closing its cell (text, markup, a second value, attributes):
such a sheet is checked cell by cell."""
UNUSUAL_INLINE = re.compile(rb"</is>(?!</c>)")
"""An inline string followed by more in its cell (calamine then shows the cell as empty)."""
VALUE_FORMS = {
    "n": (re.compile(NUMBER), "a plain number"),
    "s": (re.compile("[0-9]+"), "the number of a shared string"),
    "b": (re.compile("[01]"), "0 or 1"),
    "str": (re.compile("[^<]*"), "plain text"),
}
"""What ``<v>`` may hold, by the cell's type ``t``; other types (``e``, ``d``) hold text without
markup or references."""
OTHER_VALUE = (re.compile("[^<&]*"), "plain text")
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
    problem: str | None = None
    """Why calamine cannot read this part as it is (not UTF-8, not well-formed XML), if so."""


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
        with path.open("rb") as stream:
            head = stream.read(16 * 1024 * 1024)
        if ENCRYPTION_INFO in head:
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
            _refuse_duplicate_parts(parts, path)
            _check_sizes(parts, path)
            scans = {part.filename: _scan_part(archive, part, path) for part in parts if _may_be_xml(part)}
    except (zipfile.BadZipFile, zlib.error, EOFError) as error:
        raise damaged(error, path) from None
    except OSError as error:
        raise damaged_or_unreadable(error, path) from None
    for name, scan in scans.items():
        if scan.problem and name in READ_PARTS:
            raise InputError(scan.problem, file=path)
    return scans


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
    """Read a whole part in chunks: parse it (refusing declarations), and measure the cells it fills."""
    rows = columns = 0
    tail = b""
    measured = True
    created = expat.ParserCreate()
    created.StartDoctypeDeclHandler = created.EntityDeclHandler = _declared
    parser: expat.XMLParserType | None = created
    encoding = None
    problem = None
    with archive.open(part) as member:
        chunk = member.read(CHUNK)
        encoding = _encoding(chunk)
        while chunk:
            window = tail + chunk
            following = member.read(CHUNK)
            if parser is not None:
                try:
                    parser.Parse(chunk, not following)
                except _DeclarationError:
                    raise InputError(
                        f"the workbook part {part.filename} declares an XML document type or entities, "
                        "which Excel never writes (an XML attack?); refused",
                        file=path,
                    ) from None
                except expat.ExpatError as error:
                    parser = None
                    problem = (
                        f"the workbook cannot be read: it is damaged (its part {part.filename} is not "
                        f"well-formed XML: {expat.ErrorString(error.code)}, line {error.lineno}, "
                        f"column {error.offset + 1})"
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
    if encoding is not None:
        problem = (
            f"the workbook part {part.filename} is encoded in {encoding}; Excel writes UTF-8: "
            "open the file in Excel and save it again"
        )
    return PartScan(rows, columns, measured, problem)


def _declared(*_: object) -> None:
    raise _DeclarationError


class _DeclarationError(Exception):
    """The part declares a document type or entities."""


def _encoding(start: bytes) -> str | None:
    """The encoding of a part that is not UTF-8, from its byte order mark, the zero bytes UTF-16
    puts beside ``<``, or its XML declaration; None for UTF-8 (with or without a byte order mark)."""
    for mark, name in BYTE_ORDER_MARKS:
        if start.startswith(mark):
            return name
    if start[:1] == b"\0" or start[1:2] == b"\0":
        return "UTF-16"
    declared = DECLARED_ENCODING.match(start)
    if declared is None:
        return None
    name = declared.group(1).decode("ascii", errors="replace")
    try:
        return None if codecs.lookup(name).name == "utf-8" else name
    except LookupError:
        return name


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


class _CellInspector:
    """The cells of a worksheet element by element, placed as calamine places them: a row or cell
    without ``r`` follows the one before. Refuses a cell defined twice (named at its second
    definition) or out of order, and a ``<v>`` calamine would misread (see :data:`VALUE_FORMS`).

    Elements are matched by local name (``row``, ``x:row``): calamine does not look at prefixes.
    Stops once the extent is too large (it is then a lower bound, which is enough to refuse).
    """

    def __init__(self, path: Path, sheet: str) -> None:
        self.path, self.sheet = path, sheet
        self.row = self.column = self.rows = self.columns = 0
        self.seen: set[int] = set()
        self.previous = (0, "")
        self.disorder: str | None = None
        self.reference = ""
        self.kind = "n"
        self.values = 0
        self.value: list[str] | None = None  # the raw text of the <v> being read

    def start(self, tag: str, attributes: dict[str, str]) -> None:
        local = tag[tag.find(":") + 1 :]
        if self.value is not None:  # an element inside <v>: shown as written, then refused
            self.value.append(f"<{tag}>")
        elif local == "c":
            self._place(attributes)
        elif local == "row":
            number = attributes.get("r", "")
            self.row = int(number) if number.isdigit() else self.row + 1
            self.column = 0
        elif local in ("v", "is") and self.reference:
            self.values += 1
            if self.values > 1:
                self._refuse(f"cell {self.reference} holds two values; Excel writes one")
            if local == "v":
                self.value = []

    def end(self, tag: str) -> None:
        local = tag[tag.find(":") + 1 :]
        if local == "v" and self.value is not None:
            raw, self.value = "".join(self.value), None
            form, what = VALUE_FORMS.get(self.kind, OTHER_VALUE)
            if not form.fullmatch(raw):
                shown = raw if len(raw) <= 40 else raw[:40] + "..."
                self._refuse(f"cell {self.reference} holds {shown!r} where Excel writes {what}")
        elif local == "c":
            self.reference = ""

    def text(self, data: str) -> None:
        """Everything between tags as written: text, references, comments, CDATA, instructions."""
        if self.value is not None:
            self.value.append(data)

    def _place(self, attributes: dict[str, str]) -> None:
        found = CELL_REFERENCE.fullmatch(attributes.get("r", ""))
        if found:
            self.column = _column_number(found.group(1).upper().encode())
            if found.group(2):
                self.row = int(found.group(2))
        else:
            self.column += 1
        self.reference = f"{column_letters(self.column)}{self.row}"
        self.kind, self.values = attributes.get("t", "n"), 0
        key = self.row * 32768 + self.column
        if key in self.seen:
            self._refuse(
                f"the sheet defines cell {self.reference} twice (Excel refuses such a file as damaged)"
            )
        if key < self.previous[0] and self.disorder is None:
            self.disorder = (
                f"the sheet defines cell {self.reference} after cell {self.previous[1]}: its cells are out "
                "of order (Excel refuses such a file as damaged)"
            )
        self.seen.add(key)
        self.previous = (key, self.reference)
        if self.row > self.rows or self.column > self.columns:
            self.rows, self.columns = max(self.row, self.rows), max(self.column, self.columns)
            if self.rows * self.columns > MAX_CELLS:
                raise _TooLargeError

    def _refuse(self, message: str) -> None:
        raise InputError(f"{message}; refused rather than guessed", file=self.path, sheet=self.sheet)


def _inspect_cells(data: bytes, path: Path, sheet: str) -> tuple[int, int]:
    """The extent of a worksheet, its cells checked one by one (see :class:`_CellInspector`).
    Run only on parts already found well-formed UTF-8 without declarations."""
    inspector = _CellInspector(path, sheet)
    parser = expat.ParserCreate()
    parser.StartElementHandler = inspector.start
    parser.EndElementHandler = inspector.end
    parser.DefaultHandler = inspector.text  # no character data handler: text arrives as written
    try:
        parser.Parse(data, True)
    except _TooLargeError:
        return inspector.rows, inspector.columns
    if inspector.disorder:
        inspector._refuse(inspector.disorder)
    return inspector.rows, inspector.columns


def _plain(data: bytes) -> bool:
    """Whether a worksheet whose cells all start with ``r`` can be left to calamine without a look
    at each cell: every ``<v>`` a plain number closing its cell, cells in order, none twice."""
    return not UNUSUAL_VALUE.search(data) and not UNUSUAL_INLINE.search(data) and _cells_in_order(data)


def _cells_in_order(data: bytes) -> bool:
    """Whether each cell's ``r`` lies beyond the one before, row by row and left to right: then no
    cell is defined twice. Reads the references in bulk with numpy (a Python loop over a national
    sheet's 90,000 cells would take longer than calamine takes to read them). False where a
    reference is not a plain ``A1`` one."""
    import numpy as np

    text = np.frombuffer(data + bytes(16), dtype=np.uint8)
    size = len(data)
    opening = np.flatnonzero(  # '<c r' by shifted views: far fewer hits than every '<'
        (text[:size] == ord("<"))
        & (text[1 : size + 1] == ord("c"))
        & (text[2 : size + 2] == ord(" "))
        & (text[3 : size + 3] == ord("r"))
    )
    for offset, byte in enumerate(b'="', start=4):
        opening = opening[text[opening + offset] == byte]
    if len(opening) < 2:
        return True
    window = text[(opening + 6)[:, None] + np.arange(11)]
    letters = np.argmin((window >= 65) & (window <= 90), axis=1)  # A-Z before the first other byte
    after_letters = np.arange(11) >= letters[:, None]
    end = np.argmax(after_letters & ((window < 48) | (window > 57)), axis=1)  # the first non-digit
    if not (
        np.all((letters >= 1) & (letters <= 3))
        and np.all((end - letters >= 1) & (end - letters <= 7))
        and np.all(window[np.arange(len(window)), end] == ord('"'))
    ):
        return False
    column = np.zeros(len(window), dtype=np.int64)
    row = np.zeros(len(window), dtype=np.int64)
    values = window.astype(np.int64)
    for index in range(3):
        column = np.where(index < letters, column * 26 + values[:, index] - 64, column)
    for index in range(1, 11):
        row = np.where((index >= letters) & (index < end), row * 10 + values[:, index] - 48, row)
    key = row * 32768 + column
    return bool(np.all(key[1:] > key[:-1]))


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


def _refuse_duplicate_parts(parts: list[zipfile.ZipInfo], path: Path) -> None:
    """A part stored twice (part names ignore case): readers take one copy or the other, and Excel
    calls the file damaged."""
    seen: set[str] = set()
    for part in parts:
        name = part.filename.lower()
        if name in seen:
            raise InputError(
                f"the workbook cannot be read: it is damaged (its zip archive holds the part {part.filename} "
                "twice; Excel refuses such a file)",
                file=path,
            )
        seen.add(name)


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


def check_sheet(path: Path, name: str, scans: dict[str, PartScan]) -> None:
    """Refuse a sheet calamine would misread: a part that is not well-formed UTF-8, a used range too
    large to read, a cell defined twice or out of order, a value not read whole; also a sheet whose
    part cannot be found (and so checked). A plain sheet is cleared by a fast byte-level pass; a
    sheet without ``r`` on every row and cell, or with unusual values, is inspected cell by cell."""
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
        if scan.problem:
            raise InputError(scan.problem, file=path, sheet=name)
        data = archive.read(part)
    if scan.measured and _plain(data):
        rows, columns = scan.rows, scan.columns
    else:
        rows, columns = _inspect_cells(data, path, name)
    if rows * columns > MAX_CELLS:
        corner = f"{column_letters(columns)}{rows}"
        raise InputError(
            f"the sheet's used range reaches cell {corner} ({rows:,} rows x {columns:,} columns); "
            "delete what stands far below or right of the table and save again",
            file=path,
            sheet=name,
        )
    if rows > MAX_ROWS:
        raise InputError(
            f"the sheet has {rows:,} rows; budgetcalc reads at most {MAX_ROWS:,} areas (the whole of the "
            "Netherlands has 18,310 gemeenten, wijken and buurten); delete what stands below the table",
            file=path,
            sheet=name,
        )


def column_letters(number: int) -> str:
    letters = ""
    while number:
        number, remainder = divmod(number - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters
