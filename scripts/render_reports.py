"""Render the report of every shipped rule file to PNG pages, to look at them as a treasurer would.

    python scripts/render_reports.py [OUT_FOLDER] [--lang nl|en]

For each rule file in rules/ the report is made from the first of its examples' areas (`[[examples]]`),
or, where the rule file names a population for its published amounts, from that population; then
LibreOffice turns the workbook into PDF (`soffice --headless --convert-to pdf`) and poppler into one PNG
per page (`pdftoppm -png -r 60`). Needs LibreOffice and poppler-utils
(`apt-get install libreoffice-calc-nogui poppler-utils`). Prints each page's path.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from budgetcalc import allocate, load_ruleset  # noqa: E402
from budgetcalc.checking import example_population, read_population_file  # noqa: E402
from budgetcalc.population import Population  # noqa: E402
from budgetcalc.report import ReportFormat, render_report  # noqa: E402
from budgetcalc.ruleset.model import RuleSet  # noqa: E402


def population_for(ruleset: RuleSet, rule_file: Path) -> Population:
    """The population the rule file itself names for its published amounts, else its first example's."""
    for expected in ruleset.expected:
        if expected.population is not None:
            file = (rule_file.parent / expected.population.file).resolve()
            return read_population_file(file, expected.population, ruleset)
    if ruleset.examples:
        return example_population(ruleset.examples[0])
    raise SystemExit(f"{rule_file.name}: no population and no examples to render a report from")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", nargs="?", default="rendered", type=Path)
    parser.add_argument("--lang", choices=("nl", "en"), default="nl")
    arguments = parser.parse_args()
    for tool in ("soffice", "pdftoppm"):
        if shutil.which(tool) is None:
            raise SystemExit(f"{tool} is missing: apt-get install libreoffice-calc-nogui poppler-utils")
    out: Path = arguments.out
    out.mkdir(parents=True, exist_ok=True)
    workbooks = []
    for rule_file in sorted((ROOT / "rules").glob("*.toml")):
        ruleset = load_ruleset(rule_file)
        allocation = allocate(population_for(ruleset, rule_file), ruleset, allow_other_municipality=True)
        workbook = out / f"{rule_file.stem}.xlsx"
        workbook.write_bytes(render_report(allocation, ReportFormat.XLSX, arguments.lang))
        workbooks.append(workbook)
    subprocess.run(
        ["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(out), *map(str, workbooks)],
        check=True,
        capture_output=True,
    )
    for workbook in workbooks:
        pdf = workbook.with_suffix(".pdf")
        subprocess.run(["pdftoppm", "-png", "-r", "60", str(pdf), str(out / workbook.stem)], check=True)
    for page in sorted(out.glob("*.png")):
        print(page)


if __name__ == "__main__":
    main()
