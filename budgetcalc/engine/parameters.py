"""The values of a rule set apart from its structure: every amount, rate, bound and step at a dotted
path, and many sets of those values (scenarios) as exact int64 columns.

A path is written as rule-file errors name keys, lists counting from 1::

    components.dorpsbudget.fixed
    components.basis.staffel.brackets[2].rate
    components.basis.staffel.brackets[2].below
    components.dorpsbudget.per_area.Warstiens
    components.dorpsbudget.rounding.step
    total.minimum
    exceptions[1].amount

A scenario overrides some of these values; every other value is the rule file's own.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

import numpy as np
from pydantic import BaseModel, ValidationError

from budgetcalc.errors import RuleError
from budgetcalc.exact import Fixed, Int64Array, check_fits, decimal_places, decimal_to_units
from budgetcalc.ruleset.amount import MAX_EUROS, MAX_RATE_DECIMALS, Amount
from budgetcalc.ruleset.load import plain_messages
from budgetcalc.ruleset.locate import KeyPath, dotted
from budgetcalc.ruleset.model import Component, PotKind, RuleSet, ShareBy


class ValueKind(StrEnum):
    """What a value is, and so which values a scenario may give it."""

    MONEY = "money"
    """An amount in euros: whole cents."""
    RATE = "rate"
    """An amount per unit (inhabitant, hectare): at most MAX_RATE_DECIMALS decimals."""
    BOUND = "bound"
    """A bracket bound on a count."""
    STEP = "step"
    """A rounding step: a positive whole number of cents."""
    WEIGHT = "weight"
    """The weight of a pot's key: more than 0."""
    POT = "pot"
    """The amount of a pot, ceiling or levy: whole cents, 0 or more."""
    PERCENT = "percent"
    """A percentage (10 is 10 %): 0 or more, at most MAX_RATE_DECIMALS decimals."""
    LIMIT = "limit"
    """A limit on a change (transition, carry-over): whole cents, 0 or more."""
    YEARS = "years"
    """A number of years: a whole number, 1 or more."""


Collect = Callable[[KeyPath, "ValueKind", Amount | Decimal | None], None]
"""What ``rule_parameters`` hands its helpers to record a value."""


@dataclass(frozen=True)
class Parameter:
    """One value of the rule set: where it stands, what it is, and the rule file's own value."""

    path: str
    key: KeyPath
    kind: ValueKind
    value: Decimal


def rule_parameters(ruleset: RuleSet) -> dict[str, Parameter]:
    """Every value of the rule set by its dotted path, in rule-file order."""
    found: list[Parameter] = []

    def add(key: KeyPath, kind: ValueKind, amount: Amount | Decimal | None) -> None:
        if amount is not None:
            value = amount.value if isinstance(amount, Amount) else amount
            found.append(Parameter(dotted(key), key, kind, value))

    for name, component in ruleset.components.items():
        _component_parameters(("components", name), component, add)
    for name, pot in ruleset.pots.items():
        base = ("pots", name)
        add((*base, "amount"), ValueKind.POT, pot.amount)
        if pot.kind is PotKind.SHARE and pot.share_by is ShareBy.KEYS:
            for index, key in enumerate(pot.keys):
                add((*base, "keys", index, "weight"), ValueKind.WEIGHT, key.weight)
        add((*base, "step"), ValueKind.STEP, pot.step)
        add((*base, "minimum"), ValueKind.MONEY, pot.minimum)
        add((*base, "maximum"), ValueKind.MONEY, pot.maximum)  # for a shared pot only (validated)
    if ruleset.total is not None:
        add(("total", "minimum"), ValueKind.MONEY, ruleset.total.minimum)
        add(("total", "maximum"), ValueKind.MONEY, ruleset.total.maximum)
        if ruleset.total.rounding is not None:
            add(("total", "rounding", "step"), ValueKind.STEP, ruleset.total.rounding.step)
    for index, exception in enumerate(ruleset.exceptions):
        add(("exceptions", index, "amount"), ValueKind.MONEY, exception.amount)
    _transition_parameters(ruleset, add)
    return {parameter.path: parameter for parameter in found}


def _component_parameters(base: KeyPath, component: Component, add: Collect) -> None:
    add((*base, "fixed"), ValueKind.MONEY, component.fixed)
    add((*base, "rate"), ValueKind.RATE, component.rate)
    if component.staffel is not None:
        for index, bracket in enumerate(component.staffel.brackets):
            key = (*base, "staffel", "brackets", index)
            for bound in ("from", "above", "below", "through"):
                add((*key, bound), ValueKind.BOUND, getattr(bracket, "from_" if bound == "from" else bound))
            add((*key, "fixed"), ValueKind.MONEY, bracket.fixed)
            add((*key, "rate"), ValueKind.RATE, bracket.rate)
    for reference, amount in (component.per_area or {}).items():
        add((*base, "per_area", reference), ValueKind.MONEY, amount)
    add((*base, "minimum"), ValueKind.MONEY, component.minimum)
    add((*base, "maximum"), ValueKind.MONEY, component.maximum)
    if component.rounding is not None:
        add((*base, "rounding", "step"), ValueKind.STEP, component.rounding.step)


def _transition_parameters(ruleset: RuleSet, add: Collect) -> None:
    """The values of ``[transition]`` and ``[carry_over]``."""
    transition = ruleset.transition
    if transition is not None:
        add(("transition", "max_increase_percent"), ValueKind.PERCENT, transition.max_increase_percent)
        add(("transition", "max_decrease_percent"), ValueKind.PERCENT, transition.max_decrease_percent)
        add(("transition", "max_increase"), ValueKind.LIMIT, transition.max_increase)
        add(("transition", "max_decrease"), ValueKind.LIMIT, transition.max_decrease)
        add(("transition", "floor"), ValueKind.LIMIT, transition.floor)
        if transition.phase is not None:
            add(("transition", "phase", "years"), ValueKind.YEARS, Decimal(transition.phase.years))
            add(("transition", "phase", "rounding", "step"), ValueKind.STEP, transition.phase.rounding.step)
    carry = ruleset.carry_over
    if carry is not None:
        add(("carry_over", "maximum"), ValueKind.LIMIT, carry.maximum)
        if carry.max_years is not None:
            add(("carry_over", "max_years"), ValueKind.YEARS, Decimal(carry.max_years))


def with_values(ruleset: RuleSet, values: Mapping[str, Decimal]) -> RuleSet:
    """The rule set with ``values`` written in at their paths, validated again as a rule file is; a value
    the rule file would refuse is a RuleError naming its path."""
    parameters = rule_parameters(ruleset)
    document = ruleset.document()
    for path, value in values.items():
        key = parameters[path].key
        target: Any = document
        for depth, part in enumerate(key[:-1]):
            if isinstance(target, dict) and part not in target:  # left out as a default: write it out
                target[part] = _document_of(model_at(ruleset, key[: depth + 1]))
            target = target[part]
        current = target.get(key[-1]) if isinstance(target, dict) else target[key[-1]]
        if isinstance(current, dict):
            current["value"] = str(value)
        else:
            target[key[-1]] = str(value)
    try:
        return RuleSet.model_validate(document).with_lines(ruleset._lines)
    except ValidationError as error:
        raise RuleError(f"{', '.join(values)}: {plain_messages(error)}") from None


def model_at(ruleset: RuleSet, key: KeyPath) -> Any:
    """The part of the rule set at a key path (``("pots", "p", "keys")``), as the model holds it."""
    found: Any = ruleset
    for part in key:
        if isinstance(part, int) or isinstance(found, dict):
            found = found[part]
        else:
            found = getattr(found, "from_" if part == "from" else part)
    return found


def _document_of(found: Any) -> Any:
    if isinstance(found, BaseModel):
        return found.model_dump(mode="json", by_alias=True, exclude_none=True, exclude_defaults=True)
    if isinstance(found, list | tuple):
        return [_document_of(item) for item in found]
    return str(found) if isinstance(found, Decimal) else found


CALIBRATABLE = frozenset({ValueKind.RATE, ValueKind.MONEY, ValueKind.POT})
"""The kinds of value a calibration may look for: rates and amounts (not bounds, steps or weights)."""


def calibration_problem(parameters: Mapping[str, Parameter], path: str) -> str | None:
    """Why ``path`` cannot be calibrated, naming the paths that can; None where it can."""
    found = parameters.get(path)
    if found is not None and found.kind in CALIBRATABLE:
        return None
    choices = [name for name, parameter in parameters.items() if parameter.kind in CALIBRATABLE]
    return f"not a rate or amount of this rule set (these are: {', '.join(choices)})"


def value_problem(kind: ValueKind, value: Decimal) -> str | None:
    """Why ``value`` cannot stand for a value of this kind, or None where it can."""
    if not value.is_finite():
        return f"{value} is not a number"
    if abs(value) > MAX_EUROS:
        return f"{value} is more than {MAX_EUROS:,} euro".replace(",", ".")
    places = decimal_places(value)
    if kind in (ValueKind.MONEY, ValueKind.STEP, ValueKind.POT, ValueKind.LIMIT) and places > 2:
        return f"{value} is not a whole number of cents"
    if kind in (ValueKind.PERCENT, ValueKind.LIMIT) and value < 0:
        return f"{value} is below 0; a limit is 0 or more"
    if kind is ValueKind.YEARS and (places > 0 or value < 1 or value > 100):
        return f"{value} is not a whole number of years from 1 to 100"
    if kind is ValueKind.STEP and value <= 0:
        return f"a rounding step must be more than 0, got {value}"
    if kind is ValueKind.POT and value < 0:
        return f"a pot's amount must be 0 or more, got {value}"
    if kind is ValueKind.WEIGHT and value <= 0:
        return f"a weight must be more than 0, got {value}"
    if kind in (ValueKind.RATE, ValueKind.PERCENT) and places > MAX_RATE_DECIMALS:
        return f"{value} has too many decimals ({places}); a rate may have at most {MAX_RATE_DECIMALS}"
    return None


@dataclass(frozen=True)
class Scenarios:
    """S sets of values for a rule set: per overridden path one exact column of S values.

    Paths not overridden take the rule file's value in every scenario.
    """

    size: int
    columns: Mapping[str, Fixed]
    """Overridden paths: exact values of shape (S, 1), one row per scenario."""
    parameters: Mapping[str, Parameter]
    invalid: Mapping[int, str] = field(default_factory=dict)
    """Scenarios given a value that does not fit its kind (too large, too many decimals): reported as
    failed, computed with the rule file's own value in its place."""

    @classmethod
    def of(
        cls,
        ruleset_or_parameters: RuleSet | Mapping[str, Parameter],
        values: Mapping[str, Sequence[object] | object] | None = None,
    ) -> Scenarios:
        """Scenarios from ``{path: [value per scenario]}``; a single value counts for every scenario.

        Values are ``Decimal``, ``int`` or text such as ``"1.68"`` (never binary floats). A path the
        rule set does not have, a value that is not a number, or lists of different lengths are
        errors naming the path; a value that does not fit its kind (cents, decimals) too.
        """
        parameters = (
            rule_parameters(ruleset_or_parameters)
            if isinstance(ruleset_or_parameters, RuleSet)
            else ruleset_or_parameters
        )
        given = dict(values or {})
        lengths = {
            len(v) for v in given.values() if isinstance(v, Sequence | np.ndarray) and not isinstance(v, str)
        }
        if len(lengths) > 1:
            raise RuleError(f"scenario values of different lengths: {sorted(lengths)}")
        size = lengths.pop() if lengths else 1
        columns = {}
        invalid: dict[int, str] = {}
        for path, column in given.items():
            parameter = parameters.get(path)
            if parameter is None:
                raise RuleError(unknown_path(path, parameters))
            if isinstance(column, Sequence | np.ndarray) and not isinstance(column, str):
                row = list(column)
            else:
                row = [column] * size
            exact = [_decimal(value, path) for value in row]
            for number, value in enumerate(exact):
                problem = value_problem(parameter.kind, value)
                if problem:
                    invalid.setdefault(number, f"{path}: {problem}")
                    exact[number] = parameter.value
            columns[path] = _exact_column(parameter, exact)
        return cls(size, columns, parameters, invalid)

    def value(self, path: str) -> Fixed:
        """The values at ``path`` for every scenario, shape (S, 1) or (1, 1) where not overridden."""
        found = self.columns.get(path)
        if found is not None:
            return found
        return constant(self.parameters[path].value)

    def cents(self, path: str) -> Int64Array:
        """Money values at ``path`` as whole cents, shape (S, 1) or (1, 1) (see :meth:`problems`)."""
        return self.value(path).to_cents()

    def slice(self, start: int, stop: int) -> Scenarios:
        """Scenarios ``start`` up to ``stop``, each column at the fewest decimals its values need there: a
        scenario isolated after a failure is computed as it would be on its own."""
        columns = {
            path: _tightened(column.units[start:stop], column.scale) for path, column in self.columns.items()
        }
        invalid = {row - start: problem for row, problem in self.invalid.items() if start <= row < stop}
        return Scenarios(stop - start, columns, self.parameters, invalid)

    def problems(self) -> dict[int, str]:
        """Per scenario, the first value that does not fit its kind (for the scenarios that have one)."""
        found: dict[int, str] = dict(self.invalid)
        for path, column in self.columns.items():
            kind = self.parameters[path].kind
            for row, units in enumerate(column.units[:, 0].tolist()):
                if row in found:
                    continue
                problem = value_problem(kind, Decimal(units).scaleb(-column.scale))
                if problem:
                    found[row] = f"{path}: {problem}"
        return found


def _tightened(units: Int64Array, scale: int) -> Fixed:
    """The same values with trailing zero decimals dropped where every value has them."""
    while scale > 0 and units.size and not (units % 10).any():
        units = units // 10
        scale -= 1
    return Fixed(units, scale)


def constant(value: Decimal) -> Fixed:
    """One exact value, shape (1, 1): it broadcasts over scenarios and areas."""
    scale = decimal_places(value)
    units = decimal_to_units(value, scale)
    check_fits(abs(units), f"the value {value}")
    return Fixed(np.array([[units]], dtype=np.int64), scale)


def _exact_column(parameter: Parameter, values: list[Decimal]) -> Fixed:
    scale = max((decimal_places(value) for value in values), default=0)
    if scale > 18:
        raise RuleError(f"{parameter.path}: a value has {scale} decimals; too many to compute exactly")
    units = [decimal_to_units(value, scale) for value in values]
    check_fits(max((abs(unit) for unit in units), default=0), f"a value of {parameter.path}")
    return Fixed(np.array(units, dtype=np.int64).reshape(-1, 1), scale)


def _decimal(value: object, path: str) -> Decimal:
    if isinstance(value, bool | float):
        raise RuleError(f"{path}: give values as Decimal, int or text such as '1.68', not {value!r}")
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except InvalidOperation:
        raise RuleError(f"{path}: expected a number, got {value!r}") from None
    if not number.is_finite():
        raise RuleError(f"{path}: expected a finite number, got {value!r}")
    return number


def path_in_force(ruleset: RuleSet, path: str) -> str:
    """A path as the scenario matrix takes it: ``PATH@DATE`` is ``PATH`` where that date's entry is the one
    in force; another date's entry does not change this year's amounts, which is an error saying so."""
    from budgetcalc.ruleset.timeline import DATED_SEPARATOR, parse_date_key

    if DATED_SEPARATOR not in path:
        return path
    base, _, when = path.partition(DATED_SEPARATOR)
    dated = {value.path: value for value in ruleset.in_force.values} if ruleset.in_force else {}
    if base not in dated:
        raise RuleError(f"{path}: {base} is not given per date in the rule file")
    since = parse_date_key(when, where=path)
    in_force = dated[base].since
    if since != in_force:
        raise RuleError(
            f"{path}: the value from {since.isoformat()} is not the one in force in {ruleset.year()} "
            f"({base}{DATED_SEPARATOR}{in_force.isoformat()}); choose the year with --year, or change it "
            "with --set, which an indexation follows"
        )
    return base


def unknown_path(path: str, parameters: Mapping[str, Parameter]) -> str:
    """The message for a path the rule set does not have, with the closest one it has."""
    import difflib

    close = difflib.get_close_matches(path, list(parameters), n=1, cutoff=0.6)
    hint = f"; did you mean '{close[0]}'?" if close else ""
    return f"the rule set has no value at '{path}'{hint} (values: {', '.join(parameters)})"
