"""A sheet as a grid of cells, whatever file it came from (an Excel worksheet or a CSV file).

Merged cells are resolved here: every cell of a merged range reports the value of the range's
top-left cell and knows that *anchor*, so the form finder can tell "this row's own value" from
"a value merged down from a row above". Locations render as Excel does (``表1!D12``) for
worksheets and as ``row 12, col 4`` for CSV files.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal

import attrs

from jixiao.errors import FormError
from jixiao.forms._numfmt import NumberFormat
from jixiao.forms._text import render_number, render_value
from jixiao.forms.model import ReadNote, to_decimal
from jixiao.i18n import Msg

__all__ = ["Grid", "GridCell", "column_letter"]

Coord = tuple[int, int]


def column_letter(col: int) -> str:
    """``1`` → ``A``, ``28`` → ``AB`` (Excel column names)."""
    letters = ""
    while col > 0:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def sheet_ref(sheet: str) -> str:
    """A sheet name as Excel writes it in a reference: quoted unless it is a plain word."""
    if re.fullmatch(r"[^\W\d]\w*", sheet):
        return sheet
    return "'" + sheet.replace("'", "''") + "'"


@attrs.frozen(slots=True)
class GridCell:
    """One cell: its value, the top-left and bottom-right of its merged range (itself if not
    merged), whether Excel shows it as a percentage, the formula when the file holds a formula
    without a computed value, and the number format code (``0.00%``, ``0"%"``) when the file
    has one: a number is read as that format shows it (see :mod:`jixiao.forms._numfmt`)."""

    value: object
    anchor: Coord
    last: Coord
    percent: bool = False
    formula: str | None = None
    fmt: str | None = None

    def shown(self, number: Decimal) -> tuple[Decimal, bool]:
        """The number as the cell shows it, and whether it is shown as a percentage."""
        if self.fmt is not None:
            spec = NumberFormat.parse(self.fmt)
            return spec.display(number), spec.shows_percent(number)
        if self.percent:
            return number.scaleb(2), True
        return number, False


@attrs.define
class Grid:
    """The cells of one sheet. Rows and columns are 1-based."""

    file: str
    sheet: str | None
    cells: dict[Coord, GridCell]
    max_row: int = 0
    max_col: int = 0
    row_numbers: list[int] = attrs.field(factory=list)
    _columns: dict[int, list[int]] = attrs.field(factory=dict)
    #: Names a cell for a table that is not a worksheet (``表2 第5行 第4列``, ``第1页 …``).
    locator: Callable[[int, int], str] | None = None
    #: Where the table is, for "nothing found here" messages (``表1-表3``, ``第1-4页``).
    place: str | None = None
    #: Why each formula left in ``cells`` was not computed: (中文, English).
    unevaluated: dict[Coord, tuple[str, str]] = attrs.field(factory=dict)
    #: What the reader did that the person should know (a formula it computed …), by cell: the
    #: form whose rows hold the cell gets the note.
    notes: list[tuple[Coord, ReadNote]] = attrs.field(factory=list)

    def __attrs_post_init__(self) -> None:
        if self.cells:
            self.max_row = max(self.max_row, max(r for r, _ in self.cells))
            self.max_col = max(self.max_col, max(c for _, c in self.cells))
        by_row: dict[int, list[int]] = {}
        for r, c in self.cells:
            by_row.setdefault(r, []).append(c)
        self._columns = {r: sorted(cols) for r, cols in by_row.items()}
        self.row_numbers = sorted(by_row)

    def columns(self, row: int, start: int = 1) -> list[int]:
        """The columns of a row that hold a cell (merged continuations included), from *start*."""
        cols = self._columns.get(row, [])
        return cols if start <= 1 else [c for c in cols if c >= start]

    # -- locations -------------------------------------------------------------------------
    def loc(self, row: int, col: int) -> str:
        """Where a cell is, for messages and ``Indicator.cells``: ``表1!D12`` / ``row 12, col 4``."""
        if self.locator is not None:
            return self.locator(row, col)
        if self.sheet is None:
            return f"row {row}, col {col}"
        return f"{sheet_ref(self.sheet)}!{column_letter(col)}{row}"

    def row_loc(self, row: int, col: int) -> str:
        """Where a row is: its first table cell in a worksheet (``表1!A12``), ``row 12`` in CSV."""
        if self.locator is not None:
            return self.locator(row, col)
        if self.sheet is None:
            return f"row {row}"
        return self.loc(row, col)

    def range_loc(self) -> str:
        """The used range, e.g. ``表1!A1:I40`` (or ``表1（空表）``, shown as ``表1 (empty)`` in
        English: :data:`jixiao.i18n.PLACES`)."""
        if self.place is not None:
            return self.place
        if self.sheet is None:
            return f"rows 1-{self.max_row}"
        if not self.cells:
            return f"{sheet_ref(self.sheet)}（空表）"
        return f"{sheet_ref(self.sheet)}!A1:{column_letter(self.max_col)}{self.max_row}"

    # -- cells -----------------------------------------------------------------------------
    def cell(self, row: int, col: int) -> GridCell | None:
        return self.cells.get((row, col))

    def anchor(self, row: int, col: int) -> Coord:
        cell = self.cells.get((row, col))
        return cell.anchor if cell else (row, col)

    def owns(self, row: int, col: int) -> bool:
        """True when the cell's value belongs to this row (not merged down from a row above)."""
        cell = self.cells.get((row, col))
        return cell is None or cell.anchor[0] == row

    def is_anchor(self, row: int, col: int) -> bool:
        cell = self.cells.get((row, col))
        return cell is None or cell.anchor == (row, col)

    def _check_formula(self, cell: GridCell) -> None:
        if cell.formula is None:
            return
        row, col = cell.anchor
        others = sorted(
            {c.anchor for c in self.cells.values() if c.formula is not None} - {(row, col)}
        )
        why = self.unevaluated.get((row, col))
        why_zh = f"（未能自动计算：{why[0]}）" if why else ""
        why_en = f" (not computed: {why[1]})" if why else ""
        also_zh = also_en = ""
        if others:
            names = "、".join(f"{self.loc(*a)}「{self.cells[a].formula}」" for a in others[:50])
            more = f" 等 {len(others)} 个" if len(others) > 50 else ""
            also_zh = f"；此表中同样没有计算结果的公式还有：{names}{more}"
            also_en = f"; other formulas without a saved result on this sheet: {len(others)}"
        raise FormError(
            Msg(
                f"单元格是公式「{cell.formula}」，但文件中没有保存计算结果{why_zh}{also_zh}；"
                f"请用 Excel 或 WPS 打开并保存后再读取",
                f"the cell holds a formula with no saved result{why_en}{also_en}: open and save "
                f"the file in Excel or WPS first",
            ),
            source=self.file,
            where=self.loc(row, col),
        )

    def text(self, row: int, col: int) -> str:
        """The cell's text as a reader of the form sees it (merged cells give their top-left).

        A formula without a saved result reads as ``""`` (see :meth:`formula_at`: the indicator
        reader reports it as an unreadable cell instead of refusing the form)."""
        cell = self.cells.get((row, col))
        if cell is None:
            return ""
        if cell.formula is not None:
            return ""
        value = cell.value
        if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
            shown, percent = cell.shown(self._numeric(value, row, col))
            return render_number(shown) + ("%" if percent else "")
        return render_value(value)

    def number(self, row: int, col: int, *, header: str, key: str) -> Decimal | None:
        """The cell as a Decimal (None when blank or a placeholder such as ``—``).

        A cell Excel shows as a percentage (0.9706 formatted ``0.00%``) gives the number shown
        (97.06). Raises a FormError naming the cell and the column when it is not a number.
        """
        cell = self.cells.get((row, col))
        if cell is None:
            return None
        self._check_formula(cell)
        value = cell.value
        if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
            return cell.shown(self._numeric(value, row, col))[0]
        text = render_value(value)
        try:
            return to_decimal(text, where=self.loc(row, col), source=self.file)
        except FormError:
            raise FormError(
                Msg(
                    f"「{header}」应为数字，实际为「{text}」",
                    f"{key}: expected a number such as 5 or 9.71, got {text!r}",
                ),
                source=self.file,
                where=self.loc(*self.anchor(row, col)),
            ) from None

    def formula_at(self, row: int, col: int) -> str | None:
        """``=SUM(…)`` when the cell holds a formula whose result the file did not save."""
        cell = self.cells.get((row, col))
        if cell is None or cell.formula is None:
            return None
        return "=" + cell.formula.lstrip("=")

    def reading(
        self, row: int, col: int, *, header: str, key: str
    ) -> tuple[Decimal | None, str | None]:
        """:meth:`number`, or ``(None, the cell as written)`` when the cell is not a number
        (``=SUM(…)`` for a formula without a saved result): a bad cell is a finding of the form,
        never a reason to refuse it."""
        try:
            return self.number(row, col, header=header, key=key), None
        except FormError:
            cell = self.cells.get((row, col))
            if cell is None:  # pragma: no cover - a missing cell is blank, never an error
                return None, ""
            if cell.formula is not None:
                return None, "=" + cell.formula.lstrip("=")
            return None, render_value(cell.value)

    def _numeric(self, value: int | float | Decimal, row: int, col: int) -> Decimal:
        number = to_decimal(value, where=self.loc(row, col), source=self.file)
        assert number is not None  # numbers are never placeholders
        return number

    def explicit_percent(self, row: int, col: int) -> bool:
        """True when the cell says it is a percentage (a ``%`` format or a ``%`` in the text)."""
        cell = self.cells.get((row, col))
        if cell is None:
            return False
        value = cell.value
        if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
            if cell.shown(self._numeric(value, row, col))[1]:
                return True
        elif cell.percent:
            return True
        return isinstance(cell.value, str) and ("%" in cell.value or "％" in cell.value)

    def is_number(self, row: int, col: int) -> bool:
        cell = self.cells.get((row, col))
        if cell is None or cell.formula is not None:
            return False
        value = cell.value
        if isinstance(value, bool):
            return False
        if isinstance(value, (int, float, Decimal)):
            return True
        if isinstance(value, str):
            try:
                return to_decimal(value, where="") is not None
            except FormError:
                return False
        return False
