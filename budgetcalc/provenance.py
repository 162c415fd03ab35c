"""What a report was made from: the files read (with their SHA-256), the rule files' full text, the options
given and the program's version, so that an auditor can re-perform the allocation and see any change.

Pure data: made where the files are read (:mod:`budgetcalc.inputs`), carried by the allocation, written by
every report and read back by ``budgetcalc verify``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from budgetcalc.money import format_plain
from budgetcalc.previous import PreviousYear


@dataclass(frozen=True)
class RuleSource:
    """A rule or scenario file as read: its path, the SHA-256 of its bytes and its text."""

    path: str
    sha256: str
    text: str


@dataclass(frozen=True)
class Provenance:
    """The inputs of one allocation. ``rules`` holds the rule file given and, for a scenario file, the
    rule file it extends (in that order); ``overrides`` the ``--set`` values as typed; ``options`` how the
    population file was read."""

    population_file: str
    population_sha256: str | None
    rules: tuple[RuleSource, ...]
    version: str
    overrides: Mapping[str, str] = field(default_factory=dict)
    options: Mapping[str, Any] = field(default_factory=dict)
    reading: Mapping[str, Any] = field(default_factory=dict)
    """What reading the population file found, to re-perform the report exactly: ``sheet``, ``rows_read``,
    ``headers`` (the file's own header per column) and ``notices`` (each ``{key, values}``)."""
    previous: Mapping[str, Any] | None = None
    """Last year's allocation (``--previous``) as read: ``path``, ``sha256`` and ``rows`` (see
    :func:`previous_record`); None when none was given."""

    def to_json(self) -> dict[str, Any]:
        """As written into reports (the ``provenance`` object of the JSON report)."""
        return {
            "budgetcalc_version": self.version,
            "population_file": {"path": self.population_file, "sha256": self.population_sha256},
            "rule_files": [
                {"path": rule.path, "sha256": rule.sha256, "text": rule.text} for rule in self.rules
            ],
            "overrides": dict(self.overrides),
            "options": dict(self.options),
            "reading": dict(self.reading),
            **({"previous_file": dict(self.previous)} if self.previous is not None else {}),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Provenance:
        """Read back what :meth:`to_json` wrote; a KeyError or TypeError where it is not that."""
        return cls(
            population_file=str(data["population_file"]["path"]),
            population_sha256=data["population_file"]["sha256"],
            rules=tuple(
                RuleSource(str(rule["path"]), str(rule["sha256"]), str(rule["text"]))
                for rule in data["rule_files"]
            ),
            version=str(data["budgetcalc_version"]),
            overrides={str(key): str(value) for key, value in dict(data["overrides"]).items()},
            options=dict(data["options"]),
            reading=dict(data.get("reading") or {}),
            previous=dict(data["previous_file"]) if data.get("previous_file") is not None else None,
        )

    def text_problems(self) -> list[str]:
        """Rule texts whose SHA-256 is not the one recorded with them (the text was edited afterwards)."""
        return [
            f"the text of rule file {rule.path} does not match its recorded SHA-256"
            for rule in self.rules
            if rule.sha256 not in _digests_of(rule.text)
        ]


def sha256_of(data: bytes) -> str:
    """The SHA-256 of ``data`` as 64 hexadecimal digits."""
    return hashlib.sha256(data).hexdigest()


def sha256_of_file(path: Path) -> str:
    """The SHA-256 of a file's bytes, read in blocks, so a report says exactly which bytes it was
    computed from."""
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1024 * 1024), b""):
            digest.update(block)
    return digest.hexdigest()


def overrides_as_typed(options: Sequence[str]) -> dict[str, str]:
    """``--set PATH=VALUE`` options as ``{path: value}``, the text as given (for the record)."""
    found: dict[str, str] = {}
    for option in options:
        path, _, value = option.partition("=")
        found[path.strip()] = value.strip()
    return found


def _digests_of(text: str) -> set[str]:
    """The SHA-256 of ``text`` as a file may hold it: with or without a byte-order mark, with its own line
    ends or Windows ones (a workbook keeps a rule file's lines, not their line ends)."""
    variants = {text, text.replace("\r\n", "\n").replace("\n", "\r\n")}
    return {
        sha256_of(mark + variant.encode("utf-8")) for variant in variants for mark in (b"", b"\xef\xbb\xbf")
    }


def reading_record(
    sheet: str | None, rows_read: int, headers: Mapping[str, str], notices: Any
) -> dict[str, Any]:
    """What reading found, as :attr:`Provenance.reading` records it."""
    return {
        "sheet": sheet,
        "rows_read": rows_read,
        "headers": dict(headers),
        "notices": [{"key": notice.key, "values": dict(notice.values)} for notice in notices],
    }


def previous_record(previous: PreviousYear) -> dict[str, Any]:
    """Last year's allocation as :attr:`Provenance.previous` records it: the file, its SHA-256 and every
    row as read, as exact text (``amount`` in euros; ``unspent`` and ``carried_years`` where the file has
    those columns), enough to re-perform a report without the file."""
    rows = []
    for position in range(len(previous)):
        row = {
            "code": previous.codes[position],
            "name": previous.names[position],
            "amount": format_plain(int(previous.amount_cents[position])),
        }
        if previous.unspent_cents is not None:
            row["unspent"] = format_plain(int(previous.unspent_cents[position]))
        if previous.carried_years is not None:
            row["carried_years"] = str(int(previous.carried_years[position]))
        rows.append(row)
    return {"path": previous.file, "sha256": previous.sha256, "rows": rows}


def previous_from_record(record: Mapping[str, Any]) -> PreviousYear:
    """Last year's allocation back from :func:`previous_record`'s record; a ValueError where it is
    damaged."""
    from decimal import Decimal, InvalidOperation

    from budgetcalc.money import decimal_to_cents

    def cents(text: object) -> int:
        try:
            amount = Decimal(str(text))
        except InvalidOperation:
            raise ValueError(f"not an amount: {str(text)[:40]!r}") from None
        if not amount.is_finite() or amount != amount.quantize(Decimal("0.01")):
            raise ValueError(f"not an amount in cents: {str(text)[:40]!r}")
        return decimal_to_cents(amount)

    try:
        rows = [dict(row) for row in record["rows"]]
        unspent = all("unspent" in row for row in rows) and bool(rows)
        carried = all("carried_years" in row for row in rows) and bool(rows)
        return PreviousYear(
            codes=tuple(str(row["code"]) for row in rows),
            names=tuple(str(row["name"]) for row in rows),
            amount_cents=np.array([cents(row["amount"]) for row in rows], dtype=np.int64),
            unspent_cents=np.array([cents(row["unspent"]) for row in rows], dtype=np.int64)
            if unspent
            else None,
            carried_years=np.array([int(row["carried_years"]) for row in rows], dtype=np.int64)
            if carried
            else None,
            file=str(record["path"]),
            sha256=None if record.get("sha256") is None else str(record["sha256"]),
        )
    except (KeyError, TypeError, AttributeError) as error:
        raise ValueError(f"last year's rows are damaged ({error})") from None
