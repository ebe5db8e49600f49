"""``jixiao serve`` (the workbench) and ``jixiao db`` (the results store)."""

from __future__ import annotations

import ipaddress
import os
import secrets
import webbrowser
from pathlib import Path
from typing import NoReturn

import click
from rich.text import Text

from jixiao.cli import lang as cli_lang
from jixiao.cli.localized import LangCommand, LangGroup, option
from jixiao.i18n import Msg, tr, word
from jixiao.report.terminal import make_console
from jixiao.store import ResultStore, StoreError

__all__ = ["db", "serve"]

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}
DEFAULT_DB = "jixiao-results.sqlite"


def _fail(message: Msg | str, code: int = 2, **fields: object) -> NoReturn:
    lang = cli_lang.current()
    text = Text()
    text.append(word("error_prefix", lang), style="bold red")
    text.append(tr(message, lang, **fields))
    make_console(stderr=True).print(text, soft_wrap=True)
    raise SystemExit(code)


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@click.command(
    cls=LangCommand,
    context_settings=CONTEXT,
    help=Msg(
        "启动本机复核工作台（网页）。\n\n"
        "在本机网页中上传自评表、查看复核发现、总览一批表单、编辑评分策略。"
        "结果存入 --db 指定的 SQLite 结果库。",
        "Start the workbench, a local web page.\n\n"
        "Upload forms, read their findings, see a batch at a glance and edit policies. "
        "Results are kept in the SQLite store given by --db.",
    ),
    epilog=Msg(
        """\b
示例
  jixiao serve
  jixiao serve --db 2024年度.sqlite --port 8800 --no-browser
  jixiao serve --host 0.0.0.0 --token 自设口令
""",
        """\b
Examples
  jixiao serve
  jixiao serve --db results-2024.sqlite --port 8800 --no-browser
  jixiao serve --host 0.0.0.0 --token my-secret-token
""",
    ),
)
@option(
    "--db",
    "db_path",
    default=DEFAULT_DB,
    show_default=True,
    metavar="PATH",
    help=Msg(
        "结果库 SQLite 文件，不存在则创建。",
        "The results store, a SQLite file; created when missing.",
    ),
)
@option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help=Msg("监听地址。", "The address to listen on."),
)
@option(
    "--port",
    default=8765,
    show_default=True,
    type=click.IntRange(0, 65535),
    help=Msg("监听端口。", "The port to listen on."),
)
@option(
    "--token",
    default=None,
    metavar="TOKEN",
    help=Msg(
        "访问令牌，在共享机器上使用；auto 生成随机令牌。",
        "An access token, for a shared machine; auto generates one.",
    ),
)
@option(
    "--policy",
    "policy_spec",
    default="central",
    show_default=True,
    metavar="NAME|auto",
    help=Msg("上传页默认选中的评分策略。", "The policy selected by default on the upload page."),
)
@option(
    "--max-upload-mb",
    default=64,
    show_default=True,
    type=click.IntRange(1, 4096),
    help=Msg("单次上传的上限（MB）。", "The largest upload, in MB."),
)
@option(
    "--no-browser",
    is_flag=True,
    help=Msg("不自动打开浏览器。", "Do not open a browser."),
)
def serve(
    db_path: str,
    host: str,
    port: int,
    token: str | None,
    policy_spec: str,
    max_upload_mb: int,
    no_browser: bool,
) -> None:
    try:
        import uvicorn

        from jixiao.web.app import create_app
        from jixiao.web.uploads import UploadLimits
    except ImportError:
        _fail(
            Msg(
                "工作台需要 web 组件：pip install 'jixiao[web]'",
                "the workbench needs the web extra: pip install 'jixiao[web]'",
            )
        )
    err = make_console(stderr=True)
    if token == "auto":
        token = secrets.token_urlsafe(16)
    if not _loopback(host) and token is None:
        err.print(
            tr(
                Msg(
                    "警告：工作台监听 {host}，没有账户与口令，同一网络中的任何人都能访问；"
                    "请加 --token",
                    "warning: listening on {host}, a non-loopback address, without accounts; "
                    "anyone on the network can use it: add --token",
                ),
                cli_lang.current(),
                host=host,
            ),
            style="bold yellow",
            markup=False,
        )
    limits = UploadLimits(max_request_bytes=max_upload_mb * 1024 * 1024)
    app = create_app(Path(db_path), token=token, default_policy=policy_spec, limits=limits)
    url = f"http://{'127.0.0.1' if host in ('0.0.0.0', '::') else host}:{port}/"
    if token:
        url += f"?token={token}"
    err.print(
        tr(
            Msg("工作台：{url}  结果库：{db}", "workbench: {url}  store: {db}"),
            cli_lang.current(),
            url=url,
            db=db_path,
        ),
        markup=False,
    )
    if not no_browser:
        webbrowser.open(url)
    uvicorn.run(app, host=host, port=port, log_level="warning")


@click.group(
    cls=LangGroup,
    context_settings=CONTEXT,
    help=Msg("结果库：查看与导出。", "The results store: look and export."),
    epilog=Msg(
        "\b\n示例\n  jixiao db info jixiao-results.sqlite\n"
        "  jixiao db export-findings jixiao-results.sqlite findings.parquet\n",
        "\b\nExamples\n  jixiao db info jixiao-results.sqlite\n"
        "  jixiao db export-findings jixiao-results.sqlite findings.parquet\n",
    ),
)
def db() -> None:
    """The ``jixiao db`` group."""


@db.command(
    "info",
    context_settings=CONTEXT,
    help=Msg(
        "列出结果库中的批次与表单数。", "List the batches of a results store and their forms."
    ),
)
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
def db_info(path: str) -> None:
    try:
        store = ResultStore(path)
    except StoreError as exc:
        _fail(exc.render(cli_lang.current()))
    lang = cli_lang.current()
    with store:
        console = make_console()
        head = Msg("结果库 {path} · 版本 {version}", "store {path} · schema {version}")
        console.print(tr(head, lang, path=path, version=store.version), markup=False)
        line = Msg(
            "{id}  {created}  {forms} 表  {errors} 错误  {label}",
            "{id}  {created}  {forms} forms  {errors} errors  {label}",
        )
        for b in store.batches():
            console.print(
                tr(
                    line,
                    lang,
                    id=b["id"],
                    created=b["created_at"],
                    forms=b["forms"],
                    errors=b["errors"],
                    label=b["label"],
                ),
                markup=False,
            )


@db.command(
    "export-findings",
    context_settings=CONTEXT,
    help=Msg(
        "把复核发现表导出为 Parquet（供 pandas、Dask 使用）。",
        "Write the findings table as Parquet, for pandas or Dask.",
    ),
)
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.argument("out", type=click.Path(dir_okay=False))
def db_export(path: str, out: str) -> None:
    if Path(out).exists() and os.path.samefile(out, path):
        raise click.UsageError(
            tr(
                Msg("输出不能覆盖结果库", "the output would overwrite the store"),
                cli_lang.current(),
            )
        )
    try:
        with ResultStore(path) as store:
            n = store.export_findings(out)
    except StoreError as exc:
        _fail(exc.render(cli_lang.current()))
    wrote = Msg("已写入 {n} 条发现：{out}", "wrote {n} findings: {out}")
    make_console(stderr=True).print(tr(wrote, cli_lang.current(), n=n, out=out), markup=False)
