"""Resource limits for files from strangers: one place that holds them all.

Longer than 500 lines on purpose: every limit, and every check a reader makes with it before and
while it reads (file size, zip members and their XML parts, sheets, cells, digits), stand in this
one module, so that a reader added later calls one place and a review of what jixiao accepts from
strangers reads one file (docs/security.md).

资源限制：读取来自他人的文件时，jixiao 在解析之前就检查文件大小、解压后大小、行数、列数、合并
单元格面积、单元格长度等，超过限制的文件立即被拒绝，并给出一条指明限制名称和提高方法的错误。

Every reader (JSON, CSV, Excel, and the readers added later) calls the helpers here before and
while it reads: :func:`check_file_size`, :func:`open_zip` (a workbook's zip members: the sizes
the headers declare *and* the bytes actually decompressed, the cells and merged ranges of every
sheet, no DTD in any XML part), :func:`check_cell_text`, :func:`check_grid_shape` and
:func:`check_digits`. A file over a limit raises :class:`LimitError` (a
:class:`~jixiao.errors.FormError`, so one such file never stops a batch) naming the limit, the
value found and how to raise it.

The limits in force are :func:`current`; change them for a block with :func:`using`, or for the
whole process with :func:`set_limits` (the CLI's ``--limit NAME=N``).

>>> from jixiao.limits import Limits, current, using
>>> current().rows
100000
>>> with using(rows=10):
...     current().rows
10
"""

from __future__ import annotations

import contextvars
import io
import re
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs

from jixiao.errors import FormError, UsageError
from jixiao.i18n import Msg

__all__ = [
    "LIMIT_TEXT",
    "LimitError",
    "Limits",
    "check_cell_text",
    "check_digits",
    "check_file_size",
    "check_grid_shape",
    "current",
    "open_zip",
    "parse_overrides",
    "set_limits",
    "using",
]

_MB = 1024 * 1024

#: Caches (parsed cells, units, scoring outcomes) keep only texts of at most this many
#: characters: a cache of N entries then holds at most N × this many characters, whatever the
#: input (20,000 distinct 20,000-character cells are parsed each time, not kept).
CACHED_CHARS = 256


@attrs.frozen
class Limits:
    """The limits jixiao applies to every input file. All are per file unless noted.

    ``file_bytes``: the file's size on disk; ``unzipped_bytes``: the sum of a workbook's zip
    members once decompressed (the sizes the zip declares and the bytes actually read);
    ``zip_members``: entries in a workbook's zip; ``cells``: non-empty cells (all sheets);
    ``rows`` / ``columns``: the last row / column that holds a cell, per sheet (or CSV file);
    ``merged_cells``: cells covered by merged ranges on one sheet, after clipping the ranges to
    the cells that hold data; ``cell_chars``: characters in one cell or text field (Excel's own
    limit is 32767); ``json_depth``: nesting of JSON arrays and objects; ``digits``: significant
    digits of a number (weights, scores, budget amounts).
    """

    file_bytes: int = 50 * _MB
    unzipped_bytes: int = 200 * _MB
    zip_members: int = 10_000
    cells: int = 300_000
    rows: int = 100_000
    columns: int = 1_000
    merged_cells: int = 300_000
    cell_chars: int = 32_767
    json_depth: int = 64
    digits: int = 20

    def replace(self, **changes: int) -> Limits:
        """These limits with some changed; unknown names raise ValueError."""
        unknown = sorted(set(changes) - set(attrs.fields_dict(Limits)))
        if unknown:
            raise UsageError(f"unknown limit(s): {', '.join(unknown)}; known: {', '.join(NAMES)}")
        for name, value in changes.items():
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise UsageError(f"limit {name} must be a positive integer, not {value!r}")
        return attrs.evolve(self, **changes)


NAMES: tuple[str, ...] = tuple(attrs.fields_dict(Limits))

#: What each limit bounds, in Chinese and in English (for messages and docs/security.md).
LIMIT_TEXT: dict[str, tuple[str, str]] = {
    "file_bytes": ("文件大小（字节）", "file size in bytes"),
    "unzipped_bytes": ("工作簿解压后的总大小（字节）", "decompressed size of the workbook, bytes"),
    "zip_members": ("工作簿压缩包中的部件数", "entries in the workbook's zip"),
    "cells": ("非空单元格数", "non-empty cells"),
    "rows": ("工作表行数", "rows of a sheet"),
    "columns": ("工作表列数", "columns of a sheet"),
    "merged_cells": (
        "一张工作表中合并单元格覆盖的单元格数",
        "cells covered by merged ranges on a sheet",
    ),
    "cell_chars": ("单元格字符数", "characters in one cell"),
    "json_depth": ("JSON 嵌套层数", "nesting depth of JSON arrays and objects"),
    "digits": ("数字的有效位数", "significant digits of a number"),
}

_DEFAULT = Limits()
_current: contextvars.ContextVar[Limits] = contextvars.ContextVar("jixiao_limits")
_process: list[Limits] = [_DEFAULT]


def current() -> Limits:
    """The limits in force: those of the innermost :func:`using` block, else the process's."""
    return _current.get(_process[0])


def set_limits(limits: Limits | None = None, **changes: int) -> Limits:
    """Set the process-wide limits (``None`` restores the defaults); returns the new limits."""
    base = limits if limits is not None else _DEFAULT
    _process[0] = base.replace(**changes) if changes else base
    return _process[0]


@contextmanager
def using(limits: Limits | None = None, **changes: int) -> Iterator[Limits]:
    """Run a block under other limits (this thread / task only)."""
    base = limits if limits is not None else current()
    new = base.replace(**changes) if changes else base
    token = _current.set(new)
    try:
        yield new
    finally:
        _current.reset(token)


def parse_overrides(items: tuple[str, ...] | list[str]) -> dict[str, int]:
    """``["rows=200000", "cell_chars=100000"]`` → a dict for :meth:`Limits.replace`.

    >>> parse_overrides(["rows=200000", "file_bytes=100MB"])
    {'rows': 200000, 'file_bytes': 104857600}
    """
    out: dict[str, int] = {}
    for item in items:
        name, sep, raw = item.partition("=")
        name = name.strip().replace("-", "_")
        if not sep or name not in NAMES:
            raise UsageError(
                Msg(
                    f"--limit 应写作 名称=数值，名称为 {'、'.join(NAMES)} 之一；实际为 {item!r}",
                    f"expected NAME=N with NAME one of {', '.join(NAMES)}; got {item!r}",
                )
            )
        text = raw.strip().upper().replace("_", "")
        factor = 1
        for suffix, f in (("KB", 1024), ("MB", _MB), ("GB", 1024 * _MB)):
            if text.endswith(suffix):
                text, factor = text[: -len(suffix)], f
                break
        if not text.isdigit() or int(text) < 1:
            raise UsageError(
                Msg(
                    f"--limit {name} 应为正整数，实际为 {raw!r}",
                    f"--limit {name} must be a positive integer: {raw!r}",
                )
            )
        out[name] = int(text) * factor
    return out


class LimitError(FormError):
    """An input over one of the :class:`Limits`: names the limit, what was found, how to raise it."""

    def __init__(
        self,
        name: str,
        found: object,
        *,
        source: str | None = None,
        where: str | None = None,
        limit: int | None = None,
    ) -> None:
        self.limit_name = name
        self.limit = current().__getattribute__(name) if limit is None else limit
        self.found = found
        zh, en = LIMIT_TEXT[name]
        message = Msg(
            f"超过限制 {name}={self.limit}（{zh}），实际为 {found}；文件未读取。如确需读取，"
            f"可用 --limit {name}=N 或 jixiao.limits.using({name}=N) 提高此限制",
            f"over the limit {name}={self.limit} ({en}): found {found}; the file was not read. "
            f"Raise it with --limit {name}=N or jixiao.limits.using({name}=N)",
        )
        super().__init__(message, source=source, where=where)


# ------------------------------------------------------------------------------------------------
# helpers the readers call


def check_file_size(path: Path, source: str) -> None:
    """Refuse a file larger than ``file_bytes`` before reading any of it."""
    size = path.stat().st_size
    if size > current().file_bytes:
        raise LimitError("file_bytes", size, source=source)


def read_bytes(path: Path, source: str) -> bytes:
    """The file's bytes, refusing more than ``file_bytes`` (also when the file grows meanwhile)."""
    limit = current().file_bytes
    size = path.stat().st_size
    if size > limit:
        raise LimitError("file_bytes", size, source=source)
    with path.open("rb") as fh:
        data = fh.read(size + 1)  # the size stat gave, and one byte to see it grew meanwhile
        while len(data) > size:
            more = fh.read(1 << 20)
            if not more:
                break
            data += more
            if len(data) > limit:
                raise LimitError("file_bytes", f">{limit}", source=source)
    if len(data) > limit:
        raise LimitError("file_bytes", f">{limit}", source=source)
    return data


def check_cell_text(text: str, *, source: str | None, where: str | None) -> None:
    """Refuse a cell or text field longer than ``cell_chars`` characters."""
    limit = current().cell_chars
    if len(text) > limit:
        raise LimitError("cell_chars", len(text), source=source, where=where)


def check_grid_shape(
    max_row: int, max_col: int, cells: int, *, source: str, where: str | None = None
) -> None:
    """Refuse a sheet (or CSV file) whose used range or cell count is over the limits."""
    lim = current()
    if max_row > lim.rows:
        raise LimitError("rows", max_row, source=source, where=where)
    if max_col > lim.columns:
        raise LimitError("columns", max_col, source=source, where=where)
    if cells > lim.cells:
        raise LimitError("cells", cells, source=source, where=where)


def check_digits(number: Decimal, *, source: str | None, where: str | None) -> None:
    """Refuse a number with more than ``digits`` significant digits, or whose magnitude is beyond
    10 to the power ±2×``digits`` (``1e400``: a number no form holds, and one that would overflow
    the arithmetic)."""
    limit = current().digits
    if not number:  # 0, 0.00, 0E+20000: nothing to count
        return
    _sign, digits, exponent = number.as_tuple()
    count = len(_strip_zeros(digits))
    if count > limit:
        raise LimitError("digits", count, source=source, where=where)
    if isinstance(exponent, int) and abs(exponent + len(digits)) > 2 * limit:
        raise LimitError(
            "digits", f"{number:.3e}" if number.is_finite() else "∞", source=source, where=where
        )


def _strip_zeros(digits: tuple[int, ...]) -> tuple[int, ...]:
    i = 0
    while i < len(digits) - 1 and digits[i] == 0:
        i += 1
    j = len(digits)
    while j > i + 1 and digits[j - 1] == 0:
        j -= 1
    return digits[i:j]


# ------------------------------------------------------------------------------------------------
# workbooks (zip containers of XML parts)

_CELL_REF = re.compile(rb"<(?:\w+:)?c\b[^>]*?\sr=\"([A-Z]{1,3})([0-9]{1,7})\"")
_ANY_CELL = re.compile(rb"<(?:\w+:)?c[\s/>]")
_ROW_REF = re.compile(rb"<(?:\w+:)?row\b[^>]*?\sr=\"([0-9]{1,7})\"")
_MERGE = re.compile(
    rb"<(?:\w+:)?mergeCell\b[^>]*?\sref=\"([A-Z]{1,3})([0-9]{1,7})(?::([A-Z]{1,3})([0-9]{1,7}))?\""
)
_DTD = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_CHUNK = 1 << 16


def _col(letters: bytes) -> int:
    n = 0
    for b in letters:
        n = n * 26 + (b - 64)
    return n


@attrs.frozen
class SheetScan:
    """What the scan of one sheet part found: the used range, cells and merged ranges."""

    max_row: int
    max_col: int
    cells: int
    merges: tuple[tuple[int, int, int, int], ...]  # (min_row, min_col, max_row, max_col)


def open_zip(data: bytes, source: str) -> bytes:
    """Check a workbook's zip before any XML parser sees it; returns the bytes to open.

    Checks the member count and the decompressed sizes the central directory declares, then
    decompresses every member in chunks, counting the bytes actually produced (a member that
    yields more than it declares, or a total over ``unzipped_bytes``, is refused at once). Every
    XML part must be UTF-8 without a DTD (``<!DOCTYPE``/``<!ENTITY``: the shape of
    billion-laughs and XXE payloads; Office never writes one). Every worksheet's cells, used
    range and merged ranges (clipped to the cells holding data) are counted against the limits.

    Returns a rebuilt, uncompressed copy of the zip in which every merged range is clipped to
    the data (so no reader expands a range over empty cells), or *data* itself when nothing
    needed clipping. Raises :class:`LimitError` / :class:`~jixiao.errors.FormError`; a file
    that is not a zip at all is returned unchanged (the workbook reader reports it).
    """
    lim = current()
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return data
    if len(infos) > lim.zip_members:
        raise LimitError("zip_members", len(infos), source=source)
    declared = sum(max(i.file_size, 0) for i in infos)
    if declared > lim.unzipped_bytes:
        raise LimitError("unzipped_bytes", declared, source=source, where="zip headers")
    total = 0
    parts: list[tuple[zipfile.ZipInfo, bytes]] = []
    cells = 0
    clipped = False
    for info in infos:
        if info.is_dir():
            continue
        buf = bytearray()
        is_xml = info.filename.lower().endswith((".xml", ".rels", ".vml"))
        run = 0  # bytes since the last "<": a text node that long is over cell_chars
        longest = 4 * lim.cell_chars  # UTF-8 takes at most 4 bytes a character
        try:
            with zf.open(info) as fh:
                while True:
                    chunk = fh.read(_CHUNK)
                    if not chunk:
                        break
                    if is_xml:
                        widest, run = _text_run(chunk, run)
                        if widest > longest:
                            raise LimitError(
                                "cell_chars",
                                f">{lim.cell_chars}",
                                source=source,
                                where=info.filename,
                            )
                    buf += chunk
                    total += len(chunk)
                    if len(buf) > info.file_size:
                        raise LimitError(
                            "unzipped_bytes",
                            f">{info.file_size} (declared {info.file_size})",
                            source=source,
                            where=info.filename,
                        )
                    if total > lim.unzipped_bytes:
                        raise LimitError(
                            "unzipped_bytes",
                            f">{lim.unzipped_bytes}",
                            source=source,
                            where=info.filename,
                        )
        except LimitError:
            raise
        except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError) as exc:
            if _inflates_past(data, info):
                raise LimitError(
                    "unzipped_bytes",
                    f"more than the {info.file_size} bytes its zip header declares",
                    source=source,
                    where=info.filename,
                ) from None
            raise FormError(
                Msg(
                    f"工作簿压缩包已损坏：{info.filename}（{exc}）",
                    f"the workbook's zip is damaged: {info.filename}: {exc}",
                ),
                source=source,
            ) from None
        content = bytes(buf)
        name = info.filename.lower()
        if name.endswith((".xml", ".rels", ".vml")):
            _check_xml(content, info.filename, source)
        if name.startswith("xl/worksheets/") and name.endswith(".xml"):
            scan = _scan_sheet(content)
            cells += scan.cells
            check_grid_shape(scan.max_row, scan.max_col, 0, source=source, where=info.filename)
            if cells > lim.cells:
                raise LimitError("cells", cells, source=source)
            area, new = _clip_merges(content, scan)
            if area > lim.merged_cells:
                raise LimitError("merged_cells", area, source=source, where=info.filename)
            if new is not None:
                content, clipped = new, True
        parts.append((info, content))
    if not clipped:
        return data
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as zout:
        for info, content in parts:
            zout.writestr(zipfile.ZipInfo(info.filename, date_time=info.date_time), content)
    return out.getvalue()


def _text_run(chunk: bytes, run: int) -> tuple[int, int]:
    """(the longest run of bytes without a ``<`` in *chunk*, counting the *run* left open by the
    previous chunk; the run left open at the end of *chunk*)."""
    first = chunk.find(b"<")
    if first == -1:
        return run + len(chunk), run + len(chunk)
    longest = run + first
    last = chunk.rfind(b"<")
    if last > first:
        longest = max(longest, max(len(piece) for piece in chunk[first + 1 : last].split(b"<")))
    tail = len(chunk) - last - 1
    return max(longest, tail), tail


def _inflates_past(data: bytes, info: zipfile.ZipInfo) -> bool:
    """True when a deflated member inflates to more bytes than its header declares (zipfile
    stops at the declared size and reports a bad CRC; this says why)."""
    if info.compress_type != zipfile.ZIP_DEFLATED:
        return False
    try:
        off = info.header_offset
        if data[off : off + 4] != b"PK\x03\x04":
            return False
        n = int.from_bytes(data[off + 26 : off + 28], "little")
        m = int.from_bytes(data[off + 28 : off + 30], "little")
        start = off + 30 + n + m
        raw = data[start : start + info.compress_size]
        out = zlib.decompressobj(-15).decompress(raw, info.file_size + 1)
    except (zlib.error, ValueError):
        return False
    return len(out) > info.file_size


def _check_xml(content: bytes, name: str, source: str) -> None:
    if content.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in content[:64]:
        raise FormError(
            Msg(
                f"工作簿部件 {name} 不是 UTF-8 编码的 XML，不予读取",
                f"the workbook part {name} is not UTF-8 XML; refused",
            ),
            source=source,
        )
    if _DTD.search(content) is not None:
        raise FormError(
            Msg(
                f"工作簿部件 {name} 含有 DTD（<!DOCTYPE 或 <!ENTITY），Office 从不写入 DTD，这是 XML "
                f"炸弹或外部实体攻击的形式，不予读取",
                f"the workbook part {name} holds a DTD (<!DOCTYPE or <!ENTITY): Office never "
                f"writes one, it is the shape of an XML bomb or an external-entity attack; refused",
            ),
            source=source,
        )
    limit = current().cell_chars
    # any text node far over the cell limit (4 bytes a character at most in UTF-8)
    if re.search(rb">[^<]{%d}" % (4 * limit + 1), content) is not None:
        raise LimitError("cell_chars", f">{limit}", source=source, where=name)


def _scan_sheet(content: bytes) -> SheetScan:
    max_row = max_col = cells = 0
    for m in _CELL_REF.finditer(content):
        cells += 1
        row, col = int(m.group(2)), _col(m.group(1))
        if row > max_row:
            max_row = row
        if col > max_col:
            max_col = col
    for m in _ROW_REF.finditer(content):
        max_row = max(max_row, int(m.group(1)))
    anywhere = len(_ANY_CELL.findall(content))
    if anywhere > cells:  # cells without an address: their columns are not known here
        cells = anywhere
        max_col = max(max_col, current().columns)
    merges = []
    for m in _MERGE.finditer(content):
        r1, c1 = int(m.group(2)), _col(m.group(1))
        if m.group(3) is None:
            r2, c2 = r1, c1
        else:
            r2, c2 = int(m.group(4)), _col(m.group(3))
        merges.append((min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2)))
    return SheetScan(max_row, max_col, cells, tuple(merges))


def _letters(col: int) -> str:
    out = ""
    while col > 0:
        col, rem = divmod(col - 1, 26)
        out = chr(65 + rem) + out
    return out


def _clip_merges(content: bytes, scan: SheetScan) -> tuple[int, bytes | None]:
    """The merged area after clipping every range to the data, and the part rewritten with the
    clipped ranges (None when none needed clipping)."""
    area = 0
    changed = False

    def clip(m: re.Match[bytes]) -> bytes:
        nonlocal area, changed
        r1, c1 = int(m.group(2)), _col(m.group(1))
        r2, c2 = (r1, c1) if m.group(3) is None else (int(m.group(4)), _col(m.group(3)))
        r1, r2 = min(r1, r2), max(r1, r2)
        c1, c2 = min(c1, c2), max(c1, c2)
        nr2 = max(min(r2, scan.max_row), r1)
        nc2 = max(min(c2, scan.max_col), c1)
        area += (nr2 - r1 + 1) * (nc2 - c1 + 1)
        if (nr2, nc2) == (r2, c2):
            return m.group(0)
        changed = True
        old = m.group(0)
        ref_start = old.rindex(b'ref="') + 5
        new_ref = f"{_letters(c1)}{r1}:{_letters(nc2)}{nr2}".encode()
        return old[:ref_start] + new_ref + b'"'

    if not scan.merges:
        return 0, None
    new = _MERGE.sub(clip, content)
    return area, (new if changed else None)


def limits_table(lang: str = "zh") -> list[tuple[str, Any, str]]:
    """(name, default, meaning) for every limit, for docs and ``--help``."""
    return [
        (name, getattr(_DEFAULT, name), LIMIT_TEXT[name][1 if lang == "en" else 0])
        for name in NAMES
    ]
