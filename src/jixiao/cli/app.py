"""The click commands of ``jixiao``: parse, score, check, explain and the ``policy`` group.

Exit status: 0 when all went well; 1 when ``check`` finds an error-level finding, a form file
cannot be read, a cell cannot be parsed, or a policy check fails; 2 for usage problems (a bad
option, a missing file, a policy that does not load).
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, NoReturn, TypeVar

import click
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.text import Text

from jixiao.cli import lang as cli_lang
from jixiao.cli.policy_cmd import policy
from jixiao.cli.serve_cmd import db, serve
from jixiao.errors import FormError, JixiaoError, PolicyError, ReportError, TargetSyntaxError
from jixiao.escape import visible
from jixiao.evaluate import score_form
from jixiao.fileio import atomic_open, overlaps
from jixiao.forms import read_forms
from jixiao.forms.read import SUFFIXES
from jixiao.i18n import Msg, tr, word
from jixiao.limits import current, parse_overrides, set_limits
from jixiao.limits import current as current_limits
from jixiao.policy import load_policy
from jixiao.policy.choose import AUTO
from jixiao.report import BatchEntry, terminal
from jixiao.report.json_out import dumps, to_json, to_jsonl
from jixiao.report.markdown import markdown_report
from jixiao.report.terminal import make_console
from jixiao.report.xlsx_out import write_annotated_workbook, write_results_workbook
from jixiao.store import ResultStore, StoreError
from jixiao.targets import parse_actual, parse_target

if TYPE_CHECKING:
    from jixiao.evaluate import FormResult
    from jixiao.policy.model import Policy

__all__ = ["cli"]

F = TypeVar("F", bound=Callable[..., Any])

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}
FORM_SUFFIXES = SUFFIXES  # every kind of file read_forms reads


# ----------------------------------------------------------------------------- helpers


def _lang(ctx: click.Context, lang: str | None) -> str:
    if not lang:
        obj = ctx.find_root().obj
        lang = str(obj["lang"]) if isinstance(obj, dict) and obj.get("lang") else "zh"
    cli_lang.use(lang)  # the CLI's own errors and notes follow the command's language
    return lang


def _err(message: Msg | str, **fields: object) -> None:
    """One error line on stderr, in the run's language (plain text: no markup, no colour codes
    when piped)."""
    lang = cli_lang.current()
    console = make_console(stderr=True)
    text = Text()
    text.append(word("error_prefix", lang), style="bold red")
    text.append(tr(message, lang, **fields))
    console.print(text, soft_wrap=True)


def _note(message: Msg | str, **fields: object) -> None:
    text = tr(message, cli_lang.current(), **fields)
    make_console(stderr=True).print(Text(text, style="dim"), soft_wrap=True)


def _fail(message: Msg | str, code: int = 2, **fields: object) -> NoReturn:
    _err(message, **fields)
    raise SystemExit(code)


def _fail_error(exc: JixiaoError, code: int = 2) -> NoReturn:
    _fail(exc.render(cli_lang.current()), code)


def _load_policy(spec: str) -> Policy | str:
    """The policy, or a clear message and exit 2 (a policy problem is a usage problem here).
    ``auto`` stays a name: each form then gets the policy of its region and year."""
    if spec == AUTO:
        return AUTO
    try:
        return load_policy(spec)
    except PolicyError as exc:
        _fail_error(exc)
    except FileNotFoundError as exc:
        _fail(str(exc))


@contextmanager
def _open_out(path: str) -> Iterator[IO[str]]:
    """stdout for ``-``; else a temporary file that replaces *path* only once it is complete
    (an error half-way leaves no truncated report)."""
    if path == "-":
        yield sys.stdout
        return
    try:
        with atomic_open(path, "w", encoding="utf-8", newline="\n") as fh:
            yield fh
    except OSError as exc:
        _fail(CANNOT_WRITE, path=path, reason=exc.strerror)


CANNOT_WRITE = Msg("无法写入 {path}：{reason}", "cannot write {path}: {reason}")


def _check_output(option: str, out: Path, inputs: Sequence[Path]) -> None:
    """Before any work: an output must not be an input (the same path, or the same file through
    a hard link or a symlink), and its folder must exist."""
    hit = overlaps(out, inputs)
    if hit is not None:
        _fail(
            Msg(
                "{option} 的输出文件不能是输入文件本身：{out}（即 {hit}）",
                "{option} would overwrite the input file {hit}",
            ),
            option=option,
            out=out,
            hit=hit,
        )
    if not out.parent.is_dir():
        _fail(
            Msg("{option}：文件夹不存在：{folder}", "{option}: no such folder: {folder}"),
            option=option,
            folder=out.parent,
        )


def _skip_reason(p: Path) -> str | None:
    """Why a file found in a folder is not read (None: it is read)."""
    if p.name.startswith("~$"):
        return "Excel/WPS 的临时锁定文件 (an Excel/WPS lock file)"
    if p.name.startswith("."):
        return "隐藏文件 (a hidden file)"
    if not p.is_file():
        return "不是普通文件 (not a regular file)"
    if p.suffix.lower() not in FORM_SUFFIXES:
        kinds = "、".join(FORM_SUFFIXES)
        suffix = p.suffix or "（无扩展名 no extension）"
        return (
            f"不支持的文件类型 {suffix}，可读取：{kinds} (unsupported file type; readable: {kinds})"
        )
    return None


def collect_inputs(
    paths: Sequence[str], skipped: list[tuple[Path, str]] | None = None
) -> tuple[list[Path], bool]:
    """The form files named on the command line (folders searched recursively) and whether this
    is a batch (a folder, or more than one file). Exits 2 when a path does not exist. Every file
    of a folder that is not read is noted on stderr with the reason (and added to *skipped*)."""
    files: list[Path] = []
    batch = len(paths) > 1
    for raw in paths:
        p = Path(raw)
        if not p.exists():
            _fail(Msg("找不到文件或文件夹：{raw}", "no such file or folder: {raw}"), raw=raw)
        if p.is_dir():
            batch = True
            found: list[Path] = []
            for f in sorted(p.rglob("*"), key=lambda f: f.as_posix()):
                if f.is_dir():
                    continue
                why = _skip_reason(f)
                if why is None:
                    found.append(f)
                    continue
                if skipped is not None:
                    skipped.append((f, why))
                _note(f"跳过 skipped {f}：{why}")
            if not found:
                _note(
                    Msg(
                        "文件夹中没有可读取的自评表文件：{raw}",
                        "no readable form file in the folder {raw}",
                    ),
                    raw=raw,
                )
            files.extend(found)
        else:
            files.append(p)
    if not files:
        _fail(Msg("没有可读取的自评表文件", "no form file to read"))
    return files, batch


@contextmanager
def _progress(total: int, show: bool) -> Iterator[Callable[[str], None]]:
    """A progress bar on stderr when it is a TTY; otherwise a no-op advance function."""
    if not show:
        yield lambda _name: None
        return
    console = make_console(stderr=True)
    if not console.is_terminal:
        yield lambda _name: None
        return
    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[name]}", style="dim"),
        console=console,
        transient=True,
    ) as progress:
        task = progress.add_task("评分 scoring", total=total, name="")

        def advance(name: str) -> None:
            progress.update(task, advance=1, name=name)

        yield advance


def _score_one(
    path: Path, policy: Policy | str, include_hidden: bool, debug: bool
) -> list[BatchEntry]:
    """Every form of one file, scored; a file that cannot be read is one entry with the reason."""
    source = str(path)
    entries: list[BatchEntry] = []
    try:
        for form in read_forms(path, include_hidden=include_hidden):
            entries.append(BatchEntry(source, score_form(form, policy)))
    except FormError as exc:
        entries.append(BatchEntry(source, None, exc.render(cli_lang.current())))
    except Exception as exc:  # a bug, not bad input: report it and go on with the batch
        if debug:
            raise
        message = Msg(
            "{source}：内部错误，请报告此问题：{kind}: {exc}",
            "{source}: internal error, please report it: {kind}: {exc}",
        )
        text = tr(message, cli_lang.current(), source=source, kind=type(exc).__name__, exc=exc)
        entries.append(BatchEntry(source, None, text))
    return entries


# what a worker process keeps between files: the policy and the options, sent once
_WORKER: dict[str, Any] = {}


def _worker_init(policy: Policy | str, include_hidden: bool, limits: Any = None) -> None:

    _WORKER.update(policy=policy, include_hidden=include_hidden)
    if limits is not None:
        set_limits(limits)  # the --limit values of the parent (a spawned worker starts afresh)


def _worker_score(path: Path) -> list[BatchEntry]:
    return _score_one(path, _WORKER["policy"], _WORKER["include_hidden"], False)


def default_jobs() -> int:
    """The number of worker processes ``-j`` defaults to: the cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


# Starting workers costs up to a second each (a fresh interpreter where fork is not used); reading
# and scoring a workbook about 40 ms. Without -j, a batch smaller than this stays in one process.
_PARALLEL_FROM = 32


def _auto_jobs(count: int) -> int:
    return default_jobs() if count >= _PARALLEL_FROM else 1


def _start_method() -> str:
    """How worker processes start: a fork of this process when that is safe (Linux, no other
    thread whose locks a fork could copy mid-use: jixiao and the policy are already loaded, so
    a worker is ready at once), else a fresh interpreter ("spawn", about a second a worker)."""
    if (
        sys.platform.startswith("linux")
        and "fork" in multiprocessing.get_all_start_methods()
        and threading.active_count() == 1
    ):
        return "fork"
    return "spawn"


def score_files(
    files: Sequence[Path],
    policy: Policy | str,
    *,
    progress: bool,
    include_hidden: bool = False,
    jobs: int = 1,
) -> list[BatchEntry]:
    """Read and score every form in *files*; an unreadable file becomes an entry with an error.

    With ``jobs > 1`` the files are read and scored in that many worker processes; the entries
    come back in the order of *files* whatever order the workers finish in. If the pool breaks
    (a worker killed), the files not yet done are scored here, one after the other.
    """
    debug = bool(os.environ.get("JIXIAO_DEBUG"))
    workers = min(jobs, len(files))
    entries: list[BatchEntry] = []
    if workers <= 1 or debug:
        with _progress(len(files), progress) as advance:
            for path in files:
                entries.extend(_score_one(path, policy, include_hidden, debug))
                advance(path.name)
        return entries

    context = multiprocessing.get_context(_start_method())
    chunk = max(1, min(16, len(files) // (workers * 8)))
    done = 0
    with ProcessPoolExecutor(
        max_workers=workers,
        mp_context=context,
        initializer=_worker_init,
        initargs=(policy, include_hidden, current_limits()),
    ) as pool:
        results = pool.map(_worker_score, files, chunksize=chunk)
        with _progress(len(files), progress) as advance:
            try:
                for path, file_entries in zip(files, results, strict=False):
                    entries.extend(file_entries)
                    done += 1
                    advance(path.name)
            except Exception:  # BrokenProcessPool (a worker killed), a result not sent back
                for path in files[done:]:
                    entries.extend(_score_one(path, policy, include_hidden, debug))
                    advance(path.name)
    return entries


# ----------------------------------------------------------------------------- options


_LIMIT_OPTION = click.option(
    "--limit",
    "limit",
    multiple=True,
    metavar="NAME=N",
    help="提高或降低一项资源限制，可重复，如 --limit rows=200000 --limit file_bytes=200MB；"
    "限制见 docs/security.md (change a resource limit; repeatable).",
)


def _apply_limits(items: Sequence[str]) -> None:
    if not items:
        return

    try:
        set_limits(current(), **parse_overrides(list(items)))
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None


def _output_options(f: F) -> F:
    options = [
        click.option(
            "--policy",
            "-p",
            "policy_spec",
            default="central",
            show_default=True,
            metavar="NAME|PATH",
            help="评分策略：内置名称、.policy 文件，或 auto（按地区与年度选用） "
            "(shipped policy name, rule file, or auto: by region and year).",
        ),
        click.option(
            "--json",
            "as_json",
            is_flag=True,
            help="输出 JSON：一张表一个对象，多张表为列表 (JSON: one object per form, a list for several).",
        ),
        click.option(
            "--jsonl",
            metavar="FILE|-",
            help="每张表一行 JSON，写入文件或 - 表示标准输出 (JSON lines, one form per line).",
        ),
        click.option(
            "--lang",
            type=click.Choice(["zh", "en"]),
            default=None,
            help="输出语言，默认中文 (language of messages and headings; default zh).",
        ),
        click.option(
            "--markdown",
            metavar="FILE|-",
            help="写出 Markdown 复核报告 (write a Markdown report).",
        ),
        click.option(
            "--xlsx-out",
            metavar="FILE",
            help="写出带复核得分的工作簿副本 (write an annotated copy of the workbook, or a "
            "fresh results workbook for JSON/CSV input).",
        ),
        click.option(
            "--db",
            "db_path",
            metavar="PATH",
            help="把结果存入 SQLite 结果库（工作台共用）(keep the results in a SQLite store, "
            "the one the workbench reads).",
        ),
        click.option(
            "--details",
            is_flag=True,
            help="批量时也逐表打印 (in a batch, print each form too, not only the summary).",
        ),
        click.option(
            "--jobs",
            "-j",
            type=click.IntRange(min=1),
            default=None,
            metavar="N",
            help="批量时用 N 个进程并行读取和评分，默认为 CPU 核数；输出顺序不变 (read and score "
            "a batch in N worker processes; default: the number of cores; output order is "
            "unchanged).",
        ),
        click.option(
            "--include-hidden",
            is_flag=True,
            help="也读取隐藏的工作表（默认跳过并提示） (read hidden and very hidden sheets too; "
            "by default they are skipped with an info finding).",
        ),
        _LIMIT_OPTION,
    ]
    for option in reversed(options):
        f = option(f)
    return f


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

    _apply_limits(limit)
    language = _lang(ctx, lang)
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
                Msg("{zh} 不能同时写到标准输出", "{en} cannot both write to stdout"),
                language,
                zh=" 与 ".join(stdout_sinks),
                en=" and ".join(stdout_sinks),
            )
        )
    policy = _load_policy(policy_spec)
    files, batch = collect_inputs(forms)
    for option, target in (
        ("--markdown", markdown),
        ("--jsonl", jsonl),
        ("--xlsx-out", xlsx_out),
        ("--db", db_path),
    ):
        if target and target != "-":
            _check_output(option, Path(target), files)
    err_console = make_console(stderr=True)
    entries = score_files(
        files,
        policy,
        progress=batch and err_console.is_terminal,
        include_hidden=include_hidden,
        jobs=jobs if jobs is not None else _auto_jobs(len(files)),
    )
    results = [e.result for e in entries if e.result is not None]
    failures = [e for e in entries if e.failed]

    if db_path:
        _store(db_path, command, entries)
    if xlsx_out:
        _write_xlsx(results, files, batch, xlsx_out, language, failures)
    if markdown:
        text = markdown_report(results, language, failures=failures) if results or failures else ""
        with _open_out(markdown) as out:
            out.write(text)
        if markdown != "-":
            _note(
                Msg("已写入 Markdown 报告：{path}", "wrote the Markdown report: {path}"),
                path=visible(markdown),
            )
    if jsonl:
        with _open_out(jsonl) as out:
            for line in to_jsonl(results, language):
                out.write(line + "\n")
        if jsonl != "-":
            _note(Msg("已写入 JSON lines：{path}", "wrote JSON lines: {path}"), path=visible(jsonl))
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
        _err(e.error or e.source)

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
        _fail(
            Msg("无法写入结果库 {path}：{exc}", "cannot write the results store {path}: {exc}"),
            path=path,
            exc=exc,
        )
    _note(Msg("已存入结果库：{path}", "stored in: {path}"), path=path)


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
        if single is not None and single.suffix.lower() in (".xlsx", ".xlsm") and results:
            write_annotated_workbook(results, single, out, lang)
        else:
            write_results_workbook(results, out, lang, failures=failures, protect=files)
    except ReportError as exc:
        _fail_error(exc)
    except OSError as exc:
        _fail(CANNOT_WRITE, path=out, reason=exc)
    _note(Msg("已写入工作簿：{path}", "wrote the workbook: {path}"), path=visible(out))


# ----------------------------------------------------------------------------- commands


@click.group(context_settings=CONTEXT)
@click.version_option(package_name="jixiao", prog_name="jixiao")
@click.option(
    "--lang",
    type=click.Choice(["zh", "en"]),
    default=None,
    envvar="JIXIAO_LANG",
    help="默认输出语言 (default language; also JIXIAO_LANG).",
)
@_LIMIT_OPTION
@click.pass_context
def cli(ctx: click.Context, lang: str | None, limit: tuple[str, ...]) -> None:
    """绩效自评表的解析、评分与复核。

    Parse, score and audit 项目支出绩效自评表 (project expenditure performance
    self-evaluation forms).

    \b
    示例 EXAMPLES
      jixiao score examples/seed.json
      jixiao check forms/ --lang en
      jixiao explain examples/seed.json
      jixiao parse "≥45人" "≤64.253万元"
      jixiao policy test rules/central.policy
    """
    ctx.ensure_object(dict)
    ctx.obj["lang"] = lang
    if lang:
        cli_lang.use(lang)  # as main() does from argv, for runs that do not go through it
    _apply_limits(limit)


@cli.command(
    context_settings=CONTEXT,
    epilog="""\b
示例 EXAMPLES
  jixiao parse "≥45人" "≤64.253万元" "90%-100%"
  jixiao parse --json "2023年12月底前"
  jixiao parse --actual --target "≥50个" 48
  jixiao parse --jsonl - "≥45人" "定性 效果明显"
""",
)
@click.argument("texts", nargs=-1, required=True, metavar="TEXT…")
@click.option("--actual", is_flag=True, help="按实际完成值解析 (parse as 实际完成值, an actual).")
@click.option(
    "--target",
    "target_text",
    metavar="T",
    help="与 --actual 合用：年度指标值，用于补全省略的单位 (the target, for an implied unit).",
)
@click.option("--json", "as_json", is_flag=True, help="输出 JSON 列表 (a JSON list of to_dict()).")
@click.option("--jsonl", metavar="FILE|-", help="每格一行 JSON (JSON lines, one cell per line).")
@click.option("--lang", type=click.Choice(["zh", "en"]), default=None, help="输出语言 (language).")
@click.pass_context
def parse(
    ctx: click.Context,
    texts: tuple[str, ...],
    actual: bool,
    target_text: str | None,
    as_json: bool,
    jsonl: str | None,
    lang: str | None,
) -> None:
    """解析年度指标值 / 实际完成值单元格。

    Parse 年度指标值 (target) cells, or 实际完成值 (actual) cells with --actual; print the
    parsed form of each. A cell that cannot be read prints the error with a caret (exit 1).
    """

    language = _lang(ctx, lang)
    if target_text is not None and not actual:
        raise click.UsageError(
            tr(Msg("--target 只能与 --actual 合用", "--target needs --actual"), language)
        )
    if as_json and jsonl == "-":
        raise click.UsageError(
            tr(Msg("--json 与 --jsonl - 不能同时使用", "use one of --json, --jsonl -"), language)
        )
    target_node = None
    failed = 0
    if target_text is not None:
        try:
            target_node = parse_target(target_text)
        except TargetSyntaxError as exc:
            click.echo(terminal.syntax_error_text(exc, language), err=True)
            ctx.exit(1)
    rows: list[tuple[str, dict[str, Any], str]] = []
    for text in texts:
        try:
            node = parse_actual(text, target_node) if actual else parse_target(text)
        except TargetSyntaxError as exc:
            failed += 1
            click.echo(terminal.syntax_error_text(exc, language), err=True)
            continue
        rows.append((text, node.to_dict(), node.render()))
    if jsonl:
        with _open_out(jsonl) as out:
            for _text, d, _canonical in rows:
                out.write(dumps(d, indent=None) + "\n")
    if as_json:
        click.echo(dumps([d for _t, d, _c in rows]))
    if not as_json and jsonl != "-" and rows:
        terminal.render_targets(make_console(), rows, language)
    ctx.exit(1 if failed else 0)


@cli.command(
    context_settings=CONTEXT,
    epilog="""\b
示例 EXAMPLES
  jixiao score examples/seed.json
  jixiao score examples/seed.xlsx --xlsx-out seed-复核.xlsx
  jixiao score forms/ --policy hubei --markdown report.md
  jixiao score examples/seed.json --json --lang en
  jixiao score forms/ --jsonl results.jsonl --details
""",
)
@click.argument("forms", nargs=-1, required=True, metavar="FORM…")
@_output_options
@click.pass_context
def score(ctx: click.Context, /, forms: tuple[str, ...], **options: Any) -> None:
    """为自评表评分，逐项列出自评得分与复核得分。

    Score forms: each indicator's claimed and computed score, the budget row, section
    subtotals, the total and the grade, then the findings. Several files or a folder give one
    summary table (add --details for every form).

    FORM 可以是 .json / .csv / .xlsx / .xls / .et / .ods / .docx / .pdf 文件或文件夹（递归查找）。
    FORM may be .json, .csv, .xlsx, .xls, .et, .ods, .docx or .pdf files, or folders (searched
    recursively).
    """
    _run_forms(ctx, "score", forms, **options)


@cli.command(
    context_settings=CONTEXT,
    epilog="""\b
示例 EXAMPLES
  jixiao check examples/seed.json
  jixiao check forms/ --lang en
  jixiao check forms/ --json > findings.json
  jixiao check examples/seed.xlsx --xlsx-out seed-复核.xlsx

退出码 EXIT STATUS: 0 无错误 no error finding; 1 有错误级发现或文件无法读取（加 --strict
时警告也算）error-level findings or unreadable files (with --strict, warnings too);
2 用法或策略错误 usage or policy problem.
""",
)
@click.argument("forms", nargs=-1, required=True, metavar="FORM…")
@_output_options
@click.option(
    "--strict",
    is_flag=True,
    help="警告也使退出码为1（如有未核实的行） (exit 1 on warnings too, e.g. unverified rows).",
)
@click.pass_context
def check(ctx: click.Context, /, forms: tuple[str, ...], **options: Any) -> None:
    """复核自评表：列出每条发现（代码、级别、位置、说明）。

    Audit forms: every finding, grouped by form, with its code, severity, location (sheet!cell,
    row or JSON path) and message. Exits 1 when any error-level finding exists.

    FORM 可以是 .json / .csv / .xlsx / .xls / .et / .ods / .docx / .pdf 文件或文件夹（递归查找）。
    FORM may be .json, .csv, .xlsx, .xls, .et, .ods, .docx or .pdf files, or folders (searched
    recursively).
    """
    _run_forms(ctx, "check", forms, **options)


@cli.command(
    context_settings=CONTEXT,
    epilog="""\b
示例 EXAMPLES
  jixiao explain examples/seed.json
  jixiao explain examples/seed.json --lang en
  jixiao explain examples/seed.json --policy rules/central-linear.policy
""",
)
@click.argument("forms", nargs=-1, required=True, metavar="FORM…")
@_output_options
@click.pass_context
def explain(ctx: click.Context, /, forms: tuple[str, ...], **options: Any) -> None:
    """逐项说明得分：说明句与计算步骤。

    Explain every score: each indicator's sentence and arithmetic steps, the budget execution
    score, section subtotals and the total.

    FORM 可以是 .json / .csv / .xlsx / .xls / .et / .ods / .docx / .pdf 文件或文件夹（递归查找）。
    FORM may be .json, .csv, .xlsx, .xls, .et, .ods, .docx or .pdf files, or folders (searched
    recursively).
    """
    _run_forms(ctx, "explain", forms, **options)


cli.add_command(policy)
cli.add_command(serve)
cli.add_command(db)
