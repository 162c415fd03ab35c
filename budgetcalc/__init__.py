"""budgetcalc: exact yearly wijk- and dorpsbudgetten for Dutch municipalities.

The library is usable on its own, with pandas DataFrames in and out::

    from budgetcalc import allocate, load_ruleset
    allocation = allocate(frame, load_ruleset("rules/het-hogeland.toml"))
    allocation.to_frame()
"""

from budgetcalc.allocation import Allocation
from budgetcalc.engine.allocate import allocate
from budgetcalc.errors import AllocationError, BudgetcalcError, InputError, OutputError, RuleError
from budgetcalc.population import Population
from budgetcalc.ruleset import RuleSet, load_ruleset, parse_ruleset
from budgetcalc.scenarios import Scenario, calibrate, sweep
from budgetcalc.scenarios import compare_areas as compare

__version__ = "0.1.0"

__all__ = [
    "Allocation",
    "AllocationError",
    "BudgetcalcError",
    "InputError",
    "OutputError",
    "Population",
    "RuleError",
    "RuleSet",
    "Scenario",
    "__version__",
    "allocate",
    "calibrate",
    "compare",
    "load_ruleset",
    "parse_ruleset",
    "sweep",
]
