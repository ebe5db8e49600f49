"""Writing output files safely: atomically (a temporary file, then a rename), and never over an
input file (compared with ``os.path.samefile``, so a hard link or a symlink to an input is
caught too).
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from jixiao.escape import visible

__all__ = [
    "atomic_open",
    "atomic_save",
    "atomic_write_bytes",
    "atomic_write_text",
    "same_file",
    "sheet_title",
    "unique_sheet_name",
]

StrPath = str | os.PathLike[str]


def same_file(a: StrPath, b: StrPath) -> bool:
    """True when *a* and *b* are the same file: the same path once resolved, or (both existing)
    the same inode, as through a hard link or a symlink."""
    pa, pb = Path(a), Path(b)
    try:
        if pa.resolve() == pb.resolve():
            return True
    except (OSError, RuntimeError):
        pass
    try:
        return pa.exists() and pb.exists() and os.path.samefile(pa, pb)
    except OSError:
        return False


def overlaps(out: StrPath, inputs: Iterable[StrPath]) -> StrPath | None:
    """The first of *inputs* that *out* would overwrite, else None."""
    for p in inputs:
        if same_file(out, p):
            return p
    return None


@contextlib.contextmanager
def atomic_open(
    path: StrPath, mode: str = "w", *, encoding: str | None = "utf-8", newline: str | None = None
) -> Iterator[IO[Any]]:
    """Open a temporary file beside *path*; on success it replaces *path* in one rename, on an
    error it is removed and *path* is left as it was (never a truncated report).

    A *path* that is a symlink is replaced by the new file (the link's target is not written
    through)."""
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    try:
        if "b" in mode:
            fh: IO[Any] = os.fdopen(fd, mode)
        else:
            fh = os.fdopen(fd, mode, encoding=encoding, newline=newline)
        with fh:
            yield fh
        with contextlib.suppress(OSError):
            os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


_SURROGATE = re.compile("[\ud800-\udfff]")


def atomic_write_bytes(path: StrPath, data: bytes) -> None:
    with atomic_open(path, "wb") as fh:
        fh.write(data)


def atomic_write_text(
    path: StrPath, text: str, *, encoding: str = "utf-8", newline: str | None = None
) -> None:
    """Write text atomically; characters the encoding cannot hold (a lone surrogate) are written
    as ``\\udXXX`` escapes rather than failing half-way."""
    text = _SURROGATE.sub(lambda m: visible(m.group(0)), text)
    with atomic_open(path, "w", encoding=encoding, newline=newline) as fh:
        fh.write(text)


def atomic_save(
    wb: Any, path: StrPath, save: Callable[[Any, IO[bytes]], None] | None = None
) -> None:
    """Save an openpyxl workbook atomically."""
    with atomic_open(path, "wb") as fh:
        if save is not None:
            save(wb, fh)
        else:
            wb.save(fh)


_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def sheet_title(name: str, width: int = 28) -> str:
    """A worksheet title from text read from a form: no characters Excel forbids (``[]:*?/\\``),
    no control or invisible characters, no ``'`` at either end, at most *width* characters
    (Excel allows 31; the rest is room for a number making it unique); ``表`` if nothing is left.

    >>> sheet_title("=HYPERLINK(\\"x\\")[1]"), sheet_title("a\\x1b[2Jb"), sheet_title("'")
    ('=HYPERLINK("x")1', 'ax1b2Jb', '表')
    """
    text = _FORBIDDEN.sub("", visible(name).replace("\n", " ").replace("\t", " "))
    text = text.strip().strip("'").strip()[:width].strip().strip("'")
    if text.lower() == "history":  # reserved by Excel
        text += "_"
    return text or "表"


def unique_sheet_name(name: str, used: set[str]) -> str:
    """:func:`sheet_title` of *name*, made unique among *used* by a number (``表``, ``表2``, …)
    and added to it: at most 31 characters, as Excel allows.

    >>> used = set()
    >>> unique_sheet_name("表", used), unique_sheet_name("表", used)
    ('表', '表2')
    """
    name = sheet_title(name)
    candidate, n = name, 2
    while candidate in used:
        candidate, n = f"{name[:26]}{n}", n + 1
    used.add(candidate)
    return candidate
