"""One house: one error root, one catalog of findings, doctests that run."""

from __future__ import annotations

import ast
import doctest
import importlib
import pkgutil
import re
from pathlib import Path

import pytest

import jixiao
from jixiao import catalog, errors
from jixiao.errors import EvaluationError, JixiaoError, Location, TargetSyntaxError

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "jixiao"

# Exceptions a module may raise that are not JixiaoErrors: leaving the program, a broken internal
# invariant (a bug, never bad input), Python's own protocols (a module's __getattr__, a frozen
# attrs class), and control-flow signals caught inside the same module.
NOT_ERRORS = {
    "SystemExit",
    "AssertionError",
    "NotImplementedError",
    "StopIteration",
    "AttributeError",
    "FrozenInstanceError",
}
# signals that never leave their module (CellError: jixiao.targets._signals, a private module,
# turned into a TargetSyntaxError by the parser before it returns)
PRIVATE_SIGNALS = {"_TooDeep", "CellError", "_Found"}
# the web framework's own signal, turned into an error page by the workbench's handler
FRAMEWORK_SIGNALS = {"HTTPException"}
PENDING: set[str] = set()


def _modules() -> list[str]:
    return sorted(m.name for m in pkgutil.walk_packages(jixiao.__path__, "jixiao."))


def _raised_names(tree: ast.AST) -> list[tuple[str, int]]:
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Raise) and node.exc is not None:
            exc = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
            if isinstance(exc, ast.Name):
                out.append((exc.id, node.lineno))
            elif isinstance(exc, ast.Attribute):
                out.append((exc.attr, node.lineno))
    return out


def test_every_raised_exception_is_a_jixiao_error() -> None:
    known = {
        name
        for name, value in vars(errors).items()
        if isinstance(value, type) and issubclass(value, JixiaoError)
    }
    for module in _modules():
        mod = importlib.import_module(module)
        for name, value in vars(mod).items():
            if isinstance(value, type) and issubclass(value, JixiaoError):
                known.add(name)
    bad = []
    for path in sorted(SRC.rglob("*.py")):
        rel = path.relative_to(SRC).as_posix()
        if rel in PENDING:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for name, line in _raised_names(tree):
            if name in known or name in NOT_ERRORS | PRIVATE_SIGNALS | FRAMEWORK_SIGNALS:
                continue
            if name in {"exc", "err", "error", "_found"}:  # re-raising, or a private signal
                continue
            bad.append(f"{rel}:{line}: raise {name}")
    assert not bad, "raise a JixiaoError subclass instead:\n" + "\n".join(bad)


def test_errors_keep_their_python_kind_and_structured_fields() -> None:
    with pytest.raises(ValueError) as info:
        jixiao.parse_target("工5%")
    err = info.value
    assert isinstance(err, JixiaoError) and isinstance(err, TargetSyntaxError)
    assert err.location is not None and (err.location.line, err.location.column) == (1, 1)
    assert err.hint
    assert str(err) == err.render("zh")
    assert "（第1行第1列）" in err.render("zh")
    assert "(line 1, column 1)" in err.render("en") and "第1行" not in err.render("en")
    assert "提示：" not in err.render("en")


def test_evaluation_errors_are_jixiao_errors_and_become_findings(tmp_path: Path) -> None:
    from jixiao.policy.compiler import EvalError

    assert issubclass(EvalError, EvaluationError) and issubclass(EvalError, JixiaoError)
    policy = tmp_path / "div.policy"
    policy.write_text(
        'policy "div" version "1"\n'
        "weights { 预算执行率 10  产出指标 50  效益指标 30  满意度指标 10 }\n"
        'budget { rule "线性" { score = weight * min(rate, 1) } }\n'
        'rule "除法" when target.op == ">=" { score = weight * min(actual / target, 1) }\n'
        "grades { 优 [90, 100]  良 [80, 90)  中 [60, 80)  差 [0, 60) }\n",
        encoding="utf-8",
    )
    pol = jixiao.load_policy(str(policy))
    result = pol.score({"target": "≥0人", "actual": "5人", "weight": 10})
    codes = [f.code for f in result.findings]
    assert "POLICY_ERROR" in codes, codes
    assert result.score is None


def test_location_renders_paths_and_carets() -> None:
    assert str(Location("form.json", where="indicators[1].target")) == (
        "form.json: indicators[1].target"
    )
    loc = Location("a.policy", 2, 3, 2, "first\nab万元")
    assert loc.render() == "a.policy:2:3\nab万元\n  ^^^^"


def test_report_error_lives_with_the_others() -> None:
    from jixiao.report import ReportError

    assert ReportError is errors.ReportError


# ----------------------------------------------------------------------------- the catalog


def test_catalog_lists_each_code_once_with_a_known_severity() -> None:
    assert len(catalog.CATALOG) == len(catalog.BUILTIN_CODES)
    for code, info in catalog.CATALOG.items():
        assert re.fullmatch(r"[A-Z][A-Z0-9_]+", code), code
        assert info.severity in catalog.SEVERITIES
        assert info.summary.zh and info.summary.en
        assert info.anchor == f"docs/audit.md#{code.lower()}"


def test_builtin_codes_is_the_catalog() -> None:
    from jixiao.evaluate import BUILTIN_CODES, SEVERITIES

    assert {c: i.as_tuple() for c, i in catalog.CATALOG.items()} == BUILTIN_CODES
    assert SEVERITIES == catalog.SEVERITIES


def test_audit_page_matches_the_catalog() -> None:
    page = (ROOT / "docs" / "audit.md").read_text(encoding="utf-8")
    for code, info in catalog.CATALOG.items():
        row = re.search(rf"^\| \[`{code}`\]\(#{code.lower()}\) \| (.*)$", page, flags=re.M)
        assert row, f"docs/audit.md has no table row for {code}"
        cells = [c.strip() for c in row.group(1).split("|")]
        assert info.severity in cells[0], code
        assert cells[1] == info.summary.zh, code
        assert cells[2] == info.summary.en, code
        section = page.split(f"### `{code}`", 1)[1].split("\n### ", 1)[0]
        assert f"含义：{info.summary.zh}" in section, code
        assert f"Meaning: {info.summary.en}" in section, code


def test_findings_raised_use_catalog_severities() -> None:
    form = {
        "project": "t",
        "indicators": [
            {
                "level1": "产出指标",
                "level2": "数量指标",
                "name": "a",
                "target": "≥10人",
                "actual": "5人",
                "weight": 10,
                "score": 10,
            },
        ],
    }
    result = jixiao.score_form(jixiao.Form.from_dict(form), "central")
    seen = 0
    for f in result.findings:
        info = catalog.CATALOG.get(f.code)
        if info is not None and f.code != "WEIGHTS_NONDEFAULT":
            assert f.severity == info.severity or f.code.startswith("REASON_"), f
            seen += 1
    assert seen


def test_stronger_orders_like_the_catalog() -> None:
    assert catalog.stronger(None, "info") == "info"
    assert catalog.stronger("info", "warning") == "warning"
    assert catalog.stronger("error", "warning") == "error"
    assert sorted(["info", "error", "warning"], key=catalog.severity_rank) == list(
        catalog.SEVERITIES
    )


# ----------------------------------------------------------------------------- doctests


@pytest.mark.parametrize("module", _modules())
def test_module_doctests(module: str) -> None:
    mod = importlib.import_module(module)
    result = doctest.testmod(mod, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0, module


def test_caret_line_doctest_is_run_and_true() -> None:
    tests = doctest.DocTestFinder().find(errors.caret_line)
    assert tests and tests[0].examples
    assert errors.caret_line("≥45万圆", 3, 2) == "≥45万圆\n   ^^^^"


def test_words_are_normalised_once_for_loading_and_scoring() -> None:
    from jixiao.evaluate import checks as reason_checks
    from jixiao.evaluate import tiers
    from jixiao.policy import checks, names

    assert checks.norm_word is names.norm_word
    assert vars(tiers)["_norm"] is names.norm_word
    assert vars(reason_checks)["_norm"] is names.norm_word
    assert names.norm_word(" 达成\u3000预期，指标。") == "达成预期指标"
    # a tier word written with spaces and punctuation still names its tier when scoring
    policy = jixiao.load_policy("central")
    plain = policy.score({"target": "定性 效果明显", "actual": "达成预期指标", "weight": 10})
    spaced = policy.score({"target": "定性 效果明显", "actual": "达成 预期指标。", "weight": 10})
    assert plain.tier == spaced.tier is not None
