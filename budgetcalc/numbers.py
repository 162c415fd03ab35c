"""Numbers from spreadsheet cells as people type them: ``1.234``, ``1 234``, ``12,5``, ``1.234,5``.

Exact: the result is a ``Decimal`` (or an ``int`` for counts), never a binary float. Where text could
mean two numbers (``1.234`` as a decimal quantity: 1234 or 1.234?) it is refused, not guessed.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

import numpy as np

SUPPRESSED = frozenset({".", "x", "X", "?", "-", "−", "-99995", "-99996", "-99997", "-99998", "-99999"})
"""How CBS and municipal tables mark a figure that is secret, unknown or not applicable."""

_SPACES = re.compile(r"[\s\u00a0\u202f']")
_DUTCH_GROUPS = re.compile(r"^[+-]?[1-9]\d{0,2}(\.\d{3})+(,\d+)?$")  # 1.234 / 1.234.567 / 1.234,5
_ENGLISH_GROUPS = re.compile(r"^[+-]?[1-9]\d{0,2}(,\d{3})+(\.\d+)?$")  # 1,234 / 1,234.5
_PLAIN = re.compile(r"^[+-]?\d+([.,]\d+)?$")  # 1234 / 12.5 / 12,5


class NumberError(ValueError):
    """Text that is not a number, or not one number for sure; the message says why."""


class AmbiguousNumber(NumberError):  # noqa: N818 - reads as what the text is
    """Text such as ``1.234`` that could be two different numbers: refused rather than guessed."""


class SuppressedValue(NumberError):  # noqa: N818 - a marker, not a failure of the reader
    """A CBS suppression mark such as ``.``: the figure exists but is not published."""


def is_suppressed(value: object) -> bool:
    """True for a suppression mark (``.``, ``x``, ``-99997``, ...)."""
    if isinstance(value, int | float | np.integer | np.floating) and not isinstance(value, bool):
        return float(value) in (-99995.0, -99996.0, -99997.0, -99998.0, -99999.0)
    return isinstance(value, str) and value.strip() in SUPPRESSED


def parse_number(value: object, *, whole: bool) -> Decimal:
    """The exact number in a cell. ``whole`` says the column only holds whole numbers (counts).

    For whole numbers ``1.234`` and ``1 234`` are one thousand two hundred and thirty-four. For other
    numbers ``12,5`` and ``12.5`` are twelve and a half, ``1.234,5`` is Dutch and ``1,234.5`` English;
    ``1.234`` and ``1,234`` are refused as ambiguous.
    """
    if isinstance(value, bool):
        raise NumberError("expected a number, got true/false")
    if is_suppressed(value):
        raise SuppressedValue(f"the value is suppressed ({str(value).strip()!r}: not published)")
    if isinstance(value, int | np.integer):
        return Decimal(int(value))
    if isinstance(value, float | np.floating):
        if not np.isfinite(value):
            raise NumberError(f"expected a number, got {value!r}")
        return Decimal(repr(float(value)))  # the shortest text that reads back as this cell value
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise NumberError(f"expected a number, got {value}")
        return value
    return _parse_text(str(value), whole=whole)


def _parse_text(original: str, *, whole: bool) -> Decimal:
    text = original.strip()
    if re.fullmatch(r"[+-]?[1-9]\d{0,2}([\s\u00a0\u202f']\d{3})+([.,]\d+)?", text):
        text = _SPACES.sub("", text)  # 1 234 with a (narrow, no-break) space or apostrophe
    if not whole and re.fullmatch(r"[+-]?[1-9]\d{0,2}[.,]\d{3}", text):
        raise AmbiguousNumber(
            f"{original!r} could mean {re.sub('[.,]', '', text)} (thousands separator) or a number "
            "below 1,000 with three decimals; write it without a thousands separator"
        )
    if _DUTCH_GROUPS.match(text):
        normal = text.replace(".", "").replace(",", ".")
    elif _ENGLISH_GROUPS.match(text):
        normal = text.replace(",", "")
    elif _PLAIN.match(text):
        normal = text.replace(",", ".")
    else:
        raise NumberError(f"expected a number, got {original!r}")
    try:
        return Decimal(normal)
    except InvalidOperation:
        raise NumberError(f"expected a number, got {original!r}") from None
