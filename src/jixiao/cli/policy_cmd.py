"""``jixiao policy lint|test|list|verify|diff``: working on scoring rule files."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click
from rich.text import Text

from jixiao.cli import lang as cli_lang
from jixiao.cli.localized import LangGroup, option
from jixiao.cli.policy_examples import inherited_examples
from jixiao.errors import PolicyError, PolicyProblem
from jixiao.evaluate.examples import run_examples
from jixiao.i18n import Msg, tr, word
from jixiao.policy import load_policy, shipped_policies
from jixiao.report import policy_title, terminal
from jixiao.report.terminal import make_console

if TYPE_CHECKING:
    from types import ModuleType

    from jixiao.policy.model import Policy

__all__ = ["policy"]

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


def _lang(ctx: click.Context, lang: str | None) -> str:
    if not lang:
        obj = ctx.find_root().obj
        lang = str(obj["lang"]) if isinstance(obj, dict) and obj.get("lang") else "zh"
    cli_lang.use(lang)  # the command's own errors follow its language
    return lang


def _dumps(data: Any) -> str:
    def default(value: Any) -> Any:
        if isinstance(value, Decimal):
            return format(value, "f")
        if isinstance(value, (set, frozenset, tuple)):
            return list(value)
        return str(value)

    return json.dumps(data, ensure_ascii=False, indent=2, default=default)


def _fail(message: Msg | str, code: int = 2, **fields: object) -> NoReturn:
    lang = cli_lang.current()
    console = make_console(stderr=True)
    text = Text()
    text.append(word("error_prefix", lang), style="bold red")
    text.append(tr(message, lang, **fields))
    console.print(text, soft_wrap=True)
    raise SystemExit(code)


def _check_path(spec: str) -> None:
    """A spec that names a file must exist (a bare name is a shipped policy)."""
    looks_like_path = "/" in spec or "\\" in spec or spec.endswith(".policy")
    if looks_like_path and not Path(spec).is_file():
        _fail(Msg("找不到策略文件：{spec}", "no such policy file: {spec}"), spec=spec)


def _load(spec: str) -> Policy:

    _check_path(spec)
    try:
        return load_policy(spec)
    except PolicyError as exc:
        _fail(exc.render(cli_lang.current()))


def _problem_dict(p: PolicyProblem, lang: str = "zh") -> dict[str, Any]:
    loc = p.location
    return {
        "message": p.message,
        "file": loc.source,
        "line": loc.line,
        "column": loc.column,
        "hint": p.hint,
        "message_en": p.message_en,
        "hint_en": p.hint_en,
        "code": p.code,
        "rendered": p.render(lang),
    }


def _policy_dict(p: Policy) -> dict[str, Any]:
    return {
        "name": p.name,
        "version": p.version,
        "title": p.title[0],
        "title_en": p.title[1],
        "file": p.path,
        "source": p.source,
        "rounding": {"places": p.places, "mode": p.rounding},
        "tolerance": format(p.tolerance, "f"),
        "weights": {k: format(v, "f") for k, v in p.weights.items()},
        "budget_rules": [{"name": r.name, "where": r.where} for r in p.budget_rules],
        "rules": [{"name": r.name, "where": r.where} for r in p.rules],
        "finding_codes": sorted(p.finding_codes()),
        "examples": len(p.examples),
    }


def _testing(*names: str) -> ModuleType:
    """jixiao.testing (needs the ``testing`` extra), with the functions *names*."""
    try:
        import jixiao.testing as testing
    except ImportError as exc:
        _fail(
            Msg(
                "jixiao.testing 不可用（{exc}），请安装：pip install 'jixiao[testing]'",
                "jixiao.testing is not available ({exc}): pip install 'jixiao[testing]'",
            ),
            exc=exc,
        )
    missing = [n for n in names if not callable(getattr(testing, n, None))]
    if missing:
        _fail(
            Msg("此版本的 jixiao.testing 没有 {names}", "this jixiao.testing has no {names}"),
            names=", ".join(missing),
        )
    return testing


def _knobs(max_examples: int | None, seed: int | None) -> dict[str, int]:
    """Only the knobs given on the command line, so jixiao.testing's defaults apply otherwise."""
    out: dict[str, int] = {}
    if max_examples is not None:
        out["max_examples"] = max_examples
    if seed is not None:
        out["seed"] = seed
    return out


_PROBLEMS = Msg("{file}：{count} 处错误", "{file}: {count} problems")
_ONE_PROBLEM = Msg("{file}：{count} 处错误", "{file}: {count} problem")
_WARNING = Msg("警告：", "warning: ")
_OK = Msg("检查通过", "OK")
_NO_OWN_EXAMPLES = Msg(
    "{path}：本文件没有自己的 example 示例", "{path}: this file has no examples of its own"
)
_INHERITED = Msg(
    "继承自 {source}：{applies} 个仍然适用，{skipped} 个不再适用",
    "inherited from {source}: {applies} still apply, {skipped} no longer apply",
)
_SKIP = Msg("不适用 ", "SKIP ")
_NONE_RAN = Msg(
    "没有运行任何示例：请在规则文件中添加 example 示例",
    "no example ran: add `example` blocks to the policy",
)
_RAN = Msg(
    "共运行 {ran} 个示例（本文件与继承），{passed} 个通过",
    "{passed} of {ran} examples passed (own and inherited)",
)
_DOES_NOT_LOAD = Msg("无法载入：{first}", "does not load: {first}")

_lang_option = option(
    "--lang",
    type=click.Choice(["zh", "en"]),
    default=None,
    help=Msg("输出语言，默认中文。", "The language of the output; Chinese by default."),
)
_json_option = option("--json", "as_json", is_flag=True, help=Msg("输出 JSON。", "Print JSON."))


def _examples(*lines: str) -> Msg:
    """An epilog of example command lines, headed in each language."""
    body = "".join(f"  {line}\n" for line in lines)
    return Msg(f"\b\n示例\n{body}", f"\b\nExamples\n{body}")


@click.group(
    cls=LangGroup,
    context_settings=CONTEXT,
    help=Msg(
        "检查、测试、比较评分策略文件。\n\n检查、测试、检验并比较评分策略文件（rules/*.policy）。",
        "Check, test and compare scoring policy files.\n\n"
        "Check, test, verify and compare scoring policy files (rules/*.policy).",
    ),
    epilog=_examples(
        "jixiao policy list",
        "jixiao policy lint my.policy",
        "jixiao policy test rules/central.policy",
        "jixiao policy verify rules/hubei.policy --max-examples 200",
        "jixiao policy diff rules/central.policy rules/central-linear.policy",
    ),
)
def policy() -> None:
    """The ``jixiao policy`` group."""


@policy.command(
    context_settings=CONTEXT,
    help=Msg(
        "载入并检查策略文件，列出每处错误。\n\n"
        "逐处列出错误，含 文件:行:列 与 ^ 标记（退出码 1）；没有错误时打印策略摘要。",
        "Load and check a policy file, listing every problem.\n\n"
        "Print every problem with file:line:col and a caret (exit 1), or a short summary of "
        "the policy when it is sound.",
    ),
    epilog=_examples(
        "jixiao policy lint my.policy", "jixiao policy lint rules/hubei.policy --json"
    ),
)
@click.argument("file", metavar="FILE")
@_json_option
@_lang_option
@click.pass_context
def lint(ctx: click.Context, file: str, as_json: bool, lang: str | None) -> None:

    language = _lang(ctx, lang)
    _check_path(file)
    console = make_console()
    try:
        loaded = load_policy(file)
    except PolicyError as exc:
        if as_json:
            problems = [_problem_dict(p, language) for p in exc.problems]
            click.echo(_dumps({"ok": False, "problems": problems}))
        else:
            count = len(exc.problems)
            head = _PROBLEMS if count != 1 else _ONE_PROBLEM
            console.print(Text(head.text(language, file=file, count=count), style="bold red"))
            for p in exc.problems:
                # never wrapped: a caret stays under the character it points at
                console.print(Text(p.render(language)), soft_wrap=True)
                console.print()
        ctx.exit(1)
    if as_json:
        click.echo(
            _dumps(
                {
                    "ok": True,
                    "problems": [],
                    "warnings": [_problem_dict(p, language) for p in loaded.warnings],
                    "policy": _policy_dict(loaded),
                }
            )
        )
    else:
        terminal.render_policy_summary(console, loaded, language)
        for p in loaded.warnings:
            console.print(Text(_WARNING.text(language) + p.render(language)), soft_wrap=True)
            console.print()
        console.print(Text(_OK.text(language), style="bold green"))
    ctx.exit(0)


@policy.command(
    "test",
    context_settings=CONTEXT,
    help=Msg(
        "运行策略文件中的示例（example），以及经 extends 继承、仍然适用的示例。\n\n"
        "本文件改写了其规则、档位、等级或舍入的继承示例列为不再适用；逐条打印通过与否及"
        " 文件:行。有示例未通过时退出码为 1。",
        "Run the policy's examples, and those it inherits that still apply.\n\n"
        "Run the policy's `example` blocks, and those it inherits through `extends` that still "
        "apply (an example whose rule, tiers, grades or rounding the file rewrites is listed as "
        "no longer applying); print each pass/fail with file:line. Exits 1 when any example "
        "that runs fails.",
    ),
    epilog=_examples(
        "jixiao policy test rules/central.policy", "jixiao policy test hubei --lang en"
    ),
)
@click.argument("file", metavar="FILE")
@_json_option
@_lang_option
@click.pass_context
def test_cmd(ctx: click.Context, file: str, as_json: bool, lang: str | None) -> None:

    language = _lang(ctx, lang)
    loaded = _load(file)
    outcomes = run_examples(loaded)
    inherited = inherited_examples(loaded)
    ran = outcomes + [o for group in inherited for o in group.applies]
    failed = sum(1 for o in ran if not o.passed)
    if as_json:

        def entry(o: Any, source: str | None = None, skipped: str | None = None) -> dict[str, Any]:
            out = {
                "name": o.name,
                "where": str(o.location),
                "passed": None if skipped else o.passed,
                "failures": [] if skipped else list(o.failure_texts(language)),
                "got": o.got,
            }
            if source is not None:
                out["inherited_from"] = source
            if skipped is not None:
                out["skipped"] = skipped
            return out

        data = [entry(o) for o in outcomes]
        for group in inherited:
            data += [entry(o, group.source) for o in group.applies]
            data += [entry(o, group.source, why.text(language)) for o, why in group.skipped]
        click.echo(_dumps(data))
        ctx.exit(1 if failed else 0)
    console = make_console()
    if not outcomes:
        console.print(Text(_NO_OWN_EXAMPLES.text(language, path=loaded.path), style="yellow"))
    else:
        terminal.render_examples(console, outcomes, language)
    for group in inherited:
        console.print("")
        counts = {"applies": len(group.applies), "skipped": len(group.skipped)}
        console.print(Text(_INHERITED.text(language, source=group.source, **counts), style="bold"))
        if group.applies:
            terminal.render_examples(console, group.applies, language)
        for o, why in group.skipped:
            line = Text("- ", style="dim")
            line.append(_SKIP.text(language), style="yellow")
            line.append(o.name)
            line.append(f"  {o.location}  ", style="dim")
            line.append(why.text(language), style="dim")
            console.print(line)
    if not ran:
        console.print(Text(_NONE_RAN.text(language), style="bold yellow"))
    elif inherited:
        console.print(
            Text(
                _RAN.text(language, ran=len(ran), passed=len(ran) - failed),
                style="bold red" if failed else "bold green",
            )
        )
    ctx.exit(1 if failed else 0)


@policy.command(
    "list",
    context_settings=CONTEXT,
    help=Msg(
        "列出内置评分策略。\n\n列出内置评分策略及其版本与标题。",
        "List the shipped policies.\n\nList the shipped policies with their versions and titles.",
    ),
    epilog=_examples("jixiao policy list", "jixiao policy list --json"),
)
@_json_option
@_lang_option
@click.pass_context
def list_cmd(ctx: click.Context, as_json: bool, lang: str | None) -> None:

    language = _lang(ctx, lang)
    rows: list[tuple[str, str, str, str]] = []
    for name in shipped_policies():
        try:
            p = load_policy(name)
        except PolicyError as exc:
            first = exc.problems[0].message_text(language) if exc.problems else exc.render(language)
            rows.append((name, "?", _DOES_NOT_LOAD.text(language, first=first), ""))
            continue
        rows.append((p.name, p.version, policy_title(p, language), p.path))
    if as_json:
        click.echo(
            _dumps([{"name": n, "version": v, "title": t, "file": f} for n, v, t, f in rows])
        )
    else:
        terminal.render_policy_list(make_console(), rows, language)
    ctx.exit(0)


_max_examples = option(
    "--max-examples",
    type=click.IntRange(min=1),
    default=None,
    help=Msg("每条性质生成的样例数。", "The examples generated per property."),
)
_seed = option(
    "--seed",
    type=int,
    default=None,
    help=Msg("随机种子，便于复现。", "The random seed, to run the same examples again."),
)


@policy.command(
    context_settings=CONTEXT,
    help=Msg(
        "用生成的样例检验策略的性质（得分有界、单调等）。\n\n"
        "用 jixiao.testing 生成的输入检验策略的各条性质（得分有界、单调、处处有定义等）。"
        "有性质不成立时退出码为 1。",
        "Check the policy's properties on generated inputs.\n\n"
        "Check the policy's properties (bounds, monotonicity, totality …) on generated inputs "
        "with jixiao.testing. Exits 1 when a property is broken.",
    ),
    epilog=_examples(
        "jixiao policy verify rules/central.policy",
        "jixiao policy verify my.policy --skip monotone --max-examples 500 --seed 1",
    ),
)
@click.argument("file", metavar="FILE")
@option(
    "--skip",
    multiple=True,
    metavar="NAME",
    help=Msg("跳过某条性质，可重复。", "Skip a property; repeatable."),
)
@_max_examples
@_seed
@_json_option
@_lang_option
@click.pass_context
def verify(
    ctx: click.Context,
    file: str,
    skip: tuple[str, ...],
    max_examples: int | None,
    seed: int | None,
    as_json: bool,
    lang: str | None,
) -> None:
    language = _lang(ctx, lang)
    loaded = _load(file)
    testing = _testing("check_policy")
    report = testing.check_policy(loaded, skip=skip, **_knobs(max_examples, seed))
    if as_json:
        click.echo(_dumps(report.to_dict()))
    else:
        click.echo(report.render(language))
    ctx.exit(0 if report.ok else 1)


@policy.command(
    context_settings=CONTEXT,
    help=Msg(
        "比较两个策略对同样输入的评分差异。\n\n用两个策略为同样的生成输入评分，列出不同之处。",
        "Compare how two policies score the same inputs.\n\n"
        "Score the same generated inputs under both policies and show where they differ.",
    ),
    epilog=_examples(
        "jixiao policy diff rules/central.policy rules/central-linear.policy",
        "jixiao policy diff old.policy new.policy --json --exit-code",
    ),
)
@click.argument("old", metavar="OLD")
@click.argument("new", metavar="NEW")
@_max_examples
@_seed
@option(
    "--exit-code",
    is_flag=True,
    help=Msg("有差异时退出码为 1。", "Exit 1 when the policies score differently."),
)
@_json_option
@_lang_option
@click.pass_context
def diff(
    ctx: click.Context,
    old: str,
    new: str,
    max_examples: int | None,
    seed: int | None,
    exit_code: bool,
    as_json: bool,
    lang: str | None,
) -> None:
    language = _lang(ctx, lang)
    old_policy = _load(old)
    new_policy = _load(new)
    testing = _testing("diff_policies")
    result = testing.diff_policies(old_policy, new_policy, **_knobs(max_examples, seed))
    if as_json:
        click.echo(_dumps(result.to_dict()))
    else:
        click.echo(result.render(language))
    ctx.exit(1 if exit_code and result.changes else 0)
