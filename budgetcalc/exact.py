"""Exact decimal vectors: int64 units of ``10**-scale``, never binary floats.

A :class:`Fixed` holds one exact decimal per area. Sums align scales, products add them, and
every operation checks that the result still fits in int64, so an overflow is an error rather
than a silently wrong amount.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import numpy as np
import numpy.typing as npt

from budgetcalc.errors import AllocationError

Int64Array = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

INT64_LIMIT = 2**63 - 1


def decimal_places(value: Decimal) -> int:
    """Number of digits after the decimal point needed to hold ``value`` exactly."""
    exponent = value.normalize().as_tuple().exponent
    assert isinstance(exponent, int), f"not a finite number: {value}"
    return max(0, -exponent)


def decimal_to_units(value: Decimal, scale: int) -> int:
    """``value`` as an integer number of ``10**-scale`` units; it must fit exactly."""
    scaled = value.scaleb(scale)
    if scaled != scaled.to_integral_value():
        raise ValueError(f"{value} has more than {scale} decimals")
    return int(scaled)


def max_abs(units: Int64Array) -> int:
    if units.size == 0:
        return 0
    return max(abs(int(units.max())), abs(int(units.min())))


def check_fits(bound: int, what: str) -> None:
    if bound > INT64_LIMIT:
        raise AllocationError(f"{what} is too large to compute exactly (over 9.2e18 units)")


def checked_sum(units: Int64Array, what: str = "a total") -> int:
    """The exact sum of ``units``, or an AllocationError if it does not fit in int64.

    numpy's ``sum`` wraps around silently; this never returns a wrapped sum. When no partial sum can
    leave int64 the fast numpy sum is exact; otherwise the values are added as Python integers.
    """
    if max_abs(units) * units.size <= INT64_LIMIT:
        return int(units.sum())
    total = sum(units.tolist())
    check_fits(abs(total), what)
    return int(total)


@dataclass(frozen=True)
class Fixed:
    """Exact decimals: ``units * 10**-scale`` for each area."""

    units: Int64Array
    scale: int

    @classmethod
    def constant(cls, value: Decimal, size: int) -> Fixed:
        """The same exact ``value`` for ``size`` areas."""
        scale = decimal_places(value)
        units = decimal_to_units(value, scale)
        check_fits(abs(units), f"amount {value}")
        return cls(np.full(size, units, dtype=np.int64), scale)

    @classmethod
    def zeros(cls, size: int) -> Fixed:
        return cls(np.zeros(size, dtype=np.int64), 0)

    @classmethod
    def from_cents(cls, cents: Int64Array) -> Fixed:
        return cls(np.asarray(cents, dtype=np.int64), 2)

    def __len__(self) -> int:
        return int(self.units.size)

    def rescaled(self, scale: int) -> Fixed:
        """The same values at a finer ``scale`` (never coarser: that could lose digits)."""
        if scale < self.scale:
            raise ValueError("rescaling to a coarser scale would lose digits")
        if scale == self.scale:
            return self
        factor = 10 ** (scale - self.scale)
        check_fits(factor, "the precision of an intermediate amount (too many decimals)")
        check_fits(max_abs(self.units) * factor, "an intermediate amount")
        return Fixed(self.units * np.int64(factor), scale)

    def __add__(self, other: Fixed) -> Fixed:
        scale = max(self.scale, other.scale)
        left, right = self.rescaled(scale), other.rescaled(scale)
        check_fits(max_abs(left.units) + max_abs(right.units), "a sum")
        return Fixed(left.units + right.units, scale)

    def __sub__(self, other: Fixed) -> Fixed:
        return self + Fixed(-other.units, other.scale)

    def __mul__(self, other: Fixed) -> Fixed:
        check_fits(max_abs(self.units) * max_abs(other.units), "a product")
        return Fixed(self.units * other.units, self.scale + other.scale)

    def where(self, mask: BoolArray, other: Fixed) -> Fixed:
        """``self`` where ``mask`` holds, else ``other``."""
        scale = max(self.scale, other.scale)
        left, right = self.rescaled(scale), other.rescaled(scale)
        return Fixed(np.where(mask, left.units, right.units).astype(np.int64), scale)

    def compare(self, other: Fixed) -> Int64Array:
        """-1, 0 or 1 per area as ``self`` is below, equal to or above ``other``."""
        scale = max(self.scale, other.scale)
        left, right = self.rescaled(scale), other.rescaled(scale)
        above = left.units > right.units
        below = left.units < right.units
        return np.asarray(above.astype(np.int64) - below.astype(np.int64), dtype=np.int64)

    def is_whole_cents(self) -> BoolArray:
        """True where the value is a whole number of cents."""
        if self.scale <= 2:
            return np.ones(self.units.size, dtype=np.bool_)
        return np.asarray(self.units % (10 ** (self.scale - 2)) == 0, dtype=np.bool_)

    def to_cents(self) -> Int64Array:
        """Whole cents; callers check :meth:`is_whole_cents` first (digits below a cent are cut)."""
        if self.scale <= 2:
            factor = 10 ** (2 - self.scale)
            check_fits(max_abs(self.units) * factor, "an amount")
            return (self.units * np.int64(factor)).astype(np.int64)
        return (self.units // np.int64(10 ** (self.scale - 2))).astype(np.int64)

    def decimal_at(self, index: int | tuple[int, int]) -> Decimal:
        """The exact value for one area (or one scenario and area), as a Decimal."""
        return Decimal(int(self.units[index])).scaleb(-self.scale)
