"""Exact numbers in rule files: Decimal only, optionally with their own source note."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, model_validator

from budgetcalc.ruleset.text import LongText


def exact_decimal(value: Any) -> Any:
    """Accept int, Decimal or a numeric string; refuse binary floats and booleans."""
    if isinstance(value, bool):
        raise ValueError("expected a number, got true/false")
    if isinstance(value, float):
        raise ValueError(
            f"got the binary float {value!r}; give it as an int, a Decimal or a string such as '1.68'"
        )
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, str):
        try:
            number = Decimal(value.strip())
        except InvalidOperation:
            raise ValueError(f"expected a number such as 1.68, got {value!r}") from None
        if not number.is_finite():
            raise ValueError(f"expected a finite number, got {value!r}")
        return number
    if isinstance(value, Decimal) and not value.is_finite():
        raise ValueError(f"expected a finite number, got {value}")
    return value


Number = Annotated[Decimal, BeforeValidator(exact_decimal)]
"""An exact decimal number from a rule file (TOML floats are read as Decimal)."""


class Amount(BaseModel):
    """A number in a rule file: plain (``6567``) or with a source (``{ value = 6567, source = "…" }``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    value: Number
    source: LongText | None = None
    note: LongText | None = None

    @model_validator(mode="before")
    @classmethod
    def _plain_number(cls, data: Any) -> Any:
        if isinstance(data, dict):
            return data
        return {"value": data}

    def __str__(self) -> str:
        return str(self.value)


MAX_EUROS = 10**12
"""No budget amount in a rule file is larger than a trillion euro; larger is a typing mistake."""


def _money(amount: Amount) -> Amount:
    """Whole cents, and not a Dutch thousands separator read as a decimal point (``2.500``)."""
    if abs(amount.value) > MAX_EUROS:
        raise ValueError(
            f"{amount.value} is more than {MAX_EUROS:,} euro: too large to be a budget".replace(",", ".")
        )
    exponent = amount.value.as_tuple().exponent
    if exponent == -3 and 1 <= abs(amount.value) < 1000:
        whole = amount.value.scaleb(3).to_integral_value()
        raise ValueError(
            f"{amount.value} has three decimals: for {whole:,} euro write {whole} "
            "(no thousands separator in rule files)".replace(",", ".")
        )
    if amount.value != amount.value.quantize(Decimal("0.01"), rounding="ROUND_DOWN"):
        raise ValueError(f"{amount.value} is not a whole number of cents")
    return amount


Money = Annotated[Amount, AfterValidator(_money)]
"""An amount of money in a rule file: whole cents."""


MAX_RATE_DECIMALS = 10
"""Decimals a rate may have: enough for any published rate, and exact in int64 with any count."""


def _rate(amount: Amount) -> Amount:
    if abs(amount.value) > MAX_EUROS:
        raise ValueError(
            f"{amount.value} is more than {MAX_EUROS:,} euro: too large to be a rate".replace(",", ".")
        )
    exponent = amount.value.normalize().as_tuple().exponent
    decimals = max(0, -exponent) if isinstance(exponent, int) else 0
    if decimals > MAX_RATE_DECIMALS:
        raise ValueError(
            f"{amount.value} has too many decimals ({decimals}); a rate may have at most "
            f"{MAX_RATE_DECIMALS}: round it as the decision does"
        )
    return amount


Rate = Annotated[Amount, AfterValidator(_rate)]
"""An amount per unit (inhabitant, household, hectare): any number of decimals, within reason."""
