"""``read_form`` / ``read_forms``: a form file of any supported kind, chosen by its extension."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Literal

from jixiao.decimals import in_context
from jixiao.errors import FormError, JixiaoError
from jixiao.forms.csv_io import read_csv_forms, write_csv
from jixiao.forms.docx_io import read_docx_forms  # python-docx loads lazily
from jixiao.forms.json_io import read_json_forms, write_json
from jixiao.forms.model import Form
from jixiao.forms.pdf_io import read_pdf_forms  # pdfplumber loads lazily
from jixiao.forms.xls_io import read_et_forms, read_ods_forms, read_xls_forms  # lazy xlrd
from jixiao.forms.xlsx_io import read_xlsx_forms, write_xlsx  # openpyxl loads lazily
from jixiao.i18n import Msg
from jixiao.limits import check_file_size, open_zip, read_bytes

__all__ = ["ANNOTATABLE", "SUFFIXES", "read_form", "read_forms", "write_form"]

StrPath = str | os.PathLike[str]


def _plain(reader: Callable[[Path, str], list[Form]]) -> Callable[..., list[Form]]:
    def read(path: Path, source: str, *, include_hidden: bool = False) -> list[Form]:
        return reader(path, source)

    return read


_READERS: dict[str, Callable[..., list[Form]]] = {
    ".json": _plain(read_json_forms),
    ".csv": _plain(read_csv_forms),
    ".tsv": _plain(read_csv_forms),
    ".xlsx": read_xlsx_forms,
    ".xlsm": read_xlsx_forms,
    ".xls": read_xls_forms,
    ".et": read_et_forms,
    ".ods": read_ods_forms,
    ".docx": read_docx_forms,
    ".pdf": read_pdf_forms,
}
SUFFIXES = tuple(_READERS)
#: The workbooks an annotated copy can be written of (``--xlsx-out``, the workbench's download).
ANNOTATABLE = (".xlsx", ".xlsm")
# containers that are zips of XML parts, checked by jixiao.limits.open_zip before their reader
# (.xlsx/.xlsm check inside their reader, which keeps the clipped copy)
_ZIPPED = (".docx", ".ods")


@in_context
def read_forms(path: StrPath, *, include_hidden: bool = False) -> list[Form]:
    """Every form in a file: ``.json`` (an object or a list of them), ``.csv`` / ``.tsv``, or
    ``.xlsx`` / ``.xlsm`` (every form on every visible sheet). The file is only read, never
    written.

    Hidden and very hidden sheets (old drafts, backups) are skipped, and each form read from the
    workbook carries a ``SHEET_SKIPPED`` note (an info finding when scored) naming them;
    ``include_hidden=True`` reads them too.

    Raises :class:`jixiao.FormError` naming the file, the place (``3:15``, ``row 12, col 6``,
    ``表1!G12``) and what was expected; never a raw parser exception.
    """
    source = os.fspath(path)
    file = Path(source)
    suffix = file.suffix.lower()
    reader = _READERS.get(suffix)
    if reader is None:
        why = Msg(
            f"不支持的文件类型「{suffix or '（无扩展名）'}」，可读取：{'、'.join(SUFFIXES)}",
            f"unsupported file type {suffix or '(no extension)'!r}: expected one of "
            f"{', '.join(SUFFIXES)}",
        )
        raise FormError(why, source=source)
    if not file.exists():
        raise FormError(Msg("文件不存在", "no such file"), source=source)
    if not file.is_file():
        raise FormError(Msg("不是文件", "not a regular file"), source=source)
    try:
        check_file_size(file, source)  # every reader, old and new: limits before parsing
        if suffix in _ZIPPED:
            open_zip(read_bytes(file, source), source)  # sizes, DTDs: docs/security.md
        return reader(file, source, include_hidden=include_hidden)
    except JixiaoError:
        raise
    except OSError as exc:
        raise FormError(
            Msg(f"无法读取文件：{exc.strerror}", f"cannot read the file: {exc.strerror}"),
            source=source,
        ) from None
    except (RecursionError, MemoryError) as exc:
        raise FormError(
            Msg(
                f"文件结构过深或过大，无法读取（{type(exc).__name__}）",
                f"the file is nested too deeply or too large to read: {type(exc).__name__}",
            ),
            source=source,
        ) from None
    except Exception as exc:  # a reader's bug or a library's surprise: still this file's error
        raise FormError(
            Msg(
                f"无法读取文件（{type(exc).__name__}: {exc}），请报告此问题",
                f"the file cannot be read: {type(exc).__name__}: {exc}; please report it",
            ),
            source=source,
        ) from exc


def read_form(path: StrPath, *, include_hidden: bool = False) -> Form:
    """The one form in a file. A workbook holding several forms raises FormError naming the
    sheets; use :func:`read_forms` for those.

    >>> read_form("examples/seed.json").total   # doctest: +SKIP
    Decimal('95.71')
    """
    forms = read_forms(path, include_hidden=include_hidden)
    if len(forms) == 1:
        return forms[0]
    places = "、".join(f.source.split("#", 1)[-1] if f.source else "?" for f in forms)
    raise FormError(
        Msg(
            f"文件中有 {len(forms)} 张自评表（{places}），read_form 只能读取一张；请用 read_forms "
            f"读取全部",
            f"the file holds {len(forms)} forms, at {places}; use read_forms to read them all",
        ),
        source=os.fspath(path),
    )


def write_form(
    form: Form | Iterable[Form],
    path: StrPath,
    *,
    layout: Literal["standard", "split"] = "standard",
) -> None:
    """Write forms by extension: ``.json``, ``.csv`` or ``.xlsx`` (``layout`` for Excel)."""
    suffix = Path(os.fspath(path)).suffix.lower()
    if suffix == ".json":
        write_json(form, path)
    elif suffix == ".csv":
        write_csv(form, path)
    elif suffix == ".xlsx":
        write_xlsx(form, path, layout=layout)
    else:
        raise FormError(
            Msg(
                f"不支持写入「{suffix}」，应为 .json、.csv 或 .xlsx",
                f"cannot write {suffix!r}: expected .json, .csv or .xlsx",
            ),
            source=os.fspath(path),
        )
