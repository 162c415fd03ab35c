"""Many scenarios at once: 10,000 values of a rate over the 14,574 national CBS buurten in one call.

Run: .venv/bin/python benchmarks/bench_scenarios.py [SCENARIOS]

Prints figures and ratios measured in one run of this script; it asserts nothing.

(a) at once:   compile the plan once, then ``evaluate_blocks`` over all scenarios, keeping each
               scenario's grand total (the full scenarios x areas matrix would be 1.2 GB)
(b) allocate loop: ``allocate`` per scenario with the rate written into the rule set, the population's
               area index cached; timed on a sample of scenarios and scaled up
(c) the same with the area index built again for every scenario
(d) one scenario per call of ``evaluate_block`` on the same compiled plan: the floor a loop can reach
(e) ratios to (a); the targets are (b) at least 10x and (c) 100x, (a) under 3 s and 1 GB

The rule is Het Hogeland's (EUR 6,567 + a rate per inhabitant) applied to every buurt; the rates run
from EUR 0.01 to EUR 100.00 in steps of a cent, so every amount is whole cents.
"""

from __future__ import annotations

import dataclasses
import platform
import resource
import sys
import time
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd

from budgetcalc import allocate, load_ruleset
from budgetcalc.engine.evaluate import evaluate_block, evaluate_blocks
from budgetcalc.engine.parameters import Scenarios, with_values
from budgetcalc.engine.plan import compile_plan
from budgetcalc.population import Population

ROOT = Path(__file__).resolve().parent.parent
NATIONAL = ROOT / "data" / "cbs-kwb-2024-inhabitants.csv"
RULES = ROOT / "rules" / "het-hogeland.toml"
RATE = "components.dorpsbudget.rate"
SAMPLE_CACHED = 200
SAMPLE_UNCACHED = 20


def peak_mb() -> float:
    """The process's peak resident memory so far, in MB (Linux reports kilobytes)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    frame = pd.read_csv(NATIONAL, dtype={"code": str})
    buurten = frame[frame["level"] == "buurt"].drop(columns=["municipality_code", "municipality_name"])
    population = Population.from_frame(buurten)
    ruleset = load_ruleset(RULES)
    rates = [Decimal(cents) / 100 for cents in range(1, count + 1)]
    print(f"python {platform.python_version()}, numpy {np.__version__}; {len(population):,} areas")
    print(f"{count:,} scenarios of {RATE}; memory before: {peak_mb():,.0f} MB peak")

    start = time.perf_counter()
    plan = compile_plan(ruleset, population)
    scenarios = Scenarios.of(plan.parameters, {RATE: rates})
    totals: list[int] = []
    failed = 0
    for block in evaluate_blocks(plan, scenarios):
        totals.extend(int(value) for value in block.total.sum(axis=1, dtype=np.int64).tolist())
        failed += len(block.errors)
    at_once = time.perf_counter() - start
    print(f"(a) at once:        {at_once:8.3f} s   peak memory {peak_mb():,.0f} MB   failed {failed}")

    inhabitants = int(population.frame["inhabitants"].sum())
    expected_last = (6_567 * len(population) * 100) + int(rates[-1] * 100) * inhabitants
    print(f"    check: last scenario's grand total {totals[-1]:,} cents; by hand {expected_last:,}")

    start = time.perf_counter()
    for rate in rates[:SAMPLE_UNCACHED]:
        allocate(population, with_values(ruleset, {RATE: rate}), allow_other_municipality=True)
    cached = (time.perf_counter() - start) / SAMPLE_UNCACHED * count
    print(f"(b) allocate loop, area index cached:   {cached:8.3f} s   (from {SAMPLE_UNCACHED} scenarios)")

    start = time.perf_counter()
    for rate in rates[:SAMPLE_UNCACHED]:
        fresh = dataclasses.replace(population)  # a new population object: its area index is built again
        allocate(fresh, with_values(ruleset, {RATE: rate}), allow_other_municipality=True)
    uncached = (time.perf_counter() - start) / SAMPLE_UNCACHED * count
    print(f"(c) allocate loop, area index rebuilt:  {uncached:8.3f} s   (from {SAMPLE_UNCACHED} scenarios)")

    start = time.perf_counter()
    for rate in rates[:SAMPLE_CACHED]:
        evaluate_block(plan, Scenarios.of(plan.parameters, {RATE: [rate]}))
    lean = (time.perf_counter() - start) / SAMPLE_CACHED * count
    print(f"(d) one scenario per evaluate_block:    {lean:8.3f} s   (from {SAMPLE_CACHED} scenarios)")
    print(
        f"(e) ratios to (a): (b) {cached / at_once:,.1f}x (target 10x), (c) {uncached / at_once:,.1f}x",
        end="",
    )
    print(f" (target 100x), (d) {lean / at_once:,.1f}x")


if __name__ == "__main__":
    main()
