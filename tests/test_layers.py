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


def _package_of(rel: str) -> tuple[str, ...]:
    """The package a module file belongs to (its directory)."""
    return ("jixiao", *rel.split("/")[:-1])


def _private_module_imports(rel: str, tree: ast.Module) -> list[str]:
    """Imports in *rel* of a jixiao module whose name starts with ``_`` from outside the package
    (the directory) that holds it: ``from jixiao.forms._grid import Grid`` in ``report/x.py``,
    ``from jixiao import _cache`` in ``targets/parser.py``."""
    here = _package_of(rel)
    targets: list[tuple[int, tuple[str, ...]]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            base = tuple(node.module.split("."))
            # ``from jixiao.forms._grid import Grid``: the module; ``from jixiao import _cache``:
            # the name, which may be a module
            names = [a.name for a in node.names if a.name.startswith("_")]
            targets.extend((node.lineno, (*base, n)) for n in names[:1] or [""])
        elif isinstance(node, ast.Import):
            targets.extend((node.lineno, tuple(a.name.split("."))) for a in node.names)
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "import_module"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            targets.append((node.lineno, tuple(node.args[0].value.split("."))))
    bad = []
    for line, parts in targets:
        if parts[:1] != ("jixiao",):
            continue
        for i, part in enumerate(parts):
            if part.startswith("_") and not part.startswith("__") and parts[:i] != here:
                bad.append(f"{rel}:{line}: {'.'.join(parts[: i + 1])}")
                break
    return bad


def test_a_private_module_is_imported_only_inside_its_own_package() -> None:
    """A module named ``_x`` belongs to its directory; one that other packages need is public
    (``jixiao.cache``, ``jixiao.decimals``, ``jixiao.fileio``)."""
    bad = []
    for rel, tree in _files():
        bad.extend(_private_module_imports(rel, tree))
    assert not bad, "import it through a public module instead:\n" + "\n".join(bad)


def test_the_scan_sees_private_modules_across_packages() -> None:
    tree = ast.parse(
        "from jixiao.forms._grid import Grid\nfrom jixiao import _cache\n"
        "import jixiao.report._common\nfrom jixiao.forms import read\n"
        "importlib.import_module('jixiao.forms._book')\n"
    )
    assert _private_module_imports("forms/csv_io.py", tree) == [
        "forms/csv_io.py:2: jixiao._cache",
        "forms/csv_io.py:3: jixiao.report._common",
    ]
    assert _private_module_imports("report/json_out.py", tree) == [
        "report/json_out.py:1: jixiao.forms._grid",
        "report/json_out.py:2: jixiao._cache",
        "report/json_out.py:5: jixiao.forms._book",
    ]
    # a top-level private module is the top-level package's own; a package's, its modules'
    assert _private_module_imports("batch.py", ast.parse("from jixiao import _cache\n")) == []
    assert _private_module_imports("forms/__init__.py", tree)[:1] == [
        "forms/__init__.py:2: jixiao._cache"
    ]


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
