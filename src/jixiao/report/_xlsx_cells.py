"""Cells jixiao writes into a workbook, shared by both Excel outputs: values shown as they are
(a number, or text that never becomes a formula), the fills of each severity, header cells, and
the ``复核结果`` sheet that lists every finding."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from jixiao.catalog import severity_rank
from jixiao.escape import visible
from jixiao.i18n import place_text
from jixiao.report._common import BatchEntry, ReportError, cell_ref, form_label, severity_text, t

if TYPE_CHECKING:
    from jixiao.evaluate import Finding, FormResult

__all__ = [
    "FILL",
    "append",
    "as_text",
    "cell_value",
    "finding_lines",
    "findings_sheet",
    "load_openpyxl",
    "no_recalc",
    "number",
    "put_value",
    "style_header",
]


def finding_lines(findings: Iterable[Finding], lang: str) -> str:
    """``[错误] CODE: message``, one line a finding."""
    return "\n".join(
        f"[{severity_text(f.severity, lang)}] {f.code}: {f.message(lang)}" for f in findings
    )


FILL = {"error": "FFC7CE", "warning": "FFEB9C", "info": "DDEBF7"}
_INSTALL = (
    "写入 .xlsx 需要 openpyxl，请安装：pip install 'jixiao[xlsx]' "
    "(writing .xlsx needs openpyxl: pip install 'jixiao[xlsx]')"
)


def load_openpyxl() -> Any:
    try:
        import openpyxl
    except ImportError:
        raise ReportError(_INSTALL) from None
    return openpyxl


def number(value: Decimal | None) -> float | int | str:
    if value is None:
        return "—"
    if value == value.to_integral_value():
        return int(value)
    return float(value)


def cell_value(value: object) -> object:
    """A value for a cell: strings with control characters shown escaped (XML cannot hold them)."""
    return visible(value) if isinstance(value, str) else value


def as_text(ws: Any, cells: Iterable[Any] | None = None) -> None:
    """Every string in *cells* (default: the whole sheet) stored as text, never as a formula:
    openpyxl takes any string starting with ``=`` for a formula, and a form's ``=90%``,
    ``=HYPERLINK(…)`` or ``=2+2`` must stay the text it is."""
    for cell in cells if cells is not None else ws._cells.values():
        if cell.data_type == "f" and isinstance(cell.value, str):
            cell.data_type = "s"


def put_value(cell: Any, value: object) -> None:
    cell.value = cell_value(value)
    if cell.data_type == "f":
        cell.data_type = "s"


def append(ws: Any, values: Sequence[object]) -> None:
    ws.append([cell_value(v) for v in values])
    as_text(ws, ws[ws.max_row])


def no_recalc(wb: Any) -> None:
    """No ``fullCalcOnLoad`` unless the workbook holds formulas (its own, from the input)."""
    calc = getattr(wb, "calculation", None)
    if calc is None:
        return
    has_formula = any(
        c.data_type == "f" for ws in wb.worksheets for c in getattr(ws, "_cells", {}).values()
    )
    if not has_formula:
        calc.fullCalcOnLoad = False


def style_header(openpyxl: Any, cell: Any) -> None:
    styles = openpyxl.styles
    cell.font = styles.Font(bold=True, color="1F4E79")
    cell.alignment = styles.Alignment(wrap_text=True, vertical="center", horizontal="center")


def findings_sheet(
    openpyxl: Any,
    wb: Any,
    results: Sequence[FormResult],
    lang: str,
    failures: Sequence[BatchEntry] = (),
) -> None:
    """The ``复核结果`` sheet: every finding of every form, with a link to its cell."""
    name = t("results_sheet", lang)
    base, n = name, 2
    while name in wb.sheetnames:
        name, n = f"{base}{n}", n + 1
    ws = wb.create_sheet(name)
    heads = [
        t(k, lang) for k in ("source", "project", "severity", "code", "where", "level3", "message")
    ]
    append(ws, heads)
    for cell in ws[1]:
        style_header(openpyxl, cell)
    styles = openpyxl.styles
    wrap = styles.Alignment(wrap_text=True, vertical="top")
    for r in results:
        for f in sorted(r.findings, key=lambda f: severity_rank(f.severity)):
            append(
                ws,
                [
                    r.form.source or "",
                    form_label(r),
                    severity_text(f.severity, lang),
                    f.code,
                    place_text(f.where, lang),
                    f.label(lang),
                    f.message(lang),
                ],
            )
            row = ws.max_row
            for cell in ws[row]:
                cell.alignment = wrap
            color = FILL.get(f.severity)
            if color and f.severity != "info":
                ws.cell(row=row, column=3).fill = styles.PatternFill(
                    fill_type="solid", start_color=color, end_color=color
                )
            ref = cell_ref(f.where)
            if ref is not None and ref[0] in wb.sheetnames:
                quoted = "'" + ref[0].replace("'", "''") + "'"
                link = ws.cell(row=row, column=5)
                link.hyperlink = f"#{quoted}!{ref[1]}{ref[2]}"
                link.style = "Hyperlink"
    for e in failures:
        append(
            ws,
            [
                e.source,
                t("unreadable", lang),
                severity_text("error", lang),
                "UNREADABLE_FILE",
                "",
                "",
                e.error or "",
            ],
        )
    for letter, width in zip("ABCDEFG", (28, 22, 8, 24, 22, 24, 80), strict=True):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = "A2"
