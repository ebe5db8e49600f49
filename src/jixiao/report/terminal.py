"""Rich renderings for the terminal: one table per form, findings, explanations, summaries.

Every function draws on a :class:`rich.console.Console` passed in, so the caller decides where the
output goes and whether it is coloured (rich leaves colour out when the stream is not a TTY).

Longer than 500 lines on purpose: it is the terminal's half of every command (forms, findings,
explanations, batch summaries, parsed cells, policies), and each part draws with the same few
private pieces (the console that escapes control characters, the status marks, the severity
styles, the row helper). Its sections are marked below; a new command's rendering that needs none
of them belongs in a module of its own.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import IO, TYPE_CHECKING, Any

from rich import box
from rich.console import Console
from rich.segment import Segment
from rich.table import Table
from rich.text import Text

from jixiao.catalog import severity_rank
from jixiao.decimals import in_context
from jixiao.errors import TargetSyntaxError
from jixiao.escape import visible
from jixiao.i18n import (
    UNCLASSIFIED,
    Msg,
    basis_text,
    kind_text,
    place_text,
    section_label,
    tr,
    word,
)
from jixiao.report._common import (
    BatchEntry,
    check_mark,
    finding_place,
    fmt_rate,
    fmt_score,
    fmt_weight,
    form_label,
    grade_text,
    policy_title,
    row_status,
    rule_name,
    severity_text,
    t,
    verification_line,
)

if TYPE_CHECKING:
    from jixiao.evaluate import Finding, FormResult, IndicatorResult, Step
    from jixiao.evaluate.examples import ExampleOutcome
    from jixiao.policy.model import Policy

__all__ = [
    "make_console",
    "render_examples",
    "render_explain",
    "render_findings",
    "render_form",
    "render_policy_list",
    "render_policy_summary",
    "render_summary",
    "render_targets",
    "syntax_error_text",
]

_COMPUTED_TOTAL = Msg("复核总分 ", "Computed total ")
_CLAIMED_GRADE = Msg("（自评 {claimed}）   等级 ", " (claimed {claimed})   Grade ")
_PARTIAL = Msg("  （部分合计，不评定等级）", "  (partial total, no grade)")
_FAILED_FILES = Msg("，{failed} {what}", ", {failed} {what}")
_PASS = Msg("通过 ", "PASS ")
_FAIL = Msg("失败 ", "FAIL ")
_EXAMPLE_COUNTS = Msg("{passed} 个通过，{failed} 个失败", "{passed} passed, {failed} failed")

#: The words of ``policy lint``'s summary of a good policy file.
_POLICY_WORDS: dict[str, Msg] = {
    "file": Msg("文件", "file"),
    "source": Msg("依据", "source"),
    "years": Msg("适用年度", "years"),
    "rounding": Msg("舍入", "rounding"),
    "tolerance": Msg("复核容差", "tolerance"),
    "tiers": Msg("档次表", "tiers"),
    "findings": Msg("发现代码", "findings"),
    "examples": Msg("示例", "examples"),
    "rules": Msg("规则（自上而下，第一条匹配的生效）", "rules"),
    "kind": Msg("类别", "kind"),
    "name": Msg("名称", "name"),
    "where": Msg("位置", "where"),
    "budget": Msg("预算", "budget"),
    "indicator": Msg("指标", "indicator"),
}

#: The columns of ``policy list``.
_LIST_WORDS: dict[str, Msg] = {
    "name": Msg("名称", "name"),
    "version": Msg("版本", "version"),
    "title": Msg("标题", "title"),
    "file": Msg("文件", "file"),
}

SEVERITY_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}
STATUS_STYLE = {"error": "bold red", "warning": "yellow", "ok": "green"}
_WIDE = 140  # when output is piped, rich would wrap at 80 columns: too narrow for the table


def make_console(*, stderr: bool = False, file: IO[str] | None = None) -> Console:
    """A console for stdout (or stderr): colour only on a TTY, wide when piped to a file."""
    stream = file if file is not None else (sys.stderr if stderr else sys.stdout)
    console = SafeConsole(file=stream, highlight=False, soft_wrap=False)
    if not console.is_terminal and "COLUMNS" not in os.environ:
        console = SafeConsole(file=stream, highlight=False, width=_WIDE, soft_wrap=False)
    return console


def _add(table: Table, *cells: str | Text, end_section: bool = False) -> None:
    """Add a row; plain strings are data, never rich markup (a cell may hold ``[80%, 100%]``)."""
    table.add_row(
        *(Text(visible(c)) if isinstance(c, str) else c for c in cells), end_section=end_section
    )


def _sev(finding: Finding, lang: str) -> Text:
    return Text(
        severity_text(finding.severity, lang), style=SEVERITY_STYLE.get(finding.severity, "")
    )


class SafeConsole(Console):
    """A console that shows control characters in the text it prints as visible escapes.

    Only the text of segments is escaped (a cell's ``\\x1b[2J`` becomes the eight characters
    ``\\x1b[2J``); the styles rich itself renders are untouched. So nothing read from a form
    (an ESC sequence, an OSC 8 hyperlink, a carriage return, a bidi override) reaches the
    terminal raw, whichever function printed it.
    """

    def _render_buffer(self, buffer: Iterable[Segment]) -> str:
        return super()._render_buffer(
            Segment(visible(s.text), s.style, s.control) if s.control is None else s for s in buffer
        )


def _mark(findings: Iterable[Finding], verified: bool = True) -> Text:
    findings = tuple(findings)
    status = row_status(findings)
    mark = check_mark(findings, verified)
    return Text(mark, style=STATUS_STYLE[status] if verified else "bold yellow")


def _section_ends(result: FormResult) -> dict[int, str]:
    """Index of the last indicator of each section → the section's name (for subtotal rows)."""
    last: dict[str, int] = {}
    for i, r in enumerate(result.indicators):
        last[r.level1 or UNCLASSIFIED] = i
    return {i: name for name, i in last.items()}


def _cells(result: FormResult, i: int, r: IndicatorResult) -> tuple[str, str]:
    """The target and actual as the unit wrote them (else as parsed)."""
    inds = result.form.indicators
    if len(inds) == len(result.indicators):
        return inds[i].target, inds[i].actual
    return (
        r.target.render() if r.target is not None else "",
        r.actual.render() if r.actual is not None else "",
    )


COMPACT_BELOW = 110  # columns: below this, the table drops the level and rule columns


@in_context
def form_table(result: FormResult, lang: str = "zh", *, width: int | None = None) -> Table:
    """The per-form table: budget row, each indicator, section subtotals, total.

    On a narrow console (*width* below 110 columns) the 一级/二级 columns become heading rows and
    the rule column is left out (``jixiao explain`` names every rule).
    """
    compact = width is not None and width < COMPACT_BELOW
    places = result.policy.places
    title = form_label(result)
    if result.form.year:
        title += f"（{result.form.year}）" if lang != "en" else f" ({result.form.year})"
    table = Table(title=Text(title), box=box.SIMPLE_HEAVY, title_style="bold", expand=True)
    text_keys = (
        ("level3", "target", "actual")
        if compact
        else ("level1", "level2", "level3", "target", "actual")
    )
    for key in text_keys:
        # the text columns share the width; the indicator's name gets the largest share
        table.add_column(t(key, lang), overflow="fold", ratio=3 if key == "level3" else 2)
    for key in ("weight", "claimed", "computed"):
        table.add_column(t(key, lang), justify="right", no_wrap=True)
    if not compact:
        table.add_column(t("rule", lang), overflow="fold", min_width=8)
    table.add_column(t("check", lang), justify="center", no_wrap=True)

    def row(*cells: str | Text, end_section: bool = False) -> None:
        """Add a full-width row (10 cells); the compact table drops levels and rule."""
        chosen = [cells[i] for i in (2, 3, 4, 5, 6, 7, 9)] if compact else list(cells)
        _add(table, *chosen, end_section=end_section)

    b = result.budget
    row(
        "",
        "",
        t("budget", lang),
        "",
        f"{t('rate', lang)} {fmt_rate(b.rate)}",
        fmt_weight(b.weight),
        fmt_score(b.claimed, places),
        Text(fmt_score(b.score, places), style="bold"),
        b.rule.title(lang) if b.rule is not None else "—",
        _mark(b.findings, b.verified),
        end_section=compact,
    )
    ends = _section_ends(result)
    sections = {s.name: s for s in result.sections}
    previous = ("", "")
    for i, r in enumerate(result.indicators):
        target, actual = _cells(result, i, r)
        # like the merged cells of the printed form: a level is written once per run
        level1 = "" if r.level1 == previous[0] else r.level1
        level2 = "" if (r.level1, r.level2) == previous else r.level2
        previous = (r.level1, r.level2)
        if compact and level1:
            _add(table, Text(level1, style="bold"), *([""] * 6))
        if compact and level2:
            _add(table, Text(level2, style="italic"), *([""] * 6))
        row(
            level1,
            level2,
            r.name,
            target,
            actual,
            fmt_weight(r.weight),
            fmt_score(r.claimed, places),
            Text(fmt_score(r.score, places), style="bold"),
            rule_name(r, lang),
            _mark(r.findings, r.verified),
        )
        if i in ends and ends[i] in sections:
            s = sections[ends[i]]
            label = Text(f"{t('subtotal', lang)} {section_label(s.name, lang)}", style="dim")
            row(
                "" if compact else label,
                "",
                label if compact else "",
                "",
                "",
                Text(fmt_weight(s.weight), style="dim"),
                Text(fmt_score(s.claimed, places), style="dim"),
                Text(fmt_score(s.score, places), style="dim bold"),
                "",
                "",
                end_section=True,
            )
            previous = ("", "")
    weight_total = b.weight + sum((r.weight or Decimal(0) for r in result.indicators), Decimal(0))
    grade = Text(
        f"{t('grade', lang)} {grade_text(result.grade, lang, result.policy)}", style="bold"
    )
    total = Text(t("total", lang), style="bold")
    row(
        "" if compact else total,
        "",
        total if compact else "",
        "",
        grade if compact else "",
        fmt_weight(weight_total),
        Text(fmt_score(result.claimed_total, places), style="bold"),
        Text(
            fmt_score(result.total, places)
            + (f" ({t('partial', lang)})" if result.partial else ""),
            style="bold",
        ),
        grade,
        _mark(result.form_findings),
    )
    return table


@in_context
def total_line(result: FormResult, lang: str = "zh") -> Text:
    """``复核总分 95.71（自评 95.71）  等级 优`` — the line the README promises."""
    places = result.policy.places
    claimed = fmt_score(result.claimed_total, places)
    style = "bold green" if result.ok else "bold red"
    text = Text()
    text.append(_COMPUTED_TOTAL.text(lang), style="bold")
    text.append(fmt_score(result.total, places), style=style)
    text.append(_CLAIMED_GRADE.text(lang, claimed=claimed), style="bold")
    text.append(grade_text(result.grade, lang, result.policy), style="bold")
    if result.partial:
        text.append(_PARTIAL.text(lang), style="bold red")
    return text


def _verification(result: FormResult, lang: str) -> Text:
    style = "green" if result.unverified_rows == 0 and result.budget.verified else "yellow"
    return Text(verification_line(result, lang), style=style)


def _policy_line(result: FormResult, lang: str) -> Text:
    p = result.policy
    title = policy_title(p, lang)
    return Text(f"{t('policy', lang)}: {p.name} {p.version}  {title}", style="dim")


def _findings_lines(console: Console, findings: Sequence[Finding], lang: str) -> None:
    if not findings:
        console.print(Text(t("no_findings", lang), style="green"))
        return
    console.print(Text(f"{t('findings', lang)} ({len(findings)})", style="bold"))
    # a long place or message wraps under itself (a hanging indent), never back to column 0
    rows: list[tuple[Text, Text]] = []
    for f in findings:
        head = Text("  ")
        head.append(
            f"[{severity_text(f.severity, lang)}]", style=SEVERITY_STYLE.get(f.severity, "")
        )
        head.append(f" {f.code}", style="bold")
        body = Text()
        place = finding_place(f, lang)
        if place:
            body.append(place, style="dim")
            body.append("  ")
        body.append(f.message(lang))
        rows.append((head, body))
    indent = max(head.cell_len for head, _ in rows) + 2
    width = max(20, console.width - indent)
    for head, body in rows:
        for i, line in enumerate(body.wrap(console, width)):
            line.rstrip()
            out = head.copy() if i == 0 else Text()
            out.pad_right(indent - out.cell_len)
            out.append_text(line)
            console.print(out, soft_wrap=True)


@in_context
def render_form(console: Console, result: FormResult, lang: str = "zh") -> None:
    """The score table of one form, its total and grade, then its findings."""
    console.print(form_table(result, lang, width=console.width))
    console.print(total_line(result, lang))
    console.print(_verification(result, lang))
    console.print(_policy_line(result, lang))
    _findings_lines(console, result.findings, lang)
    console.print()


@in_context
def findings_table(
    findings: Sequence[Finding], lang: str = "zh", names: dict[int, str] | None = None
) -> Table:
    """Code, severity, location (with the indicator's name under it) and message per finding."""
    names = names or {}
    table = Table(box=box.SIMPLE, show_header=True)
    table.add_column(t("code", lang), no_wrap=True)
    table.add_column(t("severity", lang), no_wrap=True)
    table.add_column(t("where", lang), overflow="fold")
    table.add_column(t("message", lang), overflow="fold", ratio=1)
    for f in findings:
        where = Text(place_text(f.where, lang))
        label = f.label(lang)
        if label:
            where.append(f"\n{label}", style="dim")
        elif id(f) in names:
            where.append(f"\n{names[id(f)]}", style="dim")
        _add(table, Text(f.code, style="bold"), _sev(f, lang), where, f.message(lang))
    return table


def _counts(result: FormResult, lang: str) -> str:
    parts = [
        f"{t('errors', lang)} {result.count('error')}",
        f"{t('warnings', lang)} {result.count('warning')}",
        f"{t('infos', lang)} {result.count('info')}",
    ]
    return "，".join(parts) if lang != "en" else ", ".join(parts)


@in_context
def render_findings(console: Console, result: FormResult, lang: str = "zh") -> None:
    """The audit of one form: a heading with the counts, then every finding with its place."""
    head = Text(form_label(result), style="bold")
    if result.form.source:
        head.append(f"  ({result.form.source})", style="dim")
    head.append(f"  {_counts(result, lang)}", style="bold red" if not result.ok else "green")
    console.print(head)
    findings = sorted(result.findings, key=lambda f: severity_rank(f.severity))
    names = {id(f): r.name for r in result.indicators for f in r.findings if r.name}
    if findings:
        console.print(findings_table(findings, lang, names))
    else:
        console.print(Text("  " + t("no_findings", lang), style="green"))
    console.print(total_line(result, lang))
    console.print(_verification(result, lang))
    console.print()


def _steps_lines(console: Console, steps: Sequence[Step], lang: str = "zh") -> None:
    for s in steps:
        values = ", ".join(
            f"{word('basis', lang)}={basis_text(v, lang)}" if k == "basis" else f"{k}={v}"
            for k, v in s.values
        )
        line = Text("    ")
        line.append(f"{s.label}: ", style="dim")
        line.append(s.formula)
        if values:
            line.append(f"  [{values}]", style="dim")
        line.append(f" → {s.result}")
        if s.rounded is not None and s.rounded != s.result:
            line.append(f" → {s.rounded}", style="bold")
        console.print(line)


@in_context
def render_explain(console: Console, result: FormResult, lang: str = "zh") -> None:
    """Every indicator with its sentence and arithmetic, the budget, and the total."""
    places = result.policy.places
    console.print(Text(form_label(result), style="bold underline"))
    console.print(_policy_line(result, lang))
    b = result.budget
    head = Text(f"{t('budget', lang)}  ", style="bold")
    head.append(f"{fmt_score(b.score, places)} / {fmt_weight(b.weight)}")
    if b.rule is not None:
        head.append(f"  {b.rule.label}", style="dim")
    console.print(head)
    console.print(Text("    " + b.explanation(lang)))
    _steps_lines(console, b.steps(), lang)
    for f in b.findings:
        console.print(Text(f"    [{severity_text(f.severity, lang)}] {f.code} {f.message(lang)}"))
    for i, r in enumerate(result.indicators, start=1):
        head = Text(f"{i}. ", style="bold")
        path = " / ".join(p for p in (r.level1, r.level2, r.name) if p)
        head.append(path, style="bold")
        head.append(f"  {fmt_score(r.score, places)} / {fmt_weight(r.weight)}")
        if r.claimed is not None:
            claimed = fmt_score(r.claimed, places)
            head.append(f"  ({t('claimed', lang)} {claimed})", style="dim")
        if r.rule is not None:
            head.append(f"  {r.rule.label}", style="dim")
        console.print(head)
        console.print(Text("    " + r.explanation(lang)))
        _steps_lines(console, r.steps(), lang)
        for f in r.findings:
            line = Text("    ")
            line.append(
                f"[{severity_text(f.severity, lang)}]", style=SEVERITY_STYLE.get(f.severity, "")
            )
            line.append(f" {f.code} {f.message(lang)}")
            console.print(line)
    for s in result.sections:
        console.print(
            Text(
                f"{t('subtotal', lang)} {section_label(s.name, lang)}: {fmt_score(s.score, places)} / {fmt_weight(s.weight)}",
                style="dim",
            )
        )
    console.print(total_line(result, lang))
    for f in result.form_findings:
        line = Text("  ")
        line.append(
            f"[{severity_text(f.severity, lang)}]", style=SEVERITY_STYLE.get(f.severity, "")
        )
        line.append(f" {f.code} {f.message(lang)}")
        console.print(line)
    console.print()


@in_context
def summary_table(entries: Sequence[BatchEntry], lang: str = "zh") -> Table:
    """One row per form (or per unreadable file) of a batch."""
    table = Table(title=t("summary", lang), box=box.SIMPLE_HEAVY, title_style="bold")
    table.add_column(t("form", lang), overflow="fold")
    table.add_column(t("file", lang), overflow="fold", style="dim")
    table.add_column(t("claimed_total", lang), justify="right")
    table.add_column(t("computed_total", lang), justify="right")
    table.add_column(t("grade", lang), justify="center", overflow="fold")
    table.add_column(t("errors", lang), justify="right")
    table.add_column(t("warnings", lang), justify="right")
    table.add_column(t("verified", lang), justify="right")
    table.add_column(t("unverified_points", lang), justify="right")
    for e in entries:
        r = e.result
        if r is None:
            _add(
                table,
                Text(t("unreadable", lang), style="bold red"),
                e.source,
                "—",
                "—",
                "—",
                Text("1", style="bold red"),
                "0",
                "—",
                "—",
            )
            continue
        places = r.policy.places
        errors = r.count("error")
        _add(
            table,
            form_label(r),
            r.form.source or e.source,
            fmt_score(r.claimed_total, places),
            Text(fmt_score(r.total, places), style="bold"),
            grade_text(r.grade, lang, r.policy),
            Text(str(errors), style="bold red" if errors else "green"),
            Text(str(r.count("warning")), style="yellow" if r.count("warning") else ""),
            Text(
                f"{r.verified_rows}/{len(r.indicators)}",
                style="yellow" if r.unverified_rows else "green",
            ),
            fmt_score(r.unverified_points, places),
        )
    return table


@in_context
def render_summary(console: Console, entries: Sequence[BatchEntry], lang: str = "zh") -> None:
    console.print(summary_table(entries, lang))
    scored = sum(1 for e in entries if not e.failed)
    failed = len({e.source for e in entries if e.failed})
    line = f"{scored} {t('forms_scored', lang)}"
    if failed:
        line += _FAILED_FILES.text(lang, failed=failed, what=t("files_failed", lang))
    console.print(Text(line, style="bold red" if failed else "bold"))


# ----------------------------------------------------------------------------- targets


def _value_of(d: dict[str, Any]) -> str:
    kind = d.get("kind")
    if kind == "range":
        return f"{d.get('low')}-{d.get('high')}"
    if kind == "deadline":
        parts = [str(d[k]) for k in ("year", "month", "day") if d.get(k) is not None]
        return "-".join(parts)
    if kind in ("qualitative", "outcome"):
        return str(d.get("text", ""))
    value = d.get("value")
    return "" if value is None else str(value)


@in_context
def targets_table(rows: Sequence[tuple[str, dict[str, Any], str]], lang: str = "zh") -> Table:
    """``(cell text, to_dict(), canonical text)`` rows as a table."""
    table = Table(box=box.SIMPLE_HEAVY)
    for key in ("cell", "kind", "op", "value", "unit", "canonical"):
        table.add_column(t(key, lang), overflow="fold")
    for text, d, canonical in rows:
        _add(
            table,
            text,
            kind_text(str(d.get("kind", "")), lang),
            str(d.get("op") or ""),
            _value_of(d),
            str(d.get("unit") or ""),
            canonical,
        )
    return table


@in_context
def render_targets(
    console: Console, rows: Sequence[tuple[str, dict[str, Any], str]], lang: str = "zh"
) -> None:
    console.print(targets_table(rows, lang))


def syntax_error_text(err: TargetSyntaxError, lang: str = "zh") -> str:
    """The message, the cell with a caret under the bad character, what was expected, a hint."""
    # the caret line is already aligned under the escaped text (see caret_line)
    return visible(err.render(lang))


# ----------------------------------------------------------------------------- policies


def render_policy_summary(console: Console, policy: Policy, lang: str = "zh") -> None:
    """Name, version, weights, rules with file:line — what ``policy lint`` prints for a good file."""
    title = policy_title(policy, lang)
    head = Text(f"{policy.name} {policy.version}", style="bold green")
    head.append(f"  {title}")
    console.print(head)
    info = Table.grid(padding=(0, 2))
    info.add_column(style="dim")
    info.add_column()
    _add(info, tr(_POLICY_WORDS["file"], lang), policy.path)
    if policy.source:
        _add(info, tr(_POLICY_WORDS["source"], lang), policy.source)
    if policy.years is not None:
        start, end = policy.years
        _add(info, tr(_POLICY_WORDS["years"], lang), f"{start}..{end if end is not None else ''}")
    _add(info, tr(_POLICY_WORDS["rounding"], lang), f"{policy.places} {policy.rounding}")
    _add(info, tr(_POLICY_WORDS["tolerance"], lang), f"{policy.tolerance:f}")
    weights = "  ".join(f"{k} {fmt_weight(v)}" for k, v in policy.weights.items())
    _add(info, t("weight", lang), weights)
    grades = "  ".join(f"{name} {_interval(band)}" for name, band in policy.grades)
    _add(info, t("grade", lang), grades)
    if policy.tiers:
        _add(info, tr(_POLICY_WORDS["tiers"], lang), "、".join(policy.tiers))
    codes = sorted(policy.finding_codes())
    if codes:
        _add(info, tr(_POLICY_WORDS["findings"], lang), " ".join(codes))
    _add(info, tr(_POLICY_WORDS["examples"], lang), str(len(policy.examples)))
    console.print(info)
    table = Table(box=box.SIMPLE, title=tr(_POLICY_WORDS["rules"], lang))
    table.add_column("#", justify="right")
    table.add_column(tr(_POLICY_WORDS["kind"], lang))
    table.add_column(tr(_POLICY_WORDS["name"], lang))
    table.add_column(tr(_POLICY_WORDS["where"], lang), style="dim")
    n = 0
    for kind, rules in (
        (tr(_POLICY_WORDS["budget"], lang), policy.budget_rules),
        (tr(_POLICY_WORDS["indicator"], lang), policy.rules),
    ):
        for r in rules:
            n += 1
            _add(table, str(n), kind, r.name, r.where)
    console.print(table)


def _interval(band: Any) -> str:
    low = "" if band.low is None else fmt_weight(band.low)
    high = "" if band.high is None else fmt_weight(band.high)
    return f"{'[' if band.low_inclusive else '('}{low}, {high}{']' if band.high_inclusive else ')'}"


def render_examples(console: Console, outcomes: Sequence[ExampleOutcome], lang: str = "zh") -> None:
    """Each example's pass/fail with file:line, failures indented, then the counts."""
    for o in outcomes:
        line = Text()
        if o.passed:
            line.append("✓ ", style="green")
            line.append(_PASS.text(lang), style="green")
        else:
            line.append("✗ ", style="bold red")
            line.append(_FAIL.text(lang), style="bold red")
        line.append(o.name)
        line.append(f"  {o.location}", style="dim")
        console.print(line)
        for failure in o.failure_texts(lang):
            console.print(Text(f"    {failure}", style="red"))
    failed = sum(1 for o in outcomes if not o.passed)
    passed = len(outcomes) - failed
    summary = _EXAMPLE_COUNTS.text(lang, passed=passed, failed=failed)
    console.print(Text(summary, style="bold red" if failed else "bold green"))


def render_policy_list(
    console: Console, rows: Sequence[tuple[str, str, str, str]], lang: str = "zh"
) -> None:
    """``(name, version, title, file)`` rows of the shipped policies."""
    table = Table(box=box.SIMPLE_HEAVY)
    table.add_column(tr(_LIST_WORDS["name"], lang), style="bold")
    table.add_column(tr(_LIST_WORDS["version"], lang))
    table.add_column(tr(_LIST_WORDS["title"], lang), overflow="fold")
    table.add_column(tr(_LIST_WORDS["file"], lang), style="dim")
    for name, version, title, path in rows:
        _add(table, name, version, title, path)
    console.print(table)
