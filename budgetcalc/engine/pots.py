"""Pots: an amount shared over the areas that take part, exact to the cent, in every scenario.

A share is computed in integers from the pot and the keys (pot x key / sum of keys), never through a
rounded rate: Borger-Odoorn's rate 55,000 / 16,085 per inhabitant is not a finite decimal. Shares are
whole multiples of the pot's step; the steps left after rounding every share down go one each to the
areas with the largest remainders, ties by area code, so the shares add up to the pot exactly (or
stay unallocated, where the rule says so). Minimums and maximums are met by fixing the areas that
pass them and sharing the rest again ("water filling"); the side that passes by more is fixed first,
which is exact and ends after at most one round per area.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

import numpy as np

from budgetcalc.errors import AllocationError
from budgetcalc.exact import INT64_LIMIT, BoolArray, Int64Array
from budgetcalc.ruleset.model import Leftover, LevySplit, Pot, PotKind, ShareBy

if TYPE_CHECKING:
    from budgetcalc.engine.parameters import Scenarios
    from budgetcalc.engine.plan import Plan, PotPlan

PROPORTIONAL = 0
AT_MINIMUM = -1
AT_MAXIMUM = 1


@dataclass(frozen=True)
class PotResult:
    """How one pot was shared, per scenario (rows) and area (columns); masks per area.

    ``numerators[s, i] / key_total[s]`` of ``free_pool[s]`` steps is area i's exact share where it is
    shared in proportion (state 0); ``state`` says where a minimum or maximum fixed it instead.
    """

    name: str
    rule: Pot
    eligible: BoolArray
    amount: Int64Array
    """The pot in cents, per scenario."""
    paid_first: Int64Array
    """Cents the components in ``minus`` already pay, per scenario."""
    step: Int64Array
    """The step in cents, per scenario."""
    free_pool: np.ndarray
    """Steps shared in proportion (after the areas a minimum or maximum fixed), per scenario."""
    key_total: np.ndarray
    numerators: np.ndarray
    state: Int64Array
    by_remainder: BoolArray
    """Areas that got one step more for the largest remainders."""
    unallocated: Int64Array
    """Cents of the pot no area got, per scenario."""
    cents: Int64Array
    reached: BoolArray
    """Per scenario: a ceiling was passed and scaled down to (always True for a share or levy)."""
    split: dict[str, Int64Array] = field(default_factory=dict)
    """A levy split over its components (``split = "pro_rata"``): each component's part, in cents."""

    @property
    def pool(self) -> Int64Array:
        """What is shared: the pot less what the components in ``minus`` pay, per scenario."""
        return np.asarray(self.amount - self.paid_first, dtype=np.int64)

    def row(self, scenario: int) -> PotResult:
        """One scenario's result, with arrays per area (and numbers for the per-scenario figures)."""
        return replace(
            self,
            amount=self.amount[scenario : scenario + 1],
            paid_first=self.paid_first[scenario : scenario + 1],
            step=self.step[scenario : scenario + 1],
            free_pool=self.free_pool[scenario : scenario + 1],
            key_total=self.key_total[scenario : scenario + 1],
            numerators=self.numerators[scenario],
            state=self.state[scenario],
            by_remainder=self.by_remainder[scenario],
            unallocated=self.unallocated[scenario : scenario + 1],
            cents=self.cents[scenario],
            reached=self.reached[scenario : scenario + 1],
            split={name: cents[scenario] for name, cents in self.split.items()},
        )


def evaluate_pot(
    pot: PotPlan,
    plan: Plan,
    values: Scenarios,
    components: dict[str, Int64Array],
    added: Int64Array | None = None,
) -> PotResult:
    """Share the pot in every scenario of ``values``; a pot that cannot be shared is an error.
    ``added`` (per scenario) is money returned to a shared pot on top of its amount (carry-over)."""
    if pot.rule.kind is not PotKind.SHARE:
        return _ceiling_or_levy(pot, plan, values, components)
    rows = values.size
    amount = np.broadcast_to(values.cents(f"{pot.path}.amount")[:, 0], (rows,)).copy()
    if added is not None:
        amount = amount + added
    step = np.broadcast_to(values.cents(f"{pot.path}.step")[:, 0], (rows,)).copy()
    paid = np.zeros(rows, dtype=np.int64)
    for part in pot.rule.minus:
        paid = paid + components[part].sum(axis=1, dtype=np.int64)
    minimum = _per_row(values, f"{pot.path}.minimum", rows) if pot.rule.minimum is not None else None
    maximum = _per_row(values, f"{pot.path}.maximum", rows) if pot.rule.maximum is not None else None
    numerators = _numerators(pot, values, rows)
    pool = amount - paid
    shared = _share_rows_at_once(pot, plan, pool, step, numerators, minimum, maximum)
    if shared is None:
        shared = _share_rows_one_by_one(pot, plan, pool, step, numerators, minimum, maximum)
    cents, state, bonus, free_pool, key_total, unallocated = shared
    return PotResult(
        name=pot.name,
        rule=pot.rule,
        eligible=pot.eligible,
        amount=amount,
        paid_first=paid,
        step=step,
        free_pool=free_pool,
        key_total=key_total,
        numerators=numerators,
        state=state,
        by_remainder=bonus,
        unallocated=unallocated,
        cents=cents,
        reached=np.ones(rows, dtype=np.bool_),
    )


Shares = tuple[Int64Array, Int64Array, BoolArray, np.ndarray, np.ndarray, Int64Array]
"""Per scenario and area: cents, state, one step by remainder; per scenario: steps shared, key total,
cents unallocated."""


def _share_rows_one_by_one(
    pot: PotPlan,
    plan: Plan,
    pool: Int64Array,
    step: Int64Array,
    numerators: np.ndarray,
    minimum: Int64Array | None,
    maximum: Int64Array | None,
) -> Shares:
    """Every scenario's shares in Python integers, row by row: exact at any size, with water filling."""
    results = [
        _share_row(
            pot,
            plan,
            int(pool[row]),
            int(step[row]),
            numerators[row],
            None if minimum is None else int(minimum[row]),
            None if maximum is None else int(maximum[row]),
        )
        for row in range(len(pool))
    ]
    shape = (len(pool), plan.size)
    cents = np.zeros(shape, dtype=np.int64)
    state = np.zeros(shape, dtype=np.int64)
    bonus = np.zeros(shape, dtype=np.bool_)
    for row, share in enumerate(results):
        cents[row], state[row], bonus[row] = share.cents, share.state, share.bonus
    return (
        cents,
        state,
        bonus,
        np.array([share.free_pool for share in results], dtype=object),
        np.array([share.key_total for share in results], dtype=object),
        np.array([share.unallocated for share in results], dtype=np.int64),
    )


def _share_rows_at_once(
    pot: PotPlan,
    plan: Plan,
    pool: Int64Array,
    step: Int64Array,
    numerators: np.ndarray,
    minimum: Int64Array | None = None,
    maximum: Int64Array | None = None,
) -> Shares | None:
    """Every scenario's shares at once in int64, the water filling of a minimum or maximum done for all
    scenarios in step (the same rounds as :func:`_share_row`, each scenario stopping when stable); None
    where a product could leave int64 or a scenario cannot be shared, for the exact row-by-row path
    (which also words the error). Returns what :data:`Shares` says."""
    keys = np.asarray(numerators)
    if keys.size == 0 or (pool < 0).any():
        return None
    rows, size = keys.shape
    eligible = np.broadcast_to(pot.eligible, (rows, size))
    steps, rest = np.divmod(pool, step)
    low = np.broadcast_to(minimum // step if minimum is not None else np.zeros(rows, np.int64), (rows,))
    high = None if maximum is None else np.broadcast_to(maximum // step, (rows,))
    largest = max((int(value) for value in keys.max(axis=1)), default=0)
    total = max((int(value) for value in keys.sum(axis=1)), default=0)
    bound = max(
        int(steps.max(initial=0)),
        int(low.max(initial=0)),
        int(high.max(initial=0)) if high is not None else 0,
    )
    if (largest + 1) * (bound + 1) > INT64_LIMIT or (total + 1) * (bound + 1) * 2 > INT64_LIMIT:
        return None
    if (low * eligible.sum(axis=1) > steps).any():
        return None  # a minimum the pot cannot pay: the row-by-row path says so
    counts = np.where(eligible, keys.astype(np.int64), 0)
    free = eligible.copy()
    fixed = np.zeros((rows, size), dtype=np.int64)
    state = np.zeros((rows, size), dtype=np.int64)
    active = np.ones(rows, dtype=np.bool_)
    for _ in range(size + 1):
        free_pool = steps - np.where(free, 0, fixed).sum(axis=1)
        key_total = np.where(free, counts, 0).sum(axis=1)
        empty = active & (key_total == 0)  # what is left free has key 0: its share is 0, or the minimum
        if (empty & free.any(axis=1) & ~(eligible & ~free).any(axis=1) & (free_pool > 0) & (low == 0)).any():
            return None  # nothing to share by: the row-by-row path says so
        at_low = free & (empty & (low > 0))[:, None]
        fixed = np.where(at_low, low[:, None], fixed)
        state = np.where(at_low, AT_MINIMUM, state)
        free &= ~at_low
        active &= ~empty
        exact = counts * free_pool[:, None]  # an area's exact share is exact / key_total steps
        ceiling = (high * key_total)[:, None] if high is not None else None
        over = free & (exact > ceiling) if ceiling is not None else np.zeros_like(free)
        under = free & (exact < (low * key_total)[:, None])
        over &= active[:, None]
        under &= active[:, None]
        changing = over.any(axis=1) | under.any(axis=1)
        if not changing.any():
            break
        high_total = high * key_total if high is not None else np.zeros(rows, np.int64)
        excess = np.where(over, exact, 0).sum(axis=1) - high_total * over.sum(axis=1)
        deficit = (low * key_total) * under.sum(axis=1) - np.where(under, exact, 0).sum(axis=1)
        cap_rows = over.any(axis=1) & (excess >= deficit)
        capped = over & cap_rows[:, None]
        floored = under & (changing & ~cap_rows)[:, None]
        if high is not None:
            fixed = np.where(capped, high[:, None], fixed)
        fixed = np.where(floored, low[:, None], fixed)
        state = np.where(capped, AT_MAXIMUM, np.where(floored, AT_MINIMUM, state))
        free &= ~(capped | floored)
        active &= changing
    free_pool = steps - np.where(free, 0, fixed).sum(axis=1)
    key_total = np.where(free, counts, 0).sum(axis=1)
    divisor = np.where(key_total == 0, 1, key_total)[:, None]
    floor, remainder = np.divmod(counts * free_pool[:, None], divisor)
    units = np.where(free, floor, np.where(eligible, fixed, 0))
    left = steps - units.sum(axis=1)
    bonus = np.zeros((rows, size), dtype=np.bool_)
    if pot.rule.leftover is Leftover.BY_REMAINDER:
        rank = np.empty(size, dtype=np.int64)
        rank[plan.code_order] = np.arange(size)
        ordered = np.where(free, remainder, -1)  # only areas shared in proportion take a step more
        order = np.lexsort((np.broadcast_to(rank, (rows, size)), -ordered), axis=-1)
        takes = (np.arange(size)[None, :] < left[:, None]) & (key_total > 0)[:, None]
        np.put_along_axis(bonus, order, takes, axis=-1)
        left = np.where(key_total > 0, 0, left)
    cents = (units + bonus) * step[:, None]
    return (
        np.asarray(cents, dtype=np.int64),
        state,
        bonus,
        free_pool.astype(object),
        key_total.astype(object),
        np.asarray(left * step + rest, dtype=np.int64),
    )


def _ceiling_or_levy(
    pot: PotPlan, plan: Plan, values: Scenarios, components: dict[str, Int64Array]
) -> PotResult:
    """A ceiling scales the components in ``on`` down in proportion where their total passes the
    amount; a levy takes the amount from the areas in proportion to those components. The pot's column
    holds what each area gives up (0 or negative); the share itself is computed as a shared pot's,
    by largest remainder, so the scaled amounts add up to the ceiling and the levies to the amount."""
    rows, size = values.size, plan.size
    name = f"pot '{pot.name}'"
    amount = np.broadcast_to(values.cents(f"{pot.path}.amount")[:, 0], (rows,)).copy()
    step = np.broadcast_to(values.cents(f"{pot.path}.step")[:, 0], (rows,)).copy()
    base = np.zeros((rows, size), dtype=np.int64)
    for part in pot.rule.on:
        base = base + components[part]
    base = np.where(pot.eligible, base, 0).astype(np.int64)
    if (base < 0).any():
        raise AllocationError(
            f"{name}: it works on amounts of 0 or more, but {', '.join(pot.rule.on)} is below 0"
        )
    cents = np.zeros((rows, size), dtype=np.int64)
    state = np.zeros((rows, size), dtype=np.int64)
    bonus = np.zeros((rows, size), dtype=np.bool_)
    free_pool, key_total, unallocated, reached_rows = [], [], [], []
    numerators = base.astype(object)
    for row in range(rows):
        total = int(base[row].sum())
        reached = pot.rule.kind is PotKind.LEVY or total > int(amount[row])
        reached_rows.append(reached)
        if pot.rule.kind is PotKind.LEVY and total < amount[row]:
            raise AllocationError(
                f"{name}: the levy of {int(amount[row]) / 100:,.2f} euro is more than the "
                f"{total / 100:,.2f} euro of {', '.join(pot.rule.on)} it is levied on".replace(",", " ")
            )
        if pot.rule.kind is PotKind.LEVY and total == 0 and amount[row] > 0:
            raise AllocationError(
                f"{name}: the areas that pay have 0 in {', '.join(pot.rule.on)}: nothing to levy on"
            )
        if not reached:
            free_pool.append(0)
            key_total.append(total)
            unallocated.append(0)
            continue
        share = _share_row(pot, plan, int(amount[row]), int(step[row]), numerators[row], None, None)
        given_up = base[row] - share.cents if pot.rule.kind is PotKind.CEILING else share.cents
        cents[row], state[row], bonus[row] = -given_up, share.state, share.bonus
        free_pool.append(share.free_pool)
        key_total.append(share.key_total)
        unallocated.append(share.unallocated)
    return PotResult(
        name=pot.name,
        rule=pot.rule,
        eligible=pot.eligible,
        amount=amount,
        paid_first=np.zeros(rows, dtype=np.int64),
        step=step,
        free_pool=np.array(free_pool, dtype=object),
        key_total=np.array(key_total, dtype=object),
        numerators=numerators,
        state=state,
        by_remainder=bonus,
        unallocated=np.array(unallocated, dtype=np.int64),
        cents=cents,
        reached=np.array(reached_rows, dtype=np.bool_),
        split=_levy_split(pot, components, -cents) if pot.rule.split is LevySplit.PRO_RATA else {},
    )


def _levy_split(pot: PotPlan, components: dict[str, Int64Array], levy: Int64Array) -> dict[str, Int64Array]:
    """Each area's levy over the components it is levied on, in proportion to their amounts: exact in
    Python integers per area, the cents left going to the largest remainders (ties in the order of ``on``)."""
    names = list(pot.rule.on)
    parts = np.stack([np.where(pot.eligible, components[name], 0) for name in names]).astype(object)
    base = parts.sum(axis=0)
    divisor = np.where(base == 0, 1, base)
    shared = parts * levy.astype(object)
    floor, remainder = shared // divisor, shared % divisor
    left = levy.astype(object) - floor.sum(axis=0)
    ranked = np.argsort(-remainder, axis=0, kind="stable")  # per area, components by remainder, then ``on``
    extra = np.zeros(parts.shape, dtype=np.int64)
    for rank in range(len(names)):
        np.put_along_axis(extra, ranked[rank : rank + 1], (left > rank).astype(np.int64)[None], axis=0)
    return {name: np.asarray(floor[index] + extra[index], dtype=np.int64) for index, name in enumerate(names)}


def _per_row(values: Scenarios, path: str, rows: int) -> Int64Array:
    return np.broadcast_to(values.cents(path)[:, 0], (rows,))


def _numerators(pot: PotPlan, values: Scenarios, rows: int) -> np.ndarray:
    """Per scenario and area, the area's weight in whole numbers (Python integers: exact at any size).

    One key: the count itself. Several keys, each with weight w and total K: the sum over keys of
    w x count x (the product of the other keys' totals), so that area i's share is its numerator over
    the sum of all numerators, which is ``sum_j w_j count_ij / K_j`` over ``sum_j w_j``.
    """
    size = len(pot.eligible)
    if pot.rule.share_by is ShareBy.EQUAL:
        return np.broadcast_to(np.where(pot.eligible, 1, 0).astype(np.int64), (rows, size))
    if len(pot.keys) == 1:  # one key: its weight does not matter, the counts are the numerators
        return np.broadcast_to(np.where(pot.eligible, pot.keys[0].units, 0).astype(np.int64), (rows, size))
    counts = [np.where(pot.eligible, key.units, 0).astype(object) for key in pot.keys]
    totals = [int(count.sum()) for count in counts]
    if len(totals) > 1 and 0 in totals and pot.eligible.any():
        empty = pot.rule.keys[totals.index(0)].per
        raise AllocationError(
            f"pot '{pot.name}': its key '{empty}' is 0 for every area that takes part, so its share "
            "cannot be weighed; fill in that column, or share by the other keys only"
        )
    weights = [values.value(path) for path in pot.weight_paths]
    scale = max(weight.scale for weight in weights)
    found = np.zeros((rows, size), dtype=object)
    for index, (count, weight) in enumerate(zip(counts, weights, strict=True)):
        others = 1
        for other, total in enumerate(totals):
            if other != index:
                others *= total
        units = np.broadcast_to(weight.rescaled(scale).units[:, 0], (rows,)).astype(object)
        found = found + units[:, None] * count[None, :] * others
    return found


@dataclass(frozen=True)
class _Share:
    cents: Int64Array
    state: Int64Array
    bonus: BoolArray
    free_pool: int
    key_total: int
    unallocated: int


def _share_row(
    pot: PotPlan,
    plan: Plan,
    pool_cents: int,
    step_cents: int,
    numerators: np.ndarray,
    minimum_cents: int | None,
    maximum_cents: int | None,
) -> _Share:
    """One scenario's shares, in Python integers (exact at any size)."""
    numerators = np.asarray(numerators).astype(object)
    name = f"pot '{pot.name}'"
    if pool_cents < 0:
        raise AllocationError(
            f"{name}: the components it pays first ({', '.join(pot.rule.minus)}) take "
            f"{-pool_cents / 100:,.2f} euro more than the pot holds".replace(",", " ")
        )
    eligible = pot.eligible
    steps, rest = divmod(pool_cents, step_cents)
    low = 0 if minimum_cents is None else minimum_cents // step_cents
    high = None if maximum_cents is None else maximum_cents // step_cents
    size = len(eligible)
    state = np.zeros(size, dtype=np.int64)
    fixed = np.zeros(size, dtype=object)  # steps of the areas a bound fixed
    free = eligible.copy()
    if low * int(eligible.sum()) > steps:
        raise AllocationError(
            f"{name}: {int(eligible.sum())} areas at the minimum of {low * step_cents / 100:,.2f} euro "
            f"need more than the {steps * step_cents / 100:,.2f} euro to share"
        )
    while True:
        free_pool = steps - int(fixed[~free & eligible].sum())
        key_total = int(numerators[free].sum())
        if key_total == 0:  # what is left free has 0 as its key: its share is 0, or the minimum
            if free.any() and not (eligible & ~free).any() and free_pool > 0 and low == 0:
                raise AllocationError(
                    f"{name}: every area that takes part has 0 as its key; there is nothing to share by"
                )
            if low:
                fixed[free], state[free], free = low, AT_MINIMUM, free & ~free
            break
        exact_times = numerators * free_pool  # an area's exact share is exact_times / key_total steps
        over = free & (exact_times > (high * key_total if high is not None else exact_times))
        under = free & (exact_times < low * key_total)
        if not over.any() and not under.any():
            break
        excess = sum(int(value) for value in exact_times[over]) - (high or 0) * key_total * int(over.sum())
        deficit = low * key_total * int(under.sum()) - sum(int(value) for value in exact_times[under])
        if over.any() and excess >= deficit:
            fixed[over], state[over], free = high, AT_MAXIMUM, free & ~over
        else:
            fixed[under], state[under], free = low, AT_MINIMUM, free & ~under
    units = np.where(eligible & ~free, fixed, 0).astype(object)
    remainders = np.zeros(size, dtype=object)
    if key_total:
        shared = numerators * free_pool
        units = np.where(free, shared // key_total, units)
        remainders = np.where(free, shared % key_total, 0)
    left = steps - int(units[eligible].sum())
    bonus = np.zeros(size, dtype=np.bool_)
    if left > 0 and key_total and pot.rule.leftover is Leftover.BY_REMAINDER:
        # the fractional parts of the shared areas add up to exactly ``left`` steps, each below one
        candidates = plan.code_order[free[plan.code_order]]  # by area code
        order = candidates[np.argsort(-remainders[candidates], kind="stable")]
        bonus[order[:left]] = True
        units = units + bonus
        left = 0
    cents = np.array([int(value) * step_cents for value in units], dtype=np.int64)
    return _Share(cents, state, bonus, free_pool, key_total, left * step_cents + rest)
