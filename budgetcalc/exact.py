"""Exact decimal vectors: int64 units of ``10**-scale``, never binary floats.

A :class:`Fixed` holds one exact decimal per area. Sums align scales, products add them, and
every operation checks that the result still fits in int64, so an overflow is an error rather
than a silently wrong amount.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
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


def _fitting(estimate: int, exact: Callable[[], int], what: str) -> int:
    """``estimate`` where it fits in int64; else the bound from the actual values, or an error."""
    if estimate <= INT64_LIMIT:
        return estimate
    actual = exact()
    check_fits(actual, what)
    return actual


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
    """Exact decimals: ``units * 10**-scale`` for each area (or each scenario and area).

    ``bound`` is a known upper bound of ``|units|``, carried through sums, products and rescaling,
    so that the overflow checks of a (scenarios x areas) matrix cost nothing where the values are
    far from the limit; where a bound passes the limit the actual values decide.
    """

    units: Int64Array
    scale: int
    bound: int | None = field(default=None, compare=False, repr=False)

    @classmethod
    def constant(cls, value: Decimal, size: int) -> Fixed:
        """The same exact ``value`` for ``size`` areas."""
        scale = decimal_places(value)
        units = decimal_to_units(value, scale)
        check_fits(abs(units), f"amount {value}")
        return cls(np.full(size, units, dtype=np.int64), scale, abs(units))

    def __len__(self) -> int:
        return int(self.units.size)

    def limit(self) -> int:
        """An upper bound of ``|units|``: the known one, else the largest actual value."""
        if self.bound is None:
            object.__setattr__(self, "bound", max_abs(self.units))
        assert self.bound is not None
        return self.bound

    def _exact_limit(self) -> int:
        """The largest actual ``|units|``: for the checks where a bound is not good enough."""
        return max_abs(self.units)

    def rescaled(self, scale: int) -> Fixed:
        """The same values at a finer ``scale`` (never coarser: that could lose digits)."""
        if scale < self.scale:
            raise ValueError("rescaling to a coarser scale would lose digits")
        if scale == self.scale:
            return self
        factor = 10 ** (scale - self.scale)
        check_fits(factor, "the precision of an intermediate amount (too many decimals)")
        bound = _fitting(
            self.limit() * factor, lambda: self._exact_limit() * factor, "an intermediate amount"
        )
        return Fixed(self.units * np.int64(factor), scale, bound)

    def __add__(self, other: Fixed) -> Fixed:
        scale = max(self.scale, other.scale)
        left, right = self.rescaled(scale), other.rescaled(scale)
        bound = _fitting(
            left.limit() + right.limit(), lambda: left._exact_limit() + right._exact_limit(), "a sum"
        )
        return Fixed(left.units + right.units, scale, bound)

    def __sub__(self, other: Fixed) -> Fixed:
        return self + Fixed(-other.units, other.scale, other.bound)

    def __mul__(self, other: Fixed) -> Fixed:
        bound = _fitting(
            self.limit() * other.limit(), lambda: self._exact_limit() * other._exact_limit(), "a product"
        )
        return Fixed(self.units * other.units, self.scale + other.scale, bound)

    def where(self, mask: BoolArray, other: Fixed) -> Fixed:
        """``self`` where ``mask`` holds, else ``other``."""
        scale = max(self.scale, other.scale)
        left, right = self.rescaled(scale), other.rescaled(scale)
        units = np.where(mask, left.units, right.units).astype(np.int64, copy=False)
        return Fixed(units, scale, max(left.limit(), right.limit()))

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
            return np.ones(self.units.shape, dtype=np.bool_)
        return np.asarray(self.units % (10 ** (self.scale - 2)) == 0, dtype=np.bool_)

    def to_cents(self) -> Int64Array:
        """Whole cents; callers check :meth:`is_whole_cents` first (digits below a cent are cut).
        At scale 2 these are the units themselves, not a copy."""
        if self.scale == 2:
            return self.units
        if self.scale < 2:
            return self.rescaled(2).units
        return (self.units // np.int64(10 ** (self.scale - 2))).astype(np.int64)

    def decimal_at(self, index: int | tuple[int, int]) -> Decimal:
        """The exact value for one area (or one scenario and area), as a Decimal."""
        return Decimal(int(self.units[index])).scaleb(-self.scale)
