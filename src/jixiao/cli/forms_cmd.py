"""``jixiao score``, ``jixiao check`` and ``jixiao explain``: forms in, reports out."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from jixiao.cli import inputs
from jixiao.cli.common import (
    CANNOT_WRITE,
    CONTEXT,
    LANG_OPTION,
    LIMIT_OPTION,
    apply_limits,
    check_output,
    err,
    fail,
    fail_error,
    load_policy_or_exit,
    note,
    open_out,
    run_lang,
)
from jixiao.cli.localized import LangCommand, option
from jixiao.errors import ReportError
from jixiao.escape import visible
from jixiao.forms.read import ANNOTATABLE
from jixiao.i18n import Msg, tr
from jixiao.report import BatchEntry, terminal
from jixiao.report.json_out import to_json, to_jsonl
from jixiao.report.markdown import markdown_report
from jixiao.report.terminal import make_console
from jixiao.report.xlsx_out import write_annotated_workbook, write_results_workbook
from jixiao.store import ResultStore, StoreError

if TYPE_CHECKING:
    from jixiao.evaluate import FormResult

__all__ = ["check", "explain", "score"]

F = TypeVar("F", bound=Callable[..., Any])


def _output_options(f: F) -> F:
    options = [
        option(
            "--policy",
            "-p",
            "policy_spec",
            default="central",
            show_default=True,
            metavar="NAME|PATH",
            help=Msg(
                "评分策略：内置名称、.policy 规则文件，或 auto（按地区与年度选用）。",
                "The scoring policy: a shipped policy's name, a .policy rule file, or auto "
                "(chosen by the form's region and year).",
            ),
        ),
        option(
            "--json",
            "as_json",
            is_flag=True,
            help=Msg(
                "输出 JSON：一张表一个对象，多张表为列表。",
                "Print JSON: one object for one form, a list for several.",
            ),
        ),
        option(
            "--jsonl",
            metavar="FILE|-",
            help=Msg(
                "每张表一行 JSON，写入文件，或以 - 表示标准输出。",
                "Write JSON lines, one form per line, to a file or - for stdout.",
            ),
        ),
        LANG_OPTION,
        option(
            "--markdown",
            metavar="FILE|-",
            help=Msg("写出 Markdown 复核报告。", "Write a Markdown report."),
        ),
        option(
            "--xlsx-out",
            metavar="FILE",
            help=Msg(
                "写出带复核得分的工作簿副本（JSON/CSV 等输入则写出新的结果工作簿）。",
                "Write an annotated copy of the workbook (a fresh results workbook for JSON, "
                "CSV and other input).",
            ),
        ),
        option(
            "--db",
            "db_path",
            metavar="PATH",
            help=Msg(
                "把结果存入 SQLite 结果库（与工作台共用）。",
                "Keep the results in a SQLite store, the one the workbench reads.",
            ),
        ),
        option(
            "--details",
            is_flag=True,
            help=Msg(
                "批量时也逐表打印，而不只是汇总表。",
                "In a batch, print each form too, not only the summary.",
            ),
        ),
        option(
            "--jobs",
            "-j",
            type=click.IntRange(min=1),
            default=None,
            metavar="N",
            help=Msg(
                "批量时用 N 个进程并行读取和评分，默认为 CPU 核数；输出顺序不变。",
                "Read and score a batch in N worker processes; default: the number of cores; "
                "the output order is unchanged.",
            ),
        ),
        option(
            "--include-hidden",
            is_flag=True,
            help=Msg(
                "也读取隐藏的工作表（默认跳过，并给出一条提示）。",
                "Read hidden and very hidden sheets too (by default they are skipped with an "
                "info finding).",
            ),
        ),
        LIMIT_OPTION,
    ]
    for decorate in reversed(options):
        f = decorate(f)
    return f


STDOUT_TWICE = Msg("{zh} 不能同时写到标准输出", "{en} cannot both write to stdout")


def _run_forms(
    ctx: click.Context,
    command: str,
    forms: Sequence[str],
    policy_spec: str,
    as_json: bool,
    jsonl: str | None,
    lang: str | None,
    markdown: str | None,
    xlsx_out: str | None,
    details: bool,
    include_hidden: bool = False,
    jobs: int | None = None,
    strict: bool = False,
    db_path: str | None = None,
    limit: Sequence[str] = (),
) -> None:
    apply_limits(limit)
    language = run_lang(ctx, lang)
    stdout_sinks = [
        name
        for name, on in (
            ("--json", as_json),
            ("--jsonl -", jsonl == "-"),
            ("--markdown -", markdown == "-"),
        )
        if on
    ]
    if len(stdout_sinks) > 1:
        raise click.UsageError(
            tr(
                STDOUT_TWICE,
                language,
                zh=" 与 ".join(stdout_sinks),
                en=" and ".join(stdout_sinks),
            )
        )
    policy = load_policy_or_exit(policy_spec)
    files, batch = inputs.collect_inputs(forms)
    for name, target in (
        ("--markdown", markdown),
        ("--jsonl", jsonl),
        ("--xlsx-out", xlsx_out),
        ("--db", db_path),
    ):
        if target and target != "-":
            check_output(name, Path(target), files)
    err_console = make_console(stderr=True)
    entries = inputs.score_files(
        files,
        policy,
        progress=batch and err_console.is_terminal,
        include_hidden=include_hidden,
        jobs=jobs if jobs is not None else inputs.auto_jobs(len(files)),
    )
    results = [e.result for e in entries if e.result is not None]
    failures = [e for e in entries if e.failed]

    if db_path:
        _store(db_path, command, entries)
    if xlsx_out:
        _write_xlsx(results, files, batch, xlsx_out, language, failures)
    if markdown:
        text = markdown_report(results, language, failures=failures) if results or failures else ""
        with open_out(markdown) as out:
            out.write(text)
        if markdown != "-":
            note(
                Msg("已写入 Markdown 报告：{path}", "wrote the Markdown report: {path}"),
                path=visible(markdown),
            )
    if jsonl:
        with open_out(jsonl) as out:
            for line in to_jsonl(results, language):
                out.write(line + "\n")
        if jsonl != "-":
            note(Msg("已写入 JSON lines：{path}", "wrote JSON lines: {path}"), path=visible(jsonl))
    if as_json:
        # an object for one form read from one file; a list for a batch, even of one form
        click.echo(to_json(results, language, many=batch or len(results) != 1))

    if not stdout_sinks:
        console = make_console()
        for r in results:
            if command == "score" and (not batch or details):
                terminal.render_form(console, r, language)
            elif command == "check":
                terminal.render_findings(console, r, language)
            elif command == "explain":
                terminal.render_explain(console, r, language)
        if batch or len(entries) > 1:
            terminal.render_summary(console, entries, language)
    for e in failures:
        err(e.error or e.source)

    status = 0
    if failures:
        status = 1
    if command == "check" and any(not r.ok for r in results):
        status = 1
    if command == "check" and strict and any(r.count("warning") for r in results):
        status = 1  # --strict: a warning (e.g. an unverified row) fails the check too
    ctx.exit(status)


def _store(path: str, command: str, entries: Sequence[BatchEntry]) -> None:
    """Keep every result (and every unreadable file) of this run in the results store."""
    per_source: dict[str, int] = {}
    for e in entries:
        if e.result is not None:
            per_source[e.source] = per_source.get(e.source, 0) + 1
    try:
        with ResultStore(path) as store:
            batch = store.new_batch(f"jixiao {command} ({len(per_source)} files)")
            seen: dict[str, int] = {}
            contents: dict[str, bytes | None] = {}
            for e in entries:
                if e.result is None:
                    store.record_file(batch, e.source, "failed", e.error)
                    continue
                n = seen[e.source] = seen.get(e.source, 0) + 1
                if e.source not in contents:
                    src = Path(e.source)
                    contents[e.source] = src.read_bytes() if src.is_file() else None
                content = contents[e.source]
                location = f"#{n}" if per_source[e.source] > 1 else None
                store.add(
                    e.result,
                    source_name=e.source,
                    content=content,
                    location=location,
                    batch_id=batch,
                )
            for source, count in per_source.items():
                store.record_file(batch, source, "ok", None, forms=count)
    except (StoreError, OSError) as exc:
        fail(
            Msg("无法写入结果库 {path}：{exc}", "cannot write the results store {path}: {exc}"),
            path=path,
            exc=exc,
        )
    note(Msg("已存入结果库：{path}", "stored in: {path}"), path=path)


def _write_xlsx(
    results: Sequence[FormResult],
    files: Sequence[Path],
    batch: bool,
    out: str,
    lang: str,
    failures: Sequence[BatchEntry],
) -> None:
    try:
        single = files[0] if len(files) == 1 and not batch else None
        if single is not None and single.suffix.lower() in ANNOTATABLE and results:
            write_annotated_workbook(results, single, out, lang)
        else:
            write_results_workbook(results, out, lang, failures=failures, protect=files)
    except ReportError as exc:
        fail_error(exc)
    except OSError as exc:
        fail(CANNOT_WRITE, path=out, reason=exc)
    note(Msg("已写入工作簿：{path}", "wrote the workbook: {path}"), path=visible(out))


FORM_KINDS = Msg(
    "FORM 可以是 .json、.csv、.xlsx、.xls、.et、.ods、.docx、.pdf 文件，或文件夹（递归查找）。",
    "FORM may be .json, .csv, .xlsx, .xls, .et, .ods, .docx or .pdf files, or folders "
    "(searched recursively).",
)


def _help(zh: str, en: str) -> Msg:
    return Msg(zh + "\n\n" + FORM_KINDS.zh, en + "\n\n" + FORM_KINDS.en)


@click.command(
    cls=LangCommand,
    context_settings=CONTEXT,
    help=_help(
        "为自评表评分，逐项列出自评得分与复核得分。\n\n"
        "逐项给出自评得分与复核得分、预算执行率得分、一级指标小计、总分与等级，然后列出复核发现。"
        "多个文件或一个文件夹给出一张汇总表（加 --details 逐表打印）。",
        "Score forms: each indicator's claimed and computed score.\n\n"
        "Each indicator's claimed and computed score, the budget row, section subtotals, the "
        "total and the grade, then the findings. Several files or a folder give one summary "
        "table (add --details for every form).",
    ),
    epilog=Msg(
        """\b
示例
  jixiao score examples/seed.json
  jixiao score examples/seed.xlsx --xlsx-out seed-复核.xlsx
  jixiao score forms/ --policy hubei --markdown report.md
  jixiao score examples/seed.json --json --lang en
  jixiao score forms/ --jsonl results.jsonl --details
""",
        """\b
Examples
  jixiao score examples/seed.json
  jixiao score examples/seed.xlsx --xlsx-out seed-reviewed.xlsx
  jixiao score forms/ --policy hubei --markdown report.md
  jixiao score examples/seed.json --json --lang en
  jixiao score forms/ --jsonl results.jsonl --details
""",
    ),
)
@click.argument("forms", nargs=-1, required=True, metavar="FORM…")
@_output_options
@click.pass_context
def score(ctx: click.Context, /, forms: tuple[str, ...], **options: Any) -> None:
    _run_forms(ctx, "score", forms, **options)


@click.command(
    cls=LangCommand,
    context_settings=CONTEXT,
    help=_help(
        "复核自评表：列出每条发现（代码、级别、位置、说明）。\n\n"
        "按表列出每条复核发现，含代码、级别、位置（工作表!单元格、行或 JSON 路径）与说明。"
        "有错误级发现时退出码为 1。",
        "Audit forms: every finding, with its code, severity, place and message.\n\n"
        "Every finding, grouped by form, with its code, severity, location (sheet!cell, row "
        "or JSON path) and message. Exits 1 when any error-level finding exists.",
    ),
    epilog=Msg(
        """\b
示例
  jixiao check examples/seed.json
  jixiao check forms/ --lang en
  jixiao check forms/ --json > findings.json
  jixiao check examples/seed.xlsx --xlsx-out seed-复核.xlsx

退出码：0 无错误级发现；1 有错误级发现或文件无法读取（加 --strict 时警告也算）；
2 用法或策略错误。
""",
        """\b
Examples
  jixiao check examples/seed.json
  jixiao check forms/ --lang en
  jixiao check forms/ --json > findings.json
  jixiao check examples/seed.xlsx --xlsx-out seed-reviewed.xlsx

Exit status: 0 no error finding; 1 error-level findings or unreadable files (with --strict,
warnings too); 2 a usage or policy problem.
""",
    ),
)
@click.argument("forms", nargs=-1, required=True, metavar="FORM…")
@_output_options
@option(
    "--strict",
    is_flag=True,
    help=Msg(
        "警告也使退出码为 1（如有未核实的行）。",
        "Exit 1 on warnings too (e.g. unverified rows).",
    ),
)
@click.pass_context
def check(ctx: click.Context, /, forms: tuple[str, ...], **options: Any) -> None:
    _run_forms(ctx, "check", forms, **options)


@click.command(
    cls=LangCommand,
    context_settings=CONTEXT,
    help=_help(
        "逐项说明得分：说明句与计算步骤。\n\n"
        "逐项给出得分说明与计算步骤，以及预算执行率得分、一级指标小计和总分。",
        "Explain every score: a sentence and the arithmetic steps.\n\n"
        "Each indicator's sentence and arithmetic steps, the budget execution score, section "
        "subtotals and the total.",
    ),
    epilog=Msg(
        """\b
示例
  jixiao explain examples/seed.json
  jixiao explain examples/seed.json --lang en
  jixiao explain examples/seed.json --policy rules/central-linear.policy
""",
        """\b
Examples
  jixiao explain examples/seed.json
  jixiao explain examples/seed.json --lang en
  jixiao explain examples/seed.json --policy rules/central-linear.policy
""",
    ),
)
@click.argument("forms", nargs=-1, required=True, metavar="FORM…")
@_output_options
@click.pass_context
def explain(ctx: click.Context, /, forms: tuple[str, ...], **options: Any) -> None:
    _run_forms(ctx, "explain", forms, **options)
