"""Money: cents as int64, named rounding modes, and euro formatting in Dutch and English."""

from __future__ import annotations

from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal, localcontext
from enum import StrEnum

import numpy as np

from budgetcalc.exact import Fixed, Int64Array, check_fits, decimal_places, decimal_to_units, max_abs

CENT = Decimal("0.01")


class RoundingMode(StrEnum):
    """How an amount between two multiples of the step is rounded."""

    HALF_UP = "half_up"
    """To the nearest multiple; a tie goes away from zero (rekenkundig afronden)."""
    HALF_EVEN = "half_even"
    """To the nearest multiple; a tie goes to the even multiple (bankers' rounding)."""
    UP = "up"
    """To the next multiple towards plus infinity (naar boven, ceiling)."""
    DOWN = "down"
    """To the next multiple towards minus infinity (naar beneden, floor)."""


def round_to_step(amount: Fixed, step: Decimal, mode: RoundingMode) -> Int64Array:
    """Round exact amounts to a multiple of ``step`` euros; the result is in cents.

    ``step`` must be a positive whole number of cents (0.01, 1, 10, 100, ...).
    """
    return round_to_cents_step(amount, np.int64(decimal_to_units(step, 2)), mode)


def round_to_cents_step(amount: Fixed, step_cents: Int64Array | np.int64, mode: RoundingMode) -> Int64Array:
    """Round exact amounts to multiples of ``step_cents`` (positive whole cents, one per scenario row
    or one for all); the result is in cents."""
    scale = max(amount.scale, 2)
    units = amount.rescaled(scale).units
    factor = 10 ** (scale - 2)
    steps = np.asarray(step_cents, dtype=np.int64)
    check_fits(max_abs(steps) * factor, "the rounding step at this precision")
    step_units = steps * np.int64(factor)
    quotient, remainder = np.divmod(units, step_units)  # floor division: 0 <= remainder < step
    if mode is RoundingMode.DOWN:
        rounded = quotient
    elif mode is RoundingMode.UP:
        rounded = quotient + (remainder != 0)
    else:
        twice = 2 * remainder
        above_half = twice > step_units
        tie = twice == step_units
        # Half up goes away from zero; for negatives the floor already is away from zero.
        tie_goes_up = units >= 0 if mode is RoundingMode.HALF_UP else quotient % 2 == 1
        rounded = quotient + (above_half | (tie & tie_goes_up))
    check_fits(max_abs(rounded) * max_abs(steps), "a rounded amount")
    return np.asarray(rounded * steps, dtype=np.int64)


def cents_to_decimal(cents: int) -> Decimal:
    """Exact euros with two decimals."""
    return Decimal(int(cents)).scaleb(-2).quantize(CENT)


def format_plain(cents: int) -> str:
    """Machine-readable euros: ``7682.52``, ``-12.00``."""
    return f"{cents_to_decimal(cents):.2f}"


def format_euro(amount: int | Decimal, lang: str = "nl") -> str:
    """Human-readable euros: ``€ 7.682,52`` (nl) or ``€7,682.52`` (en).

    An ``int`` is cents; a ``Decimal`` is euros and keeps any digits below a cent.
    """
    if isinstance(amount, int):  # whole cents: integer arithmetic, fast enough for every area of a report
        whole, part = divmod(abs(amount), 100)
        sign = "-" if amount < 0 else ""
        if lang == "nl":
            return f"{sign}€ {whole:,}".replace(",", ".") + f",{part:02d}"
        return f"{sign}€{whole:,}.{part:02d}"
    euros = amount
    if euros == euros.to_integral_value() or decimal_places(euros) <= 2:
        euros = euros.quantize(CENT)
    sign = "-" if euros < 0 else ""
    text = f"{abs(euros):,f}"
    if lang == "nl":
        text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
        return f"{sign}€ {text}"
    return f"{sign}€{text}"


def format_number(value: Decimal | int, lang: str = "nl") -> str:
    """A count or rate for people: ``1.234`` / ``1,68`` (nl) or ``1,234`` / ``1.68`` (en)."""
    if isinstance(value, int):  # no decimal point: only the grouping differs
        return f"{value:,}".replace(",", ".") if lang == "nl" else f"{value:,}"
    text = f"{value.normalize():,f}"
    if lang == "nl":
        return text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return text


def decimal_to_cents(amount: Decimal) -> int:
    """Exact euros as whole cents; an amount below a cent is a programming error here."""
    cents = decimal_to_units(amount, 2)
    check_fits(abs(cents), f"the amount {amount}")
    return cents


_DECIMAL_MODES = {
    RoundingMode.HALF_UP: ROUND_HALF_UP,  # Decimal's half up goes away from zero, as the rule means
    RoundingMode.HALF_EVEN: ROUND_HALF_EVEN,
    RoundingMode.UP: ROUND_CEILING,
    RoundingMode.DOWN: ROUND_FLOOR,
}


def round_decimal(value: Decimal, step: Decimal, mode: RoundingMode) -> Decimal:
    """One exact value rounded to a multiple of ``step`` with a named mode (a rule file's indexation)."""
    with localcontext() as context:
        context.prec = 60
        return (value / step).to_integral_value(rounding=_DECIMAL_MODES[mode]) * step
