"""Reading a policy file's text into a :class:`~jixiao.policy.ast.PolicyFile`.

The grammar is ``grammar/policy.lark`` (LALR). Lark's exceptions never leave this module: a
syntax error becomes a :class:`~jixiao.errors.PolicyProblem` with file:line:col, a caret and the
tokens that would have been valid, in words.

Longer than 500 lines on purpose: one builder per grammar item, all sharing the builder's state
(the text, the problems found so far, the once-per-file and unique-per-file checks); syntax error
reporting lives apart in :mod:`jixiao.policy.syntax_errors`.
"""

from __future__ import annotations

import functools
import re
from decimal import Decimal, InvalidOperation
from typing import Any

import lark
from lark import Token, Tree

from jixiao.catalog import SEVERITIES
from jixiao.errors import Location, PolicyError, PolicyProblem
from jixiao.i18n import Msg
from jixiao.policy import ast as A
from jixiao.policy.names import suggest
from jixiao.policy.syntax_errors import syntax_problems
from jixiao.policy.types import MAX_PLACES
from jixiao.resources import grammar_path

__all__ = [
    "MAX_DEPTH",
    "MAX_FRACTION_DIGITS",
    "MAX_INTEGER_DIGITS",
    "MAX_PLACES",
    "MAX_RULES",
    "MAX_SIZE",
    "count_rules",
    "parse_policy_text",
]

# Limits, each checked before the work it bounds.
MAX_SIZE = 512 * 1024  # characters of one file
MAX_DEPTH = 64  # nesting of one expression
MAX_RULES = 500  # rules of a policy (all files of its extends chain)
MAX_INTEGER_DIGITS = 15  # digits before the point of a number literal (up to 万亿 in 元)
MAX_FRACTION_DIGITS = 10  # digits after the point

_RULE_KEYWORDS = re.compile(r'"(?:[^"\\\n]|\\.)*"|#[^\n]*|\bdrop\s+rule\b|\brule\b')


def count_rules(text: str) -> int:
    """How many rules a file's text declares, counted in one pass without parsing it (so that
    a file with thousands of rules is refused before any work)."""
    return sum(1 for m in _RULE_KEYWORDS.finditer(text) if m.group() == "rule")


@functools.cache
def _parser() -> lark.Lark:
    return lark.Lark(
        grammar_path("policy.lark").read_text(encoding="utf-8"),
        parser="lalr",
        propagate_positions=True,
        maybe_placeholders=False,
    )


class _Builder:
    """Builds policy AST nodes from the parse tree, collecting problems as it goes."""

    def __init__(self, path: str, text: str) -> None:
        self.path = path
        self.text = text
        self.problems: list[PolicyProblem] = []

    def loc(self, item: Any) -> Location:
        meta = getattr(item, "meta", item)
        line = getattr(meta, "line", None)
        column = getattr(meta, "column", None)
        start = getattr(meta, "start_pos", None)
        end = getattr(meta, "end_pos", None)
        length = 1
        if isinstance(start, int) and isinstance(end, int):
            length = end - start
            nl = self.text.find("\n", start)
            if 0 <= nl < end:
                length = nl - start  # keep the caret on the node's first line
        return Location(self.path, line, column, max(1, length), self.text)

    def source_of(self, item: Any) -> str:
        """The exact text a node was written as (for formulas shown in explanations)."""
        meta = getattr(item, "meta", None)
        if isinstance(item, Token):
            return str(item)
        start = getattr(meta, "start_pos", None)
        end = getattr(meta, "end_pos", None)
        if isinstance(start, int) and isinstance(end, int):
            return " ".join(self.text[start:end].split())
        return ""

    def tok_loc(self, tok: Any) -> Location:
        return Location(self.path, tok.line, tok.column, max(1, len(str(tok))), self.text)

    def problem(
        self, message: Msg, loc: Location, hint: Msg | None = None, code: str = "policy"
    ) -> None:
        self.problems.append(PolicyProblem.of(message, loc, hint, code=code))

    def string(self, tok: Any) -> str:
        raw = str(tok)[1:-1]
        if "\x00" in raw:
            self.problem(
                Msg("文字中含有 NUL 字符", "a string contains a NUL character"),
                self.tok_loc(tok),
                Msg("删除该不可见字符", "remove the invisible character"),
            )
            raw = raw.replace("\x00", "")
        return raw.replace('\\"', '"').replace("\\\\", "\\").replace("\\n", "\n")

    def number(self, tok: Any) -> tuple[Decimal, str | None]:
        text = str(tok)
        digits = text
        unit: str | None = None
        for i, ch in enumerate(text):
            if not (ch.isdigit() or ch == "."):
                digits, unit = text[:i], text[i:]
                break
        whole, _, fraction = digits.partition(".")
        if len(whole.lstrip("0")) > MAX_INTEGER_DIGITS or len(fraction) > MAX_FRACTION_DIGITS:
            shown = digits[:24] + ("…" if len(digits) > 24 else "")
            self.problem(
                Msg(
                    f"数字「{shown}」超出范围：小数点前最多 {MAX_INTEGER_DIGITS} 位，"
                    f"小数点后最多 {MAX_FRACTION_DIGITS} 位",
                    f"the number {shown} is out of range: at most {MAX_INTEGER_DIGITS} digits "
                    f"before the point and {MAX_FRACTION_DIGITS} after it",
                ),
                self.tok_loc(tok),
                Msg("大额请用单位，如 5亿元", "write a large amount with a unit, e.g. 5亿元"),
                code="limits",
            )
            return Decimal(0), unit if unit not in ("%", "‰") else None
        try:
            value = Decimal(digits)
        except InvalidOperation:  # pragma: no cover - the regex admits only digits
            value = Decimal(0)
        if unit == "%":
            return value / 100, None
        if unit == "‰":
            return value / 1000, None
        return value, unit


def _tok_loc(b: _Builder, tok: Token) -> Location:
    return b.tok_loc(tok)


def _build_expr(b: _Builder, node: Any) -> A.Expr:
    """Build an expression node from the parse tree, iteratively bounded by MAX_DEPTH."""
    return _Expr(b).build(node, 0)


class _Expr:
    def __init__(self, b: _Builder) -> None:
        self.b = b

    def build(self, node: Any, depth: int) -> A.Expr:
        b = self.b
        if depth > MAX_DEPTH:
            raise _TooDeep(b.loc(node))
        if isinstance(node, Token):
            if node.type == "QUANTITY":
                value, unit = b.number(node)
                return A.Num(value, str(node), unit, loc=b.tok_loc(node))
            if node.type == "STRING":
                return A.Str(b.string(node), loc=b.tok_loc(node))
            raise _TooDeep(b.tok_loc(node))  # pragma: no cover - grammar prevents it
        d = node.data
        ch = node.children
        loc = b.loc(node)
        nxt = depth + 1
        if d == "number":
            value, unit = b.number(ch[0])
            return A.Num(value, str(ch[0]), unit, loc=loc)
        if d == "string":
            return A.Str(b.string(ch[0]), loc=loc)
        if d == "true":
            return A.Bool(True, loc=loc)
        if d == "false":
            return A.Bool(False, loc=loc)
        if d == "ref":
            return A.Ref(tuple(str(t) for t in ch), loc=loc)
        if d == "call":
            name = str(ch[0])
            return A.Call(name, tuple(self.build(a, nxt) for a in ch[1:]), loc=loc)
        if d == "binop":
            return A.BinOp(str(ch[1]), self.build(ch[0], nxt), self.build(ch[2], nxt), loc=loc)
        if d == "neg":
            return A.Neg(self.build(ch[0], nxt), loc=loc)
        if d == "cmp":
            return A.Cmp(str(ch[1]), self.build(ch[0], nxt), self.build(ch[2], nxt), loc=loc)
        if d in ("in_", "not_in"):
            options = tuple(self.build(o, nxt) for o in ch[1].children)
            return A.In(self.build(ch[0], nxt), options, d == "not_in", loc=loc)
        if d == "not_":
            return A.Not(self.build(ch[0], nxt), loc=loc)
        if d == "and_":
            return A.And(self.build(ch[0], nxt), self.build(ch[1], nxt), loc=loc)
        if d == "or_":
            return A.Or(self.build(ch[0], nxt), self.build(ch[1], nxt), loc=loc)
        if d == "if_expr":
            return A.If(
                self.build(ch[0], nxt), self.build(ch[1], nxt), self.build(ch[2], nxt), loc=loc
            )
        if d == "bands":
            bands = []
            for band in ch[1:]:
                interval = interval_of(b, band.children[0])
                bands.append((interval, self.build(band.children[1], nxt)))
            return A.Bands(self.build(ch[0], nxt), tuple(bands), loc=loc)
        raise _TooDeep(loc)  # pragma: no cover - every expression rule is handled above


class _TooDeep(Exception):
    def __init__(self, loc: Location) -> None:
        self.loc = loc


def interval_of(b: _Builder, tree: Tree[Any]) -> A.Interval:
    left, lo, hi, right = tree.children

    def bound(t: Any, negative_ok: bool = True) -> Decimal | None:
        if t.data in ("bound_inf", "bound_neg_inf"):
            return None
        value, unit = b.number(t.children[0])
        if unit is not None:
            b.problem(
                Msg(
                    f"区间端点不能带单位「{unit}」",
                    f"an interval bound is a number or a percentage, without the unit {unit!r}",
                ),
                b.tok_loc(t.children[0]),
                Msg("写成 80% 或 0.8", "write 80% or 0.8"),
            )
        return -value if t.data == "bound_negative" else value

    low = bound(lo)
    high = bound(hi)
    if hi.data == "bound_neg_inf":
        b.problem(
            Msg("区间的上界不能是 -inf", "an interval cannot end at -inf"),
            b.loc(hi),
            Msg("写成 [-inf, 0) 或 [0, inf)", "write [-inf, 0) or [0, inf)"),
            code="bands",
        )
    low_incl = str(left.children[0]) == "["
    high_incl = str(right.children[0]) == "]"
    loc = b.loc(tree)
    if lo.data in ("bound_inf", "bound_neg_inf") and low is None:
        low_incl = False
    if high is None:
        high_incl = False
    if (
        low is not None
        and high is not None
        and (low > high or (low == high and not (low_incl and high_incl)))
    ):
        shown = A.Interval(low, high, low_incl, high_incl).render()
        b.problem(
            Msg(f"区间 {shown} 是空的", f"the interval {shown} is empty"),
            loc,
            Msg("下界应小于上界", "the low end must be below the high end"),
        )
    return A.Interval(low, high, low_incl, high_incl, loc=loc)


def parse_policy_text(text: str, path: str = "<policy>") -> A.PolicyFile:
    """Parse a policy file's text. Raises :class:`PolicyError` listing every problem found.

    A leading byte-order mark (files saved by Windows Notepad) is ignored.
    """
    if text.startswith("\ufeff"):
        text = text[1:]
    if len(text) > MAX_SIZE:
        raise PolicyError(
            [
                PolicyProblem.of(
                    Msg(
                        f"策略文件过大（{len(text)} 字符，上限 {MAX_SIZE}）",
                        f"the policy file is too large ({len(text)} characters, at most {MAX_SIZE})",
                    ),
                    Location(path, 1, 1, 1, text[:200]),
                )
            ]
        )
    rules = count_rules(text)
    if rules > MAX_RULES:
        raise PolicyError(
            [
                PolicyProblem.of(
                    Msg(
                        f"规则过多（{rules} 条，上限 {MAX_RULES}）",
                        f"too many rules ({rules}, at most {MAX_RULES})",
                    ),
                    Location(path, 1, 1, 1, text),
                    Msg("把不常用的情形合并为一条规则", "merge rare cases into one rule"),
                    code="limits",
                )
            ]
        )
    parser = _parser()
    try:
        tree = parser.parse(text)
    except lark.exceptions.UnexpectedInput as err:
        raise PolicyError(syntax_problems(parser, err, text, path)) from None
    b = _Builder(path, text)
    try:
        result = _build_file(b, tree)
    except _TooDeep as deep:
        raise PolicyError(
            [
                PolicyProblem.of(
                    Msg(
                        f"表达式嵌套超过 {MAX_DEPTH} 层",
                        f"an expression is nested deeper than {MAX_DEPTH} levels",
                    ),
                    deep.loc,
                    Msg("拆成几个 let 定义", "split it into a few let definitions"),
                )
            ]
        ) from None
    if b.problems:
        raise PolicyError(b.problems)
    return result


_SEVERITIES = SEVERITIES
_KIND_WORDS = {
    "let": Msg("let", "the let"),
    "weights": Msg("权重", "the weight of"),
    "tiers": Msg("档次表", "the tier table"),
    "cap": Msg("上限", "the cap of"),
}


def _places_ok(b: _Builder, tok: Any) -> bool:
    """Decimal places of a rounding are 0–6 (every number jixiao rounds stays exact)."""
    text = str(tok)
    if len(text) <= 3 and int(text) <= MAX_PLACES:
        return True
    b.problem(
        Msg(
            f"舍入位数 {text[:12]} 超出 0–{MAX_PLACES}",
            f"rounding places {text[:12]} are outside 0–{MAX_PLACES}",
        ),
        b.tok_loc(tok),
        Msg("如 rounding 2 half_up", "e.g. rounding 2 half_up"),
        code="limits",
    )
    return False


def _build_file(b: _Builder, tree: Tree[Any]) -> A.PolicyFile:
    fields: dict[str, Any] = {
        "lets": [],
        "weights": [],
        "budget_rules": [],
        "budget_drops": [],
        "rules": [],
        "drops": [],
        "tiers": [],
        "examples": [],
    }
    seen: dict[str, Location] = {}

    def once(key: str, item: Tree[Any]) -> bool:
        if key in seen:
            b.problem(
                Msg(
                    f"「{key}」重复声明（首次在 {seen[key]}）",
                    f"{key!r} is declared twice (first at {seen[key]})",
                ),
                b.loc(item),
            )
            return False
        seen[key] = b.loc(item)
        return True

    named: dict[tuple[str, str], Location] = {}

    def unique(kind: str, name: str, loc: Location) -> bool:
        """A let, weight entry or tier table is stated once per file (``extends`` overrides)."""
        first = named.setdefault((kind, name), loc)
        if first is loc:
            return True
        what = _KIND_WORDS[kind]
        b.problem(
            Msg(
                f"{what.zh}「{name}」在本文件中重复（首次在第 {first.line} 行）",
                f"{what.en} {name!r} is stated twice in this file (first at line {first.line})",
            ),
            loc,
            Msg(
                "覆盖继承的定义请放在 extends 的子文件中",
                "to override an inherited one, state it in a file that extends it",
            ),
            code="name",
        )
        return False

    for item in tree.children:
        d = item.data
        ch = item.children
        if d == "policy_decl" and once("policy", item):
            fields["name"] = b.string(ch[0])
            if len(ch) > 1:
                fields["version"] = b.string(ch[1])
        elif d == "extends" and once("extends", item):
            fields["extends"] = b.string(ch[0])
            fields["extends_loc"] = b.tok_loc(ch[0])
        elif d == "title" and once("title", item):
            fields["title"] = (b.string(ch[0]), b.string(ch[1]) if len(ch) > 1 else None)
        elif d == "source" and once("source", item):
            fields["source"] = b.string(ch[0])
        elif d == "regions" and once("regions", item):
            fields["regions"] = tuple(b.string(s) for s in ch)
        elif d == "years" and once("years", item):
            fields["years"] = (int(str(ch[0])), int(str(ch[1])) if len(ch) > 1 else None)
        elif d == "rounding" and len(ch) == 3:
            # ``rounding rate 4 half_up``: where this rounding applies (lines, rate or total)
            where, mode = str(ch[0]), str(ch[2])
            places = int(str(ch[1])) if len(str(ch[1])) <= 3 else MAX_PLACES + 1
            if where not in ROUNDING_PLACES:
                b.problem(
                    Msg(f"未知的舍入对象「{where}」", f"unknown rounding target {where!r}"),
                    b.tok_loc(ch[0]),
                    suggest(where, ROUNDING_PLACES),
                )
            elif mode not in _ROUNDING_MODES:
                b.problem(
                    Msg(f"未知的舍入方式「{mode}」", f"unknown rounding mode {mode!r}"),
                    b.tok_loc(ch[2]),
                    suggest(mode, _ROUNDING_MODES),
                )
            elif _places_ok(b, ch[1]):
                fields.setdefault("rounding_at", []).append((where, places, mode, b.tok_loc(ch[0])))
        elif d == "rounding" and once("rounding", item):
            fields["rounding"] = (int(str(ch[0])) if _places_ok(b, ch[0]) else 2, str(ch[1]))
            fields["rounding_loc"] = b.tok_loc(ch[1])
        elif d == "tolerance" and once("tolerance", item):
            value, _unit = b.number(ch[0])
            fields["tolerance"] = value
        elif d == "let":
            if unique("let", str(ch[0]), b.tok_loc(ch[0])):
                fields["lets"].append((str(ch[0]), _build_expr(b, ch[1]), b.tok_loc(ch[0])))
        elif d == "weights":
            for w in ch:
                if w.data == "weight_entry":
                    value, unit = b.number(w.children[1])
                    if unit is not None or not str(w.children[1])[-1:].isdigit():
                        b.problem(
                            Msg(
                                f"权重不带单位：「{w.children[1]}」",
                                f"a weight is a bare number of points, not {str(w.children[1])!r}",
                            ),
                            b.tok_loc(w.children[1]),
                            Msg("写成 产出指标 50", "write e.g. 产出指标 50"),
                        )
                    if unique("weights", str(w.children[0]), b.tok_loc(w.children[0])):
                        fields["weights"].append(
                            (str(w.children[0]), value, b.tok_loc(w.children[0]))
                        )
                else:
                    fields["deviation"] = str(w.children[0].children[0])
        elif d == "budget":
            for r in ch:
                if r.data == "drop":
                    fields["budget_drops"].append((b.string(r.children[0]), b.loc(r)))
                elif r.data == "amend":
                    fields["budget_rules"].append(_build_rule(b, r))
                else:
                    fields["budget_rules"].append(_build_rule(b, r))
        elif d in ("rule", "amend"):
            fields["rules"].append(_build_rule(b, item))
        elif d == "drop":
            fields["drops"].append((b.string(ch[0]), b.loc(item)))
        elif d == "not_applicable" and once("not_applicable", item):
            fields["not_applicable"] = tuple(b.string(w) for w in ch)
        elif d in ("cap_section", "cap_total"):
            name = b.string(ch[0]) if d == "cap_section" else ""
            value, unit = b.number(ch[-1])
            if unit not in (None, "分") or str(ch[-1]).endswith(("%", "‰")):
                b.problem(
                    Msg(
                        f"上限以分计：「{ch[-1]}」",
                        f"a cap is a number of points, not {str(ch[-1])!r}",
                    ),
                    b.tok_loc(ch[-1]),
                    Msg('写成 cap "成本指标" 5', 'write e.g. cap "成本指标" 5'),
                )
            elif unique("cap", name or "total", b.tok_loc(ch[0]) if name else b.loc(item)):
                fields.setdefault("caps", []).append((name, value, b.loc(item)))
        elif d == "drop_tiers":
            fields.setdefault("tier_drops", []).append((b.string(ch[0]), b.tok_loc(ch[0])))
        elif d == "tiers":
            table = _build_tiers(b, item)
            if unique("tiers", table.name, table.loc):
                fields["tiers"].append(table)
        elif d == "grades" and once("grades", item):
            pairs = []
            labels = []
            rest = list(ch)
            while rest:
                grade = str(rest.pop(0))
                if rest and isinstance(rest[0], Token) and rest[0].type == "STRING":
                    labels.append((grade, b.string(rest.pop(0))))
                pairs.append((grade, interval_of(b, rest.pop(0))))
            fields["grades"] = tuple(pairs)
            fields["grade_labels"] = tuple(labels)
            fields["grades_loc"] = b.loc(item)
        elif d == "placeholders" and once("placeholders", item):
            fields["placeholders"] = tuple(b.string(s) for s in ch)
        elif d == "reason_cues" and once("reason_cues", item):
            fields["reason_cues"] = tuple(
                (str(c.children[0]), tuple(b.string(s) for s in c.children[1:])) for c in ch
            )
        elif d == "code_severity":
            # ``severity ACTUAL_NOT_NUMERIC warning``: the severity of a built-in finding code
            fields.setdefault("severities", []).append(
                (str(ch[0]), str(ch[1].children[0]), b.tok_loc(ch[0]))
            )
        elif d == "example":
            fields["examples"].append(_build_example(b, item))
    rounding_loc = fields.pop("rounding_loc", None)
    if "rounding" in fields and fields["rounding"][1] not in _ROUNDING_MODES:
        mode = fields["rounding"][1]
        b.problem(
            Msg(f"未知的舍入方式「{mode}」", f"unknown rounding mode {mode!r}"),
            rounding_loc or Location(b.path),
            suggest(mode, _ROUNDING_MODES),
        )
    fields["rounding_at"] = tuple(fields.get("rounding_at", ()))
    fields["tier_drops"] = tuple(fields.get("tier_drops", ()))
    fields["caps"] = tuple(fields.get("caps", ()))
    for key in (
        "lets",
        "weights",
        "budget_rules",
        "budget_drops",
        "rules",
        "drops",
        "tiers",
        "examples",
    ):
        fields[key] = tuple(fields[key])
    return A.PolicyFile(path=b.path, text=b.text, **fields)


_ROUNDING_MODES = ("half_up", "half_even", "half_down", "down", "up", "floor", "ceiling")
ROUNDING_PLACES = ("lines", "rate", "total")


def _build_rule(b: _Builder, tree: Tree[Any]) -> A.Rule:
    ch = list(tree.children)
    name = b.string(ch.pop(0))
    en = b.string(ch.pop(0)) if ch and isinstance(ch[0], Token) and ch[0].type == "STRING" else None
    placement = None
    when = None
    if ch and isinstance(ch[0], Tree) and ch[0].data == "placement":
        p = ch.pop(0)
        placement = (str(p.children[0].children[0]), b.string(p.children[1]))
    stmts: list[A.Stmt] = []
    stmt_kinds = {
        "met_stmt",
        "score_stmt",
        "tiers_stmt",
        "unscored_stmt",
        "reason_stmt",
        "finding_stmt",
        "accept_stmt",
        "explain_stmt",
    }
    if ch and not (isinstance(ch[0], Tree) and ch[0].data in stmt_kinds):
        when = _build_expr(b, ch.pop(0))
    for s in ch:
        stmts.append(_build_stmt(b, s))
    return A.Rule(
        name, when, tuple(stmts), placement, loc=b.loc(tree), amend=tree.data == "amend", en=en
    )


def _build_stmt(b: _Builder, s: Tree[Any]) -> A.Stmt:
    d = s.data
    ch = s.children
    loc = b.loc(s)
    if d == "met_stmt":
        return A.MetStmt(_build_expr(b, ch[0]), text=b.source_of(ch[0]), loc=loc)
    if d == "score_stmt":
        return A.ScoreStmt(_build_expr(b, ch[0]), text=b.source_of(ch[0]), loc=loc)
    if d == "tiers_stmt":
        return A.TiersStmt(b.string(ch[0]), loc=loc)
    if d == "unscored_stmt":
        return A.UnscoredStmt(b.string(ch[0]), b.string(ch[1]) if len(ch) > 1 else None, loc=loc)
    if d == "reason_stmt":
        if not ch:
            return A.ReasonStmt(None, False, loc=loc)
        cond = ch[0]
        kw = str(cond.children[0].children[0])
        return A.ReasonStmt(_build_expr(b, cond.children[1]), kw == "unless", loc=loc)
    if d == "finding_stmt":
        severity = str(ch[0].children[0])
        code_tok = ch[1]
        code = str(code_tok)
        if not code.isascii() or not code.replace("_", "").isalnum() or code.upper() != code:
            example = code.upper() if code.isascii() else "OVERACHIEVED"
            b.problem(
                Msg(
                    f"发现代码「{code}」应为大写英文字母、数字和下划线",
                    f"the finding code {code!r} must be capital letters, digits and underscores",
                ),
                b.tok_loc(code_tok),
                Msg(f"例如 {example}", f"e.g. {example}"),
            )
        rest = list(ch[2:])
        cond_expr = None
        if rest and not (isinstance(rest[0], Token) and rest[0].type == "STRING"):
            cond_expr = _build_expr(b, rest.pop(0))
        reason = bool(rest and isinstance(rest[-1], Tree) and rest[-1].data == "reason_flag")
        if reason:
            rest.pop()
        zh = b.string(rest[0])
        en = b.string(rest[1]) if len(rest) > 1 else None
        return A.FindingStmt(severity, code, cond_expr, zh, en, reason, loc=loc)  # type: ignore[arg-type]
    if d == "accept_stmt":
        return A.AcceptStmt(_build_expr(b, ch[0]), text=b.source_of(ch[0]), loc=loc)
    if d == "explain_stmt":
        outcome = str(ch[0].children[0])
        return A.ExplainStmt(
            outcome,  # type: ignore[arg-type]
            b.string(ch[1]),
            b.string(ch[2]) if len(ch) > 2 else None,
            loc=loc,
        )
    raise AssertionError(d)  # pragma: no cover


def _build_tiers(b: _Builder, tree: Tree[Any]) -> A.TierTable:
    ch = tree.children
    name = b.string(ch[0])
    tiers: list[A.Tier] = []
    roles: list[tuple[str, str, Location]] = []
    status: list[tuple[str, str, Location]] = []
    drops: list[tuple[str, Location]] = []
    moves: list[tuple[tuple[str, ...], str, Location]] = []
    for item in ch[1:]:
        if item.data == "tier":
            parts = list(item.children)
            tname = str(parts.pop(0))
            label = None
            if isinstance(parts[0], Token) and parts[0].type == "STRING":
                label = b.string(parts.pop(0))
            band = interval_of(b, parts.pop(0))
            default = None
            words: tuple[str, ...] = ()
            for p in parts:
                if isinstance(p, Token):
                    default, _ = b.number(p)
                else:
                    words = tuple(b.string(w) for w in p.children)
            tiers.append(
                A.Tier(tname, band, default, words, loc=b.tok_loc(item.children[0]), en=label)
            )
        elif item.data == "tier_drop":
            drops.append((str(item.children[0]), b.tok_loc(item.children[0])))
        elif item.data == "tier_move":
            *texts, target = item.children
            moved = tuple(b.string(w) for w in texts)
            moves.append((moved, str(target), b.tok_loc(target)))
        elif item.data == "tier_role":
            role_tok = item.children[0].children[0]
            roles.append((str(role_tok), str(item.children[1]), b.tok_loc(item.children[1])))
        else:
            status.append(
                (str(item.children[0]), str(item.children[1]), b.tok_loc(item.children[0]))
            )
    return A.TierTable(
        name,
        tuple(tiers),
        tuple(roles),
        tuple(status),
        loc=b.loc(tree),
        drops=tuple(drops),
        moves=tuple(moves),
    )


def _example_value(b: _Builder, v: Any) -> object:
    d = v.data
    if d == "ex_string":
        return b.string(v.children[0])
    if d in ("ex_number", "ex_negative"):
        tok = v.children[0]
        text = str(tok)
        value, unit = b.number(tok)
        if unit is not None:
            return text if d == "ex_number" else "-" + text
        if text.endswith("%"):
            value = value * 100  # an expected rate or percentage is given on the percent scale
        return -value if d == "ex_negative" else value
    if d == "ex_name":
        return str(v.children[0])
    if d == "ex_true":
        return True
    if d == "ex_false":
        return False
    return None


def _build_example(b: _Builder, tree: Tree[Any]) -> A.Example:
    ch = tree.children
    name = b.string(ch[0])
    inputs: list[tuple[str, object, Location]] = []
    expects: list[tuple[str, object, Location]] = []
    findings: list[tuple[str, bool, Location]] = []
    for item in ch[1:]:
        if item.data == "example_input":
            inputs.append((str(item.children[0]), _example_value(b, item.children[1]), b.loc(item)))
        elif item.data == "example_expect":
            expects.append(
                (str(item.children[0]), _example_value(b, item.children[1]), b.loc(item))
            )
        elif item.data == "example_finding":
            findings.append((str(item.children[0]), True, b.loc(item)))
        else:
            findings.append((str(item.children[0]), False, b.loc(item)))
    return A.Example(name, tuple(inputs), tuple(expects), tuple(findings), loc=b.loc(tree))
