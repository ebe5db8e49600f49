"""The layers hold: the import-linter contract, no private names across modules, and imports
inside functions only for optional dependencies (docs/architecture.md)."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "jixiao"

# Optional dependencies (extras) and the modules that need them: imported where they are used,
# so that ``import jixiao`` and the modules that do not need them stay light.
OPTIONAL = (
    "openpyxl",
    "pandas",
    "pyarrow",
    "dask",
    "distributed",
    "hypothesis",
    "jixiao.testing",
    "uvicorn",
    "starlette",
    "jinja2",
    "jixiao.web",
    "formulas",
    "numpy",
    "schedula",
    "docx",
    "pdfplumber",
    "xlrd",
    "python_calamine",
    "jixiao.forms._formula",  # formula evaluation: the xlsx extra's formulas package
)
# jixiao.cli.main checks that click and rich are installed before it imports the commands.
GUARDED = {
    ("cli/__init__.py", "click"),
    ("cli/__init__.py", "rich"),
    ("cli/__init__.py", "jixiao.cli.app"),
    ("cli/__init__.py", "jixiao.cli"),
}
# testing/ is being split into modules by another change; its imports move with it.
PENDING: tuple[str, ...] = ()


def _files() -> list[tuple[str, ast.Module]]:
    out = []
    for path in sorted(SRC.rglob("*.py")):
        rel = path.relative_to(SRC).as_posix()
        out.append((rel, ast.parse(path.read_text(encoding="utf-8"))))
    return out


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _nested_imports(tree: ast.Module) -> list[tuple[int, str]]:
    """Imports inside functions (not under ``if TYPE_CHECKING``)."""
    found: list[tuple[int, str]] = []

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _is_type_checking(child):
                continue
            inner = in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef)
            if in_function and isinstance(child, ast.Import):
                found.extend((child.lineno, a.name) for a in child.names)
            elif in_function and isinstance(child, ast.ImportFrom):
                found.append((child.lineno, child.module or ""))
            visit(child, inner)

    visit(tree, False)
    return found


def test_imports_inside_functions_are_only_for_optional_dependencies() -> None:
    bad = []
    for rel, tree in _files():
        if rel.startswith(PENDING):
            continue
        for line, module in _nested_imports(tree):
            if module.startswith(OPTIONAL) or (rel, module) in GUARDED:
                continue
            bad.append(f"{rel}:{line}: import {module}")
    assert not bad, "import at the top of the module instead:\n" + "\n".join(bad)


def test_no_private_name_is_imported_across_modules() -> None:
    bad = []
    for rel, tree in _files():
        if rel.startswith(PENDING):
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("jixiao"):
                for alias in node.names:
                    name = alias.name
                    if name.startswith("_") and not name.startswith("__"):
                        bad.append(f"{rel}:{node.lineno}: from {node.module} import {name}")
    assert not bad, "make the name public where it is defined:\n" + "\n".join(bad)


def test_the_scan_sees_nested_imports() -> None:
    tree = ast.parse(
        "def f():\n    import pandas\n    from jixiao.policy import loader\n"
        "if TYPE_CHECKING:\n    from jixiao.evaluate import X\n"
    )
    assert _nested_imports(tree) == [(2, "pandas"), (3, "jixiao.policy")]


@pytest.mark.skipif(
    shutil.which("lint-imports", path=str(Path(sys.executable).parent)) is None,
    reason="import-linter is in the dev extra",
)
def test_import_linter_contract_is_kept() -> None:
    exe = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    assert exe is not None
    done = subprocess.run(
        [exe, "--no-cache"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stdout[-3000:]
    assert "1 kept, 0 broken" in done.stdout
