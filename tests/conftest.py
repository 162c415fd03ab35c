"""Make the package importable when it is not installed (``.venv/bin/pytest`` from a checkout)."""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
