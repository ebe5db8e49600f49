"""What the commands share: the run's language, error and note lines, output files, limits."""

from __future__ import annotations

import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO, TYPE_CHECKING, NoReturn

import click
from rich.text import Text

from jixiao.cli import lang as cli_lang
from jixiao.cli.localized import option
from jixiao.errors import JixiaoError, PolicyError
from jixiao.fileio import atomic_open, overlaps
from jixiao.i18n import Msg, tr, word
from jixiao.limits import current, parse_overrides, set_limits
from jixiao.policy import load_policy
from jixiao.policy.choose import AUTO
from jixiao.report.terminal import make_console

if TYPE_CHECKING:
    from jixiao.policy.model import Policy

__all__ = [
    "CANNOT_WRITE",
    "CONTEXT",
    "LANG_OPTION",
    "LIMIT_OPTION",
    "apply_limits",
    "check_output",
    "err",
    "fail",
    "fail_error",
    "load_policy_or_exit",
    "note",
    "open_out",
    "run_lang",
]

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


def run_lang(ctx: click.Context, lang: str | None) -> str:
    """The command's language: its ``--lang``, else the group's (``jixiao --lang``,
    ``JIXIAO_LANG``), else Chinese; the CLI's own errors and notes follow it from now on."""
    if not lang:
        obj = ctx.find_root().obj
        lang = str(obj["lang"]) if isinstance(obj, dict) and obj.get("lang") else "zh"
    cli_lang.use(lang)
    return lang


def err(message: Msg | str, **fields: object) -> None:
    """One error line on stderr, in the run's language (plain text: no markup, no colour codes
    when piped)."""
    lang = cli_lang.current()
    console = make_console(stderr=True)
    text = Text()
    text.append(word("error_prefix", lang), style="bold red")
    text.append(tr(message, lang, **fields))
    console.print(text, soft_wrap=True)


def note(message: Msg | str, **fields: object) -> None:
    """One dim note line on stderr, in the run's language."""
    text = tr(message, cli_lang.current(), **fields)
    make_console(stderr=True).print(Text(text, style="dim"), soft_wrap=True)


def fail(message: Msg | str, code: int = 2, **fields: object) -> NoReturn:
    err(message, **fields)
    raise SystemExit(code)


def fail_error(exc: JixiaoError, code: int = 2) -> NoReturn:
    fail(exc.render(cli_lang.current()), code)


def load_policy_or_exit(spec: str) -> Policy | str:
    """The policy, or a clear message and exit 2 (a policy problem is a usage problem here).
    ``auto`` stays a name: each form then gets the policy of its region and year."""
    if spec == AUTO:
        return AUTO
    try:
        return load_policy(spec)
    except PolicyError as exc:
        fail_error(exc)
    except FileNotFoundError as exc:
        fail(str(exc))


CANNOT_WRITE = Msg("无法写入 {path}：{reason}", "cannot write {path}: {reason}")


@contextmanager
def open_out(path: str) -> Iterator[IO[str]]:
    """stdout for ``-``; else a temporary file that replaces *path* only once it is complete
    (an error half-way leaves no truncated report)."""
    if path == "-":
        yield sys.stdout
        return
    try:
        with atomic_open(path, "w", encoding="utf-8", newline="\n") as fh:
            yield fh
    except OSError as exc:
        fail(CANNOT_WRITE, path=path, reason=exc.strerror)


def check_output(option: str, out: Path, inputs: Sequence[Path]) -> None:
    """Before any work: an output must not be an input (the same path, or the same file through
    a hard link or a symlink), and its folder must exist."""
    hit = overlaps(out, inputs)
    if hit is not None:
        fail(
            Msg(
                "{option} 的输出文件不能是输入文件本身：{out}（即 {hit}）",
                "{option} would overwrite the input file {hit}",
            ),
            option=option,
            out=out,
            hit=hit,
        )
    if not out.parent.is_dir():
        fail(
            Msg("{option}：文件夹不存在：{folder}", "{option}: no such folder: {folder}"),
            option=option,
            folder=out.parent,
        )


LIMIT_OPTION = option(
    "--limit",
    "limit",
    multiple=True,
    metavar="NAME=N",
    help=Msg(
        "提高或降低一项资源限制，可重复，如 --limit rows=200000 --limit file_bytes=200MB；"
        "限制见 docs/security.md。",
        "Raise or lower a resource limit; repeatable, e.g. --limit rows=200000 "
        "--limit file_bytes=200MB; the limits are listed in docs/security.md.",
    ),
)

LANG_OPTION = option(
    "--lang",
    type=click.Choice(["zh", "en"]),
    default=None,
    help=Msg("输出语言，默认中文。", "The language of the output; Chinese by default."),
)


def apply_limits(items: Sequence[str]) -> None:
    """``--limit NAME=N`` values, or a usage error naming the bad one."""
    if not items:
        return
    try:
        set_limits(current(), **parse_overrides(list(items)))
    except JixiaoError as exc:
        raise click.UsageError(exc.render(cli_lang.current())) from None
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
