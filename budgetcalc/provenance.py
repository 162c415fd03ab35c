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
