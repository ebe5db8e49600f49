"""The ``jixiao`` command group: parse, score, check, explain, policy, serve and db.

Each command lives in its own module (:mod:`~jixiao.cli.parse_cmd`, :mod:`~jixiao.cli.forms_cmd`,
:mod:`~jixiao.cli.policy_cmd`, :mod:`~jixiao.cli.serve_cmd`); their help texts are in both
languages and shown in the run's (:mod:`~jixiao.cli.localized`).

Exit status: 0 when all went well; 1 when ``check`` finds an error-level finding, a form file
cannot be read, a cell cannot be parsed, or a policy check fails; 2 for usage problems (a bad
option, a missing file, a policy that does not load).
"""

from __future__ import annotations

import click

from jixiao.cli import lang as cli_lang
from jixiao.cli.common import CONTEXT, LIMIT_OPTION, apply_limits
from jixiao.cli.forms_cmd import check, explain, score
from jixiao.cli.inputs import collect_inputs, default_jobs, score_files
from jixiao.cli.localized import LangGroup, option, version_option
from jixiao.cli.parse_cmd import parse
from jixiao.cli.policy_cmd import policy
from jixiao.cli.serve_cmd import db, serve
from jixiao.i18n import Msg

__all__ = ["cli", "collect_inputs", "default_jobs", "score_files"]

EXAMPLES = """\b
{examples}
  jixiao score examples/seed.json
  jixiao check forms/ --lang en
  jixiao explain examples/seed.json
  jixiao parse "≥45人" "≤64.253万元"
  jixiao policy test rules/central.policy
"""


@click.group(
    cls=LangGroup,
    context_settings=CONTEXT,
    help=Msg(
        "绩效自评表的解析、评分与复核。\n\n"
        "读取项目支出绩效自评表，逐项复核自评得分，说明每项得分的依据，列出表中的问题。"
        "加 --lang en 用英文输出（也可设环境变量 JIXIAO_LANG=en）。",
        "Parse, score and audit project expenditure performance self-evaluation forms.\n\n"
        "Reads the forms, recomputes every claimed score, explains each score and lists the "
        "problems found. Chinese by default; --lang en (or JIXIAO_LANG=en) for English.",
    ),
    epilog=Msg(EXAMPLES.format(examples="示例"), EXAMPLES.format(examples="Examples")),
)
@version_option(package_name="jixiao", prog_name="jixiao")
@option(
    "--lang",
    type=click.Choice(["zh", "en"]),
    default=None,
    envvar="JIXIAO_LANG",
    help=Msg(
        "所有命令的输出语言，默认中文（也可用环境变量 JIXIAO_LANG）。",
        "The language of every command's output; Chinese by default (also JIXIAO_LANG).",
    ),
)
@LIMIT_OPTION
@click.pass_context
def cli(ctx: click.Context, lang: str | None, limit: tuple[str, ...]) -> None:
    ctx.ensure_object(dict)
    ctx.obj["lang"] = lang
    if lang:
        cli_lang.use(lang)  # as main() does from argv, for runs that do not go through it
    apply_limits(limit)


cli.add_command(parse)
cli.add_command(score)
cli.add_command(check)
cli.add_command(explain)
cli.add_command(policy)
cli.add_command(serve)
cli.add_command(db)
