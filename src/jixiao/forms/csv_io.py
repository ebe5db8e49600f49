"""Reading and writing forms as CSV: the form's table as Excel saves it (see docs/forms.md).

A CSV form is read like a worksheet without merged cells: the same header names, the same
optional blocks above the 绩效指标 table (项目名称 … labels, the 项目资金 table, 预期目标 /
实际完成情况) and the same 总分 row below it. A blank 一级指标 / 二级指标 cell means "the same
as the row above", as in an Excel export of merged cells. Rows whose first cell starts with
``#`` are comments.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path

import attrs

from jixiao.errors import FormError
from jixiao.escape import csv_cell, csv_uncell
from jixiao.fileio import atomic_write_text
from jixiao.forms._grid import Grid, GridCell
from jixiao.forms._layout import find_forms
from jixiao.forms.model import Form
from jixiao.i18n import Msg
from jixiao.limits import LimitError, check_cell_text, read_bytes
from jixiao.limits import current as current_limits

__all__ = ["decode_text", "read_csv_forms", "write_csv"]

_DELIMITERS = (",", "\t", ";")


def decode_text(data: bytes, source: str) -> str:
    """Bytes of a text file as str: UTF-8 (with or without BOM), UTF-16 with BOM, or GB18030
    (which covers GBK and GB2312, what Excel on Chinese Windows saves as "CSV")."""
    if data.startswith(b"\xef\xbb\xbf"):
        encodings: tuple[str, ...] = ("utf-8-sig",)
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encodings = ("utf-16",)
    else:
        encodings = ("utf-8", "gb18030")
    error: UnicodeDecodeError | None = None
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError as exc:
            error = exc if error is None else error
    assert error is not None
    line = data.count(b"\n", 0, error.start) + 1
    raise FormError(
        Msg(
            f"无法识别文件编码：第{line}行第 {error.start} 字节起不是 UTF-8，也不是 GB18030；"
            f"请另存为“CSV UTF-8”",
            f"cannot decode the file: byte {error.start} on line {line} is neither UTF-8 nor "
            f"GB18030; save it as 'CSV UTF-8'",
        ),
        source=source,
        where=f"line {line}",
    )


def _delimiter(text: str) -> str:
    sample = [line for line in text.splitlines()[:50] if line and not line.startswith("#")]
    counts = {d: sum(line.count(d) for line in sample) for d in _DELIMITERS}
    best = max(_DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def _rows(text: str, source: str) -> list[list[str]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    try:
        return list(reader)
    except csv.Error as exc:
        raise FormError(
            Msg(f"CSV 格式错误：{exc}", f"malformed CSV: {exc}"),
            source=source,
            where=f"line {reader.line_num}",
        ) from None


def read_csv_forms(path: Path, source: str) -> list[Form]:
    """Every form in a CSV file (usually one). Raises FormError when there is none."""
    text = decode_text(read_bytes(path, source), source)
    if text.startswith("\ufeff"):
        text = text[1:]
    cells: dict[tuple[int, int], GridCell] = {}
    lim = current_limits()
    for r, row in enumerate(_rows(text, source), start=1):
        if row and row[0].lstrip().startswith("#"):
            continue
        if r > lim.rows:
            raise LimitError("rows", f">{lim.rows}", source=source, where=f"row {r}")
        if len(row) > lim.columns:
            raise LimitError("columns", len(row), source=source, where=f"row {r}")
        for c, value in enumerate(row, start=1):
            if value.strip():
                check_cell_text(value, source=source, where=f"row {r}, col {c}")
                cells[(r, c)] = GridCell(csv_uncell(value), (r, c), (r, c))
        if len(cells) > lim.cells:
            raise LimitError("cells", len(cells), source=source, where=f"row {r}")
    grid = Grid(file=source, sheet=None, cells=cells)
    forms = find_forms(grid)
    if not forms:
        raise FormError(
            Msg(
                "不是绩效自评表：未找到绩效指标表头（应有一行包含 三级指标、年度指标值、实际完成值、"
                "分值 等列名，如 一级指标,二级指标,三级指标,年度指标值,实际完成值,分值,得分,"
                "偏差原因分析及改进措施）",
                "not a form: no indicator header row found; expected a row such as "
                "level1,level2,name,target,actual,weight,score,reason",
            ),
            source=source,
            where=grid.range_loc() if cells else "empty file",
        )
    if len(forms) > 1:
        forms = [attrs.evolve(f, source=f"{source}#{f.indicators[0].where}") for f in forms]
    return forms


# --------------------------------------------------------------------------------------------
# writing


def _num(value: Decimal | None, *, percent: bool = False) -> str:
    if value is None:
        return ""
    text = format(value, "f")
    return text + "%" if percent else text


def csv_rows(form: Form) -> list[list[str]]:
    """The rows of the CSV convention for one form (docs/forms.md)."""
    rows: list[list[str]] = []
    meta = (
        ("项目名称", form.project),
        ("年度", "" if form.year is None else str(form.year)),
        ("主管部门", form.department),
        ("实施单位", form.implementer),
    )
    rows.extend([label, value] for label, value in meta if value)
    budget = form.budget
    if budget is not None:
        rows.append([])
        head = ["项目资金（万元）", "年初预算数", "全年预算数（A）", "全年执行数（B）"]
        head += ["分值", "执行率", "得分"]
        if budget.reason:
            head.append("原因")
        rows.append(head)
        total = ["年度资金总额", _num(budget.initial), _num(budget.annual), _num(budget.executed)]
        total += [_num(budget.weight), _num(budget.rate, percent=True), _num(budget.score)]
        if budget.reason:
            total.append(budget.reason)
        rows.append(total)
        for i, sub in enumerate(budget.rows):
            name = f"其中：{sub.name}" if i == 0 and sub.name else sub.name
            rows.append([name, _num(sub.initial), _num(sub.annual), _num(sub.executed)])
    goals = dict(form.goals)
    if goals.get("expected") or goals.get("actual"):
        rows.append([])
        rows.append(["预期目标", "实际完成情况"])
        rows.append([goals.get("expected", ""), goals.get("actual", "")])
    rows.append([])
    rows.append(
        [
            "一级指标",
            "二级指标",
            "三级指标",
            "年度指标值",
            "实际完成值",
            "分值",
            "得分",
            "偏差原因分析及改进措施",
        ]
    )
    for ind in form.indicators:
        rows.append(
            [
                ind.level1,
                ind.level2,
                ind.name,
                ind.target,
                ind.actual,
                _num(ind.weight),
                _num(ind.score),
                ind.reason,
            ]
        )
    if form.total is not None:
        weights = [i.weight for i in form.indicators if i.weight is not None]
        if budget is not None and budget.weight is not None:
            weights.append(budget.weight)
        rows.append(["总分", "", "", "", "", _num(sum(weights, Decimal(0))), _num(form.total), ""])
    return rows


def write_csv(
    form: Form | Iterable[Form], path: str | os.PathLike[str], *, raw: bool = False
) -> None:
    """Write one form (or several, one after another) in the CSV convention, UTF-8 with a BOM
    so that Excel opens it with the right encoding.

    A cell beginning with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return (other than a
    plain number such as ``-5``) is written with a leading ``'``, so that a spreadsheet shows it
    as text instead of running it as a formula; :func:`read_csv_forms` removes that ``'`` again.
    ``raw=True`` writes every cell exactly as it is (for tools that are not spreadsheets)."""
    forms = [form] if isinstance(form, Form) else list(form)
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    for i, f in enumerate(forms):
        if i:
            writer.writerow([])
        rows = csv_rows(f)
        writer.writerows(rows if raw else ([csv_cell(c) for c in row] for row in rows))
    atomic_write_text(path, out.getvalue(), encoding="utf-8-sig", newline="")
