"""The form files a command reads, and scoring them all (:func:`jixiao.batch.score_files`) with
a progress bar."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from jixiao import batch
from jixiao.cli import lang as cli_lang
from jixiao.cli.common import fail, note
from jixiao.forms.read import SUFFIXES
from jixiao.i18n import Msg, tr, word
from jixiao.report import BatchEntry
from jixiao.report.terminal import make_console

if TYPE_CHECKING:
    from jixiao.policy.model import Policy

__all__ = [
    "FORM_SUFFIXES",
    "auto_jobs",
    "collect_inputs",
    "default_jobs",
    "score_files",
    "skip_reason",
]

FORM_SUFFIXES = SUFFIXES  # every kind of file read_forms reads
default_jobs = batch.default_jobs

SKIP_LOCK = Msg("Excel/WPS 的临时锁定文件", "an Excel/WPS lock file")
SKIP_HIDDEN = Msg("隐藏文件", "a hidden file")
SKIP_SPECIAL = Msg("不是普通文件", "not a regular file")
SKIP_SUFFIX = Msg(
    "不支持的文件类型 {suffix}，可读取：{kinds}",
    "unsupported file type {suffix}; readable: {kinds}",
)
NO_SUFFIX = Msg("（无扩展名）", "(no extension)")
SKIPPED = Msg("跳过 {path}：{why}", "skipped {path}: {why}")


def skip_reason(p: Path, lang: str = "zh") -> str | None:
    """Why a file found in a folder is not read, in *lang* (None: it is read)."""
    if p.name.startswith("~$"):
        return SKIP_LOCK.text(lang)
    if p.name.startswith("."):
        return SKIP_HIDDEN.text(lang)
    if not p.is_file():
        return SKIP_SPECIAL.text(lang)
    if p.suffix.lower() not in FORM_SUFFIXES:
        kinds = word("list_sep", lang).join(FORM_SUFFIXES)
        suffix = p.suffix or NO_SUFFIX.text(lang)
        return SKIP_SUFFIX.text(lang, suffix=suffix, kinds=kinds)
    return None


def collect_inputs(
    paths: Sequence[str], skipped: list[tuple[Path, str]] | None = None
) -> tuple[list[Path], bool]:
    """The form files named on the command line (folders searched recursively) and whether this
    is a batch (a folder, or more than one file). Exits 2 when a path does not exist. Every file
    of a folder that is not read is noted on stderr with the reason (and added to *skipped*)."""
    lang = cli_lang.current()
    files: list[Path] = []
    is_batch = len(paths) > 1
    for raw in paths:
        p = Path(raw)
        if not p.exists():
            fail(Msg("找不到文件或文件夹：{raw}", "no such file or folder: {raw}"), raw=raw)
        if p.is_dir():
            is_batch = True
            found: list[Path] = []
            for f in sorted(p.rglob("*"), key=lambda f: f.as_posix()):
                if f.is_dir():
                    continue
                why = skip_reason(f, lang)
                if why is None:
                    found.append(f)
                    continue
                if skipped is not None:
                    skipped.append((f, why))
                note(SKIPPED, path=f, why=why)
            if not found:
                note(
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
        fail(Msg("没有可读取的自评表文件", "no form file to read"))
    return files, is_batch


SCORING = Msg("评分", "scoring")


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
        task = progress.add_task(tr(SCORING, cli_lang.current()), total=total, name="")

        def advance(name: str) -> None:
            progress.update(task, advance=1, name=name)

        yield advance


# Starting workers costs up to a second each (a fresh interpreter where fork is not used); reading
# and scoring a workbook about 40 ms. Without -j, a batch smaller than this stays in one process.
PARALLEL_FROM = 32


def auto_jobs(count: int) -> int:
    """The worker processes for *count* files when ``-j`` is not given."""
    return default_jobs() if count >= PARALLEL_FROM else 1


def score_files(
    files: Sequence[Path],
    policy: Policy | str,
    *,
    progress: bool,
    include_hidden: bool = False,
    jobs: int = 1,
) -> list[BatchEntry]:
    """Read and score every form in *files* (:func:`jixiao.batch.score_files`): one entry per
    form, in the order of *files*; a file that cannot be read is an entry with the reason (after
    the forms read from it before the failure)."""
    debug = bool(os.environ.get("JIXIAO_DEBUG"))
    entries: list[BatchEntry] = []
    outcomes = batch.score_files(
        files,
        policy,
        include_hidden=include_hidden,
        jobs=jobs,
        lang=cli_lang.current(),
        debug=debug,
    )
    with _progress(len(files), progress) as advance:
        for path, outcome in zip(files, outcomes, strict=True):
            entries.extend(BatchEntry(outcome.source, r) for r in outcome.results)
            if outcome.error is not None:
                entries.append(BatchEntry(outcome.source, None, outcome.error))
            advance(path.name)
    return entries
