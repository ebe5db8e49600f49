"""Every built-in finding's text comes from the catalog (jixiao.catalog): raise sites name a code,
a situation and fields, never words; every template's fields are supplied where it is raised; every
template is raised somewhere and documented in docs/audit.md."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import attrs
import pytest

import jixiao
from jixiao import catalog
from jixiao.evaluate.findings import finding
from jixiao.i18n import Msg

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "jixiao"
# the catalog holds the words; nothing else under src/ may write a finding's text
CATALOG_FILE = SRC / "catalog.py"
# keyword arguments of the builders that are not message fields
NOT_FIELDS = {"variant", "severity", "rule_at"}
# a string constant that is a key (a separator kind, a part's name, a language), not text
KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@attrs.frozen
class Site:
    """One place under src/ that makes a built-in finding's (or reader note's) text."""

    where: str
    builder: str
    code: str | None
    variants: frozenset[str] | None  # None: decided at run time (any of the code's)
    fields: frozenset[str]
    spread: bool  # ``**fields`` passed on
    texts: tuple[ast.expr, ...]  # arguments that must not be written words
    func: ast.AST | None


def _name(call: ast.Call) -> str | None:
    f = call.func
    direct = {"finding", "finding_of", "Finding", "builtin_finding", "ReadNote"}
    if isinstance(f, ast.Name):
        return f.id if f.id in direct else None
    if isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name):
        if (f.value.id, f.attr) in {("ReadNote", "of"), ("catalog", "message")}:
            return f"{f.value.id}.{f.attr}"
        if f.attr in direct:
            return f.attr
    return None


def _functions(tree: ast.AST) -> Iterator[tuple[ast.AST | None, ast.Call]]:
    """Every call with the function it is in (None at module level)."""

    def visit(node: ast.AST, func: ast.AST | None) -> Iterator[tuple[ast.AST | None, ast.Call]]:
        for child in ast.iter_child_nodes(node):
            inner = child if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef) else func
            if isinstance(child, ast.Call):
                yield func, child
            yield from visit(child, inner)

    yield from visit(tree, None)


def _assigned(func: ast.AST | None, name: str) -> list[ast.expr]:
    if func is None:
        return []
    out: list[ast.expr] = []
    for node in ast.walk(func):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name) and target.id == name:
                    out.append(node.value)
        elif (
            isinstance(node, ast.AnnAssign | ast.AugAssign)
            and node.value is not None
            and isinstance(node.target, ast.Name)
            and node.target.id == name
        ):
            out.append(node.value)
    return out


def _constants(expr: ast.expr, func: ast.AST | None, depth: int = 0) -> frozenset[str] | None:
    """The string values *expr* can take, when they are all written out (else None)."""
    if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
        return frozenset({expr.value})
    if isinstance(expr, ast.IfExp):
        a = _constants(expr.body, func, depth)
        b = _constants(expr.orelse, func, depth)
        return None if a is None or b is None else a | b
    if isinstance(expr, ast.Name) and depth < 3:
        values = _assigned(func, expr.id)
        found: set[str] = set()
        for v in values:
            c = _constants(v, func, depth + 1)
            if c is None:
                return None
            found |= c
        return frozenset(found) if values else None
    return None


def _sites() -> list[Site]:
    out: list[Site] = []
    for path in sorted(SRC.rglob("*.py")):
        if path == CATALOG_FILE:
            continue
        rel = path.relative_to(SRC).as_posix()
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for func, call in _functions(tree):
            builder = _name(call)
            if builder is None:
                continue
            args = call.args
            kw = {k.arg: k.value for k in call.keywords if k.arg is not None}
            spread = any(k.arg is None for k in call.keywords)
            code_expr = args[0] if args else kw.get("code")
            code = None
            if isinstance(code_expr, ast.Constant) and isinstance(code_expr.value, str):
                code = code_expr.value
            variants: frozenset[str] | None = frozenset({""})
            texts: tuple[ast.expr, ...] = ()
            fields: frozenset[str] = frozenset()
            if builder in {"finding", "ReadNote.of", "catalog.message"}:
                variant = args[1] if builder == "catalog.message" and len(args) > 1 else None
                variant = kw.get("variant", variant)
                if variant is not None:
                    variants = _constants(variant, func)
                fields = frozenset(kw) - NOT_FIELDS
                texts = tuple(v for k, v in kw.items() if k not in NOT_FIELDS)
            elif builder == "finding_of":
                texts = tuple(args[1:2]) + tuple(v for k, v in kw.items() if k == "text")
            elif builder in {"Finding", "builtin_finding"}:
                texts = tuple(args[2:4] if builder == "Finding" else args[1:3])
                texts += tuple(v for k, v in kw.items() if k in {"zh", "en"})
            elif builder == "ReadNote":
                texts = tuple(args[1:3]) + tuple(v for k, v in kw.items() if k in {"zh", "en"})
            where = f"{rel}:{call.lineno}"
            out.append(Site(where, builder, code, variants, fields, spread, texts, func))
    return out


SITES = _sites()


def _words(expr: ast.expr, func: ast.AST | None, follow: bool) -> list[str]:
    """Written words inside *expr* (string constants other than keys, f-strings); with
    *follow*, also inside what a bare name was assigned in the same function."""
    found: list[str] = []
    for node in ast.walk(expr):
        if isinstance(node, ast.JoinedStr):
            found.append(ast.unparse(node))
        elif (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and node.value
            and not KEY.fullmatch(node.value)
        ):
            found.append(repr(node.value))
    if follow and isinstance(expr, ast.Name):
        for value in _assigned(func, expr.id):
            found += _words(value, func, follow=False)
    return found


def test_the_scan_sees_the_raise_sites() -> None:
    builders = {s.builder for s in SITES}
    assert {"finding", "ReadNote.of", "catalog.message", "finding_of"} <= builders
    assert sum(s.builder == "finding" for s in SITES) > 60


def test_no_raise_site_writes_message_text() -> None:
    bad = []
    for site in SITES:
        # a builder's field values are checked as written; a whole message handed to Finding,
        # ReadNote or finding_of also through the local name it was assigned to
        follow = site.builder not in {"finding", "ReadNote.of", "catalog.message"}
        for expr in site.texts:
            for words in _words(expr, site.func, follow):
                bad.append(f"{site.where}: {site.builder}(… {words} …)")
    assert not bad, "put the words in jixiao.catalog (a template or a PART):\n" + "\n".join(bad)


def test_built_in_findings_name_a_listed_code_and_situation() -> None:
    for site in SITES:
        if site.builder in {"finding", "ReadNote.of", "catalog.message"} and not site.spread:
            # (a builder handing its own ``**fields`` on is not a raise site)
            assert site.code is not None, f"{site.where}: name the code as written"
            info = catalog.CATALOG.get(site.code)
            assert info is not None, f"{site.where}: {site.code} is not in jixiao.catalog"
            if site.variants is not None:
                missing = site.variants - set(info.messages)
                assert not missing, f"{site.where}: {site.code} has no situation {missing}"


def test_every_template_gets_its_fields_where_it_is_raised() -> None:
    problems = []
    for site in SITES:
        if site.builder not in {"finding", "ReadNote.of", "catalog.message"} or site.spread:
            continue
        assert site.code is not None
        info = catalog.CATALOG[site.code]
        variants = site.variants if site.variants is not None else frozenset(info.messages)
        used: set[str] = set()
        for variant in sorted(variants):
            template = info.messages[variant]
            wanted = catalog.placeholders(template.zh) | catalog.placeholders(template.en)
            used |= wanted
            if not wanted <= site.fields:
                problems.append(
                    f"{site.where}: {site.code}/{variant!r} needs {wanted - site.fields}"
                )
        if not site.fields <= used:
            problems.append(f"{site.where}: {site.code} is given unused {site.fields - used}")
    assert not problems, "\n".join(problems)


def test_every_code_and_situation_is_raised_somewhere() -> None:
    raised: dict[str, set[str]] = {}
    anywhere: set[str] = set()
    for site in SITES:
        if site.code is None:
            continue
        if site.variants is None:
            anywhere.add(site.code)
        else:
            raised.setdefault(site.code, set()).update(site.variants)
    for code, info in catalog.CATALOG.items():
        assert code in raised or code in anywhere, f"{code} is never raised"
        if code not in anywhere:
            unused = set(info.messages) - raised[code]
            assert not unused, f"{code}: situations {unused} are never raised"


def test_templates_are_well_formed_and_agree_between_languages() -> None:
    for code, info in catalog.CATALOG.items():
        assert info.messages, code
        for variant, template in info.messages.items():
            assert template.zh and template.en, (code, variant)
            # Chinese in the English template only where it names a form's own words
            for lang, text in (("zh", template.zh), ("en", template.en)):
                names = catalog.placeholders(text)
                filled = catalog.render(template, {n: f"<{n}>" for n in names})
                shown = filled.text(lang)
                assert "{" not in shown and "}" not in shown, (code, variant, lang)
            zh = catalog.placeholders(template.zh)
            en = catalog.placeholders(template.en)
            # every field the Chinese shows, the English shows too (and the reverse, save the
            # column of a parse error that the Chinese caret line already shows)
            assert zh <= en and en - zh <= {"column"}, (code, variant, zh ^ en)


def test_bilingual_fields_are_shown_per_language() -> None:
    f = finding(
        "UNIT_MISMATCH",
        "indicators[0].actual",
        actual_unit=catalog.PARTS["no_unit"],
        target_unit="人",
    )
    assert "（无单位）" in f.zh and "(no unit)" in f.en and "无单位" not in f.en
    why = Msg("按比例", "in proportion")
    f = finding("SCORE_MISMATCH", "x", claimed="10", computed="8", why=why)
    assert f.zh == "自评10分，复核应得8分（按比例）"
    assert f.en == "claimed 10, computed 8 (in proportion)"
    assert f.severity == "error"
    assert catalog.joined(["A", "B"]).en == "A, B" and catalog.joined(["A", "B"]).zh == "A、B"


def test_policy_severities_still_apply_to_catalog_findings() -> None:
    f = finding("REASON_MISSING", "r", severity="warning")
    assert f.severity == "warning" and f.zh.startswith("未达到目标")


def test_a_live_form_shows_catalog_text_in_both_languages() -> None:
    form = {
        "indicators": [
            {"target": "≥45人", "actual": "40公里", "weight": 10, "score": 10},
            {"target": "≥45人", "actual": "约50人", "weight": 80, "score": 80},
        ],
        "budget": {"annual": 100, "executed": 100, "weight": 10},
        "total": 100,
    }
    result = jixiao.score_form(form)
    codes = {f.code: f for f in result.findings}
    unit = codes["UNIT_MISMATCH"]
    assert unit.zh == catalog.message("UNIT_MISMATCH", actual_unit="公里", target_unit="人").zh
    approx = codes["ACTUAL_APPROXIMATE"]
    assert approx.en == "the actual '约50人' is approximate: scored as 50人"


# ----------------------------------------------------------------------------- docs/audit.md


def _section(page: str, code: str) -> str:
    return page.split(f"### `{code}`", 1)[1].split("\n### ", 1)[0]


@pytest.mark.parametrize("code", sorted(catalog.CATALOG))
def test_audit_page_shows_each_template(code: str) -> None:
    """docs/audit.md lists each code's message templates, as the catalog has them (regenerate the
    lists with ``python tests/audit_templates.py``)."""
    from audit_templates import templates_block

    page = (ROOT / "docs" / "audit.md").read_text(encoding="utf-8")
    section = _section(page, code)
    block = templates_block(catalog.CATALOG[code])
    assert block in section, f"docs/audit.md §{code}: run python tests/audit_templates.py"
