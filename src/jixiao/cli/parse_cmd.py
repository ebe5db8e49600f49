"""``jixiao parse``: one target or actual cell at a time."""

from __future__ import annotations

from typing import Any

import click

from jixiao.cli.common import CONTEXT, LANG_OPTION, open_out, run_lang
from jixiao.cli.localized import LangCommand, option
from jixiao.errors import TargetSyntaxError
from jixiao.i18n import Msg, tr
from jixiao.report import terminal
from jixiao.report.json_out import dumps
from jixiao.report.terminal import make_console
from jixiao.targets import parse_actual, parse_target

__all__ = ["parse"]

EXAMPLES = """\b
{examples}
  jixiao parse "≥45人" "≤64.253万元" "90%-100%"
  jixiao parse --json "2023年12月底前"
  jixiao parse --actual --target "≥50个" 48
  jixiao parse --jsonl - "≥45人" "定性 效果明显"
"""


@click.command(
    cls=LangCommand,
    context_settings=CONTEXT,
    help=Msg(
        "解析年度指标值或实际完成值单元格。\n\n"
        "逐个解析年度指标值单元格（加 --actual 则解析实际完成值），打印解析结果。"
        "无法读取的单元格打印错误并以 ^ 标出位置（退出码 1）。",
        "Parse target or actual cells.\n\n"
        "Parse target cells, or actual cells with --actual, and print the parsed form of "
        "each. A cell that cannot be read prints the error with a caret "
        "(exit 1).",
    ),
    epilog=Msg(EXAMPLES.format(examples="示例"), EXAMPLES.format(examples="Examples")),
)
@click.argument("texts", nargs=-1, required=True, metavar="TEXT…")
@option(
    "--actual",
    is_flag=True,
    help=Msg("按实际完成值解析。", "Parse the cells as actuals."),
)
@option(
    "--target",
    "target_text",
    metavar="T",
    help=Msg(
        "与 --actual 合用：年度指标值，用于补全省略的单位。",
        "With --actual: the target, for a unit the actual leaves out.",
    ),
)
@option(
    "--json",
    "as_json",
    is_flag=True,
    help=Msg("输出 JSON 列表（每格的 to_dict()）。", "Print a JSON list (each cell's to_dict())."),
)
@option(
    "--jsonl",
    metavar="FILE|-",
    help=Msg("每格一行 JSON。", "Write JSON lines, one cell per line."),
)
@LANG_OPTION
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
    language = run_lang(ctx, lang)
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
        with open_out(jsonl) as out:
            for _text, d, _canonical in rows:
                out.write(dumps(d, indent=None) + "\n")
    if as_json:
        click.echo(dumps([d for _t, d, _c in rows]))
    if not as_json and jsonl != "-" and rows:
        terminal.render_targets(make_console(), rows, language)
    ctx.exit(1 if failed else 0)
