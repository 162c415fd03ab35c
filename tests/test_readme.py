"""The README's promises: its two commands, its CI contract and its Python example."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _first_code_block() -> list[str]:
    block = README.split("```sh\n", 1)[1].split("```", 1)[0]
    return [line for line in block.splitlines() if line and not line.startswith("#")]


def test_readme_starts_with_the_two_commands() -> None:
    install_and_run, install_and_test = _first_code_block()
    assert "pip install ." in install_and_run and "budgetcalc allocate data/" in install_and_run
    assert 'pip install ".[test]"' in install_and_test and install_and_test.endswith("pytest")


def test_ci_runs_exactly_the_readme_test_command() -> None:
    install_and_test = _first_code_block()[1]
    ci_lines = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert install_and_test in ci_lines


def test_readme_demo_files_exist() -> None:
    install_and_run = _first_code_block()[0]
    for path in re.findall(r"(?:data|rules)/[\w./-]+", install_and_run):
        assert (ROOT / path).is_file(), path


def test_readme_python_example_runs_as_shown(monkeypatch: pytest.MonkeyPatch) -> None:
    block = README.split("```python\n", 1)[1].split("```", 1)[0]
    namespace: dict[str, object] = {}
    monkeypatch.chdir(ROOT)
    exec(compile(block, "README.md", "exec"), namespace)
    allocation = namespace["allocation"]
    frame = allocation.to_frame()  # type: ignore[attr-defined]
    # Het Hogeland: 6567 + 1.68 per inhabitant; Adorp has 664 (published: EUR 7,682.52).
    assert frame.loc[0, "total"] == Decimal("6567") + Decimal("1.68") * 664
    shown = re.search(r"allocation\.explain\(\"Adorp\"\)\s+# (\[.*\])", block)
    assert shown is not None
    assert str(allocation.explain("Adorp")) == shown.group(1)  # type: ignore[attr-defined]


def test_every_allocate_option_is_in_the_readme() -> None:
    import typer.main

    from cli import app

    command = typer.main.get_command(app).commands["allocate"]  # type: ignore[attr-defined]
    options = {name for parameter in command.params for name in parameter.opts if name.startswith("--")}
    missing = sorted(option for option in options - {"--help"} if option not in README)
    assert not missing, f"options not documented in README.md: {missing}"
