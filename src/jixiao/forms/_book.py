"""What every workbook reader shares (.xlsx, .xls, .ods): a grid from a sheet's cells and merged
ranges, formulas without a saved result, hidden-sheet notes, and the forms of all sheets."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import attrs

from jixiao.errors import FormError
from jixiao.forms._grid import Grid, GridCell
from jixiao.forms._text import render_number
from jixiao.forms.model import Form, ReadNote
from jixiao.i18n import Msg
from jixiao.limits import LimitError, check_grid_shape
from jixiao.limits import current as current_limits

__all__ = ["build_grid", "collect_forms", "hidden_note"]


def build_grid(
    source: str,
    sheet: str | None,
    cells: dict[tuple[int, int], GridCell],
    merges: Iterable[tuple[tuple[int, int], tuple[int, int]]],
    uncached: dict[tuple[int, int], str] | None = None,
) -> Grid:
    """A grid from a sheet's own cells, its merged ranges ((top, left), (bottom, right)) and its
    formulas without a saved result (evaluated here when they are simple arithmetic).

    The sheet's used range, cell count and merged area (the ranges clipped to the data) are
    checked against :mod:`jixiao.limits` before any range is expanded: every workbook reader
    (.xlsx, .xls, .ods) builds its grids here."""
    notes: list[tuple[tuple[int, int], ReadNote]] = []
    unevaluated: dict[tuple[int, int], tuple[str, str]] = {}
    if uncached:
        from jixiao.forms._formula import evaluate_formulas

        def value_of(coord: tuple[int, int]) -> object:
            cell = cells.get(coord)
            return None if cell is None else cell.value

        probe = Grid(file=source, sheet=sheet, cells={})
        for coord, outcome in evaluate_formulas(uncached, value_of).items():
            cell = cells[coord]
            if outcome.value is None:
                unevaluated[coord] = (outcome.why_zh, outcome.why_en)
                continue
            cells[coord] = attrs.evolve(cell, value=outcome.value, formula=None)
            shown = cells[coord].shown(outcome.value)
            text = render_number(shown[0]) + ("%" if shown[1] else "")
            formula = uncached[coord]
            formula = formula if formula.startswith("=") else "=" + formula
            notes.append(
                (
                    coord,
                    ReadNote.of("FORMULA_COMPUTED", probe.loc(*coord), formula=formula, value=text),
                )
            )
    max_row = max((r for r, _ in cells), default=0)
    max_col = max((c for _, c in cells), default=0)
    where = sheet or None
    check_grid_shape(max_row, max_col, len(cells), source=source, where=where)
    merged = 0
    limit = current_limits().merged_cells
    for anchor, (bottom, right) in merges:
        top = cells.get(anchor) or GridCell(None, anchor, anchor)
        # clip ranges that run past the data (a label merged down a whole column)
        last = (
            max(min(bottom, max_row), anchor[0]),
            max(min(right, max_col), anchor[1]),
        )
        merged += (last[0] - anchor[0] + 1) * (last[1] - anchor[1] + 1)
        if merged > limit:  # counted before anything is expanded
            raise LimitError("merged_cells", merged, source=source, where=where)
        for row in range(anchor[0], last[0] + 1):
            for col in range(anchor[1], last[1] + 1):
                cells[(row, col)] = attrs.evolve(top, anchor=anchor, last=last)
    if not any(c.value is not None or c.formula is not None for c in cells.values()):
        cells = {}
    return Grid(file=source, sheet=sheet, cells=cells, unevaluated=unevaluated, notes=notes)


def hidden_note(sheet: str, state: str) -> ReadNote:
    variant = "very_hidden" if state == "veryHidden" else ""
    return ReadNote.of("SHEET_SKIPPED", sheet, variant=variant, sheet=sheet)


def collect_forms(
    source: str,
    per_sheet: Sequence[tuple[Grid, list[Form]]],
    skipped: Sequence[ReadNote] = (),
    *,
    what: str = "工作表",
    what_en: str = "worksheet",
) -> list[Form]:
    """The forms of every sheet, named ``file#sheet`` when there are several; the notes of the
    sheets skipped are added to each. Raises FormError when no sheet holds a form."""
    count = sum(len(forms) for _, forms in per_sheet)
    if count == 0:
        searched = ", ".join(grid.range_loc() for grid, _ in per_sheet) or None
        hidden_zh = hidden_en = ""
        if skipped:
            names = "、".join(n.where for n in skipped)
            hidden_zh = f"；另有隐藏的工作表 {names} 未读取，可用 --include-hidden 读取"
            hidden_en = f"; hidden sheets not read: {names} (use --include-hidden)"
        raise FormError(
            Msg(
                f"不是绩效自评表：所有{what}中都未找到绩效指标表头（应有一行包含 三级指标、"
                f"年度指标值、实际完成值、分值 等列名）{hidden_zh}",
                f"not a form: no {what_en} has an indicator header row (a row with the headings "
                f"of the indicator, its target, actual and weight){hidden_en}",
            ),
            source=source,
            where=searched,
        )
    out: list[Form] = []
    for grid, forms in per_sheet:
        for form in forms:
            if skipped:
                form = attrs.evolve(form, notes=(*form.notes, *skipped))
            if count == 1:
                out.append(form)
            elif len(forms) == 1 and grid.sheet is not None:
                out.append(attrs.evolve(form, source=f"{source}#{grid.sheet}"))
            else:
                out.append(attrs.evolve(form, source=f"{source}#{form.indicators[0].where}"))
    return out
