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
    context_settings=CONTEXT,
    epilog="""\b
示例 EXAMPLES
  jixiao serve
  jixiao serve --db 2024年度.sqlite --port 8800 --no-browser
  jixiao serve --host 0.0.0.0 --token 自设口令
""",
)
@click.option(
    "--db",
    "db_path",
    default=DEFAULT_DB,
    show_default=True,
    metavar="PATH",
    help="结果库 SQLite 文件，不存在则创建 (the results store; created when missing).",
)
@click.option("--host", default="127.0.0.1", show_default=True, help="监听地址 (address).")
@click.option("--port", default=8765, show_default=True, type=click.IntRange(0, 65535))
@click.option(
    "--token",
    default=None,
    metavar="TOKEN",
    help="访问令牌；在共享机器上使用 (an access token, for a shared machine). "
    "'auto' 生成随机令牌 (generates one).",
)
@click.option(
    "--policy",
    "policy_spec",
    default="central",
    show_default=True,
    metavar="NAME|auto",
    help="上传页默认选中的评分策略 (the policy selected by default on the upload page).",
)
@click.option(
    "--max-upload-mb",
    default=64,
    show_default=True,
    type=click.IntRange(1, 4096),
    help="单次上传的上限 (largest upload, MB).",
)
@click.option("--no-browser", is_flag=True, help="不自动打开浏览器 (do not open a browser).")
def serve(
    db_path: str,
    host: str,
    port: int,
    token: str | None,
    policy_spec: str,
    max_upload_mb: int,
    no_browser: bool,
) -> None:
    """启动本机复核工作台（网页）。

    Start the workbench: a local web page to upload forms, read their findings, see a batch at a
    glance and edit policies. Results are kept in the SQLite store given by --db.
    """
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


@click.group(context_settings=CONTEXT)
def db() -> None:
    """结果库：查看与导出 (the results store: look and export)."""


@db.command("info", context_settings=CONTEXT)
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
def db_info(path: str) -> None:
    """列出结果库中的批次与表单数 (list the batches and form counts of a store)."""
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


@db.command("export-findings", context_settings=CONTEXT)
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.argument("out", type=click.Path(dir_okay=False))
def db_export(path: str, out: str) -> None:
    """把复核发现表导出为 Parquet (write the findings table as Parquet, for pandas/Dask)."""
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
