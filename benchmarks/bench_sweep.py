"""A sweep and a calibration over the national CBS buurten, against single `allocate` runs of the same file.

Run: .venv/bin/python benchmarks/bench_sweep.py [SCENARIOS]

Prints figures and ratios measured in one run of this script; it asserts nothing. The command lines are run
as subprocesses (end to end: start-up, reading, computing, writing), each best of three:

(a) budgetcalc allocate FILE --rules R -o out.xlsx          (one scenario, the council report)
(b) budgetcalc sweep FILE --rules R --vary RATE=... -o s.csv  (10,000 scenarios)
(c) budgetcalc calibrate FILE --rules R --vary RATE --envelope E
(d) ratios: (b)/(a), target at most 5; (c) target under 1 s; peak memory of (b), target under 1 GB

The rule is Het Hogeland's (EUR 6,567 + a rate per inhabitant) on every buurt, as a national rule set.
"""

from __future__ import annotations

import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NATIONAL = ROOT / "data" / "cbs-kwb-2024-statline-raw.csv"
RULE = "components.dorpsbudget.rate"


def best(arguments: list[str], runs: int = 3) -> tuple[float, float]:
    """The shortest wall time of ``runs`` runs, and the largest peak memory of a child, in MB."""
    program = str(Path(sys.executable).with_name("budgetcalc"))
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([program, *arguments], check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return min(times), resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    with tempfile.TemporaryDirectory() as folder:
        rules = Path(folder) / "national.toml"
        text = (ROOT / "rules" / "het-hogeland.toml").read_text(encoding="utf-8")
        rules.write_text(text.replace('municipality_code = "GM1966"', "national = true"), encoding="utf-8")
        common = [str(NATIONAL), "--level", "buurt", "--skip-suppressed", "--rules", str(rules)]
        single, _ = best(["allocate", *common, "-o", f"{folder}/out.xlsx", "--force"])
        stop = f"{count / 100:.2f}"
        swept, memory = best(
            ["sweep", *common, "--vary", f"{RULE}=0.01:{stop}:0.01", "-o", f"{folder}/s.csv", "--force"]
        )
        calibrated, _ = best(["calibrate", *common, "--vary", RULE, "--envelope", "150000000"])
    print(f"(a) allocate, one scenario, xlsx report: {single:7.3f} s")
    print(f"(b) sweep, {count:,} scenarios:            {swept:7.3f} s   peak memory {memory:,.0f} MB")
    print(f"(c) calibrate:                          {calibrated:7.3f} s")
    print(f"(d) sweep / allocate: {swept / single:.2f} (target at most 5);", end=" ")
    print(f"calibrate under 1 s: {calibrated < 1}")


if __name__ == "__main__":
    main()
