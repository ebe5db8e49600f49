"""Uploaded files: saved only inside one temporary folder, zips opened within limits.

上传文件只写入一个临时文件夹；文件名只用于显示（去掉目录部分与特殊字符），从不决定写入位置之外的路径；
zip 包逐项检查数量、解压后大小与压缩比，嵌套的 zip 不再展开。
"""

from __future__ import annotations

import io
import re
import uuid
import zipfile
from collections.abc import Iterator
from pathlib import Path, PurePosixPath

import attrs

from jixiao import limits
from jixiao.errors import JixiaoError
from jixiao.forms.read import SUFFIXES
from jixiao.i18n import Msg

__all__ = ["FORM_SUFFIXES", "UploadError", "UploadLimits", "safe_name", "save_upload"]

#: What the workbench accepts inside an upload (a .zip is opened, once): what jixiao reads.
FORM_SUFFIXES = SUFFIXES


class UploadError(JixiaoError):
    """An upload that is refused as a whole (too large, a zip bomb, not a zip)."""


@attrs.frozen
class UploadLimits:
    """Limits on one upload, before the files reach the readers (which then apply
    :mod:`jixiao.limits` to each file). ``jixiao serve --max-upload-mb`` raises the first."""

    max_request_bytes: int = 64 * 1024 * 1024
    max_files: int = 2000
    max_unzipped_bytes: int = 256 * 1024 * 1024
    #: one file inside a zip: the reader's own file-size limit (``--limit file_bytes=N``)
    max_member_bytes: int = attrs.field(factory=lambda: limits.current().file_bytes)
    max_ratio: int = 200


_UNSAFE = re.compile(r"[^\w.\-()（）\u3400-\u9fff]+")


def safe_name(name: str) -> str:
    """A display-safe file name: no folders, no control or shell characters, at most 120 chars.

    >>> safe_name("../../etc/passwd")
    'passwd'
    >>> safe_name("C:\\\\units\\\\某局 自评表.xlsx")
    '某局_自评表.xlsx'
    """
    base = PurePosixPath(name.replace("\\", "/")).name
    cleaned = _UNSAFE.sub("_", base).strip("._") or "upload"
    if len(cleaned) > 120:
        stem, dot, suffix = cleaned.rpartition(".")
        cleaned = (stem[:110] + dot + suffix[:9]) if dot else cleaned[:120]
    return cleaned


def _target(folder: Path, name: str) -> Path:
    """A new path inside *folder* for a file shown as *name* (never outside the folder)."""
    sub = folder / uuid.uuid4().hex[:10]
    sub.mkdir()
    path = (sub / safe_name(name)).resolve()
    if folder.resolve() not in path.parents:  # pragma: no cover - safe_name keeps it inside
        raise UploadError(Msg("文件名不安全", "unsafe file name"))
    return path


def save_upload(
    folder: Path, name: str, data: bytes, limits: UploadLimits
) -> Iterator[tuple[str, Path | None, Msg | None]]:
    """Save one uploaded file into *folder*: yields ``(display name, path, None)`` for each form
    file, or ``(display name, None, reason)`` for each file skipped (the reason in both
    languages). A zip yields its members."""
    display = safe_name(name)
    suffix = Path(display).suffix.lower()
    if suffix == ".zip":
        yield from _unzip(folder, display, data, limits)
        return
    if suffix not in FORM_SUFFIXES:
        yield (
            display,
            None,
            Msg(
                f"不支持的文件类型 {suffix or '（无扩展名）'}，支持 {' '.join(FORM_SUFFIXES)} 与 .zip",
                f"unsupported file type {suffix or '(no extension)'}; use "
                f"{' '.join(FORM_SUFFIXES)} or .zip",
            ),
        )
        return
    path = _target(folder, display)
    path.write_bytes(data)
    yield display, path, None


def _unzip(
    folder: Path, display: str, data: bytes, limits: UploadLimits
) -> Iterator[tuple[str, Path | None, Msg | None]]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = [m for m in archive.infolist() if not m.is_dir()]
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise UploadError(
            Msg(f"{display}：不是有效的 zip 文件", f"{display}: not a valid zip file: {exc}")
        ) from None
    if len(members) > limits.max_files:
        raise UploadError(
            Msg(
                f"{display}：zip 内文件过多（{len(members)} 个，上限 {limits.max_files}）",
                f"{display}: too many files in the zip: {len(members)}, limit {limits.max_files}",
            )
        )
    declared = sum(m.file_size for m in members)
    if declared > limits.max_unzipped_bytes:
        raise UploadError(
            Msg(
                f"{display}：解压后 {declared} 字节，超过上限 {limits.max_unzipped_bytes}",
                f"{display}: unzipped size {declared} bytes exceeds the limit "
                f"{limits.max_unzipped_bytes}",
            )
        )
    total = 0
    for member in members:
        shown = f"{display}/{member.filename}"
        suffix = PurePosixPath(member.filename).suffix.lower()
        if PurePosixPath(member.filename).name.startswith((".", "~$")) or "__MACOSX" in (
            member.filename
        ):
            continue
        if suffix not in FORM_SUFFIXES:
            yield (
                shown,
                None,
                Msg(
                    f"不支持的文件类型 {suffix or '（无扩展名）'}",
                    f"unsupported file type {suffix or '(no extension)'}",
                ),
            )
            continue
        if member.flag_bits & 0x1:
            yield (
                shown,
                None,
                Msg("加密的 zip 成员无法读取", "an encrypted zip member cannot be read"),
            )
            continue
        if member.compress_size and member.file_size / member.compress_size > limits.max_ratio:
            ratio = member.file_size // max(member.compress_size, 1)
            raise UploadError(
                Msg(
                    f"{shown}：压缩比异常（{ratio}:1），疑似 zip 炸弹",
                    f"{shown}: compression ratio too high ({ratio}:1): a zip bomb?",
                )
            )
        chunks: list[bytes] = []
        size = 0
        with archive.open(member) as fh:
            while chunk := fh.read(1 << 16):
                size += len(chunk)
                total += len(chunk)
                if size > limits.max_member_bytes or total > limits.max_unzipped_bytes:
                    raise UploadError(
                        Msg(
                            f"{shown}：解压后超过大小上限（单个 {limits.max_member_bytes} 字节，"
                            f"合计 {limits.max_unzipped_bytes} 字节）",
                            f"{shown}: unzipped data exceeds the limit ({limits.max_member_bytes} "
                            f"bytes a file, {limits.max_unzipped_bytes} in all)",
                        )
                    )
                chunks.append(chunk)
        path = _target(folder, PurePosixPath(member.filename).name)
        path.write_bytes(b"".join(chunks))
        yield shown, path, None
