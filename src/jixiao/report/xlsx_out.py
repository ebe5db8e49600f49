"""Excel outputs: an annotated COPY of the input workbook, or a fresh workbook of results.

:func:`write_annotated_workbook` loads the source workbook, adds the computed scores and the
finding messages in new columns to the right of each form's tables (using the cell locations the
reader recorded, e.g. ``绩效自评表!H13``), highlights the cells a finding points at, adds a
``复核结果`` sheet listing every finding, and saves the copy to another path. The source file is
only read, never written: an output path that resolves to the input is refused.
"""

from __future__ import annotations

import io
import os
import warnings
from collections.abc import Iterable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jixiao.catalog import severity_rank
from jixiao.decimals import in_context
from jixiao.errors import FormError
from jixiao.escape import visible
from jixiao.fileio import atomic_save, atomic_write_bytes, overlaps, same_file, unique_sheet_name
from jixiao.i18n import Msg, section_label
from jixiao.limits import open_zip, read_bytes
from jixiao.report._common import (
    BatchEntry,
    ReportError,
    as_results,
    cell_ref,
    fmt_rate,
    form_label,
    grade_text,
    row_status,
    rule_name,
    t,
    verification_line,
)
from jixiao.report._xlsx_cached import cached_values, with_cached_values
from jixiao.report._xlsx_cells import (
    FILL,
    append,
    as_text,
    finding_lines,
    findings_sheet,
    load_openpyxl,
    no_recalc,
    number,
    put_value,
    style_header,
)

if TYPE_CHECKING:
    from jixiao.evaluate import Finding, FormResult

__all__ = ["write_annotated_workbook", "write_results_workbook"]

StrPath = str | os.PathLike[str]


class _Marker:
    """Fills and comments on the cells that findings point at (worst severity wins)."""

    def __init__(self, openpyxl: Any, wb: Any, lang: str) -> None:
        self.openpyxl = openpyxl
        self.wb = wb
        self.lang = lang
        self.notes: dict[tuple[str, str], list[Finding]] = {}

    def add(self, finding: Finding, where: str | None = None) -> None:
        ref = cell_ref(where or finding.where)
        if ref is None or ref[0] not in self.wb.sheetnames:
            return
        sheet, col, row = ref
        self.notes.setdefault((sheet, f"{col}{row}"), []).append(finding)

    def apply(self) -> None:
        styles = self.openpyxl.styles
        comments = self.openpyxl.comments
        for (sheet, coord), findings in self.notes.items():
            ws = self.wb[sheet]
            cell = _anchor(ws, coord)
            if cell is None:
                continue
            worst = min(findings, key=lambda f: severity_rank(f.severity)).severity
            if worst in ("error", "warning"):
                color = FILL[worst]
                cell.fill = styles.PatternFill(
                    fill_type="solid", start_color=color, end_color=color
                )
            text = finding_lines(findings, self.lang)
            if cell.comment is not None and cell.comment.text:
                text = f"{cell.comment.text}\n{text}"
            comment = comments.Comment(visible(text), "jixiao")
            comment.width = 360
            comment.height = 40 + 20 * text.count("\n") + len(text) // 2
            cell.comment = comment


def _anchor(ws: Any, coord: str) -> Any:
    """The writable cell for *coord*: the top-left cell of a merged range on one row; None for
    a range merged over several rows (marking it would mark other rows too)."""
    for rng in ws.merged_cells.ranges:
        if coord in rng:
            if rng.min_row != rng.max_row:
                return None
            return ws.cell(row=rng.min_row, column=rng.min_col)
    return ws[coord]


def _last_used(ws: Any, row: int) -> int:
    """The last column that holds a value (or a merged range) on *row*; 0 for an empty row."""
    last = 0
    for (r, c), cell in getattr(ws, "_cells", {}).items():
        if r == row and cell.value is not None and c > last:
            last = c
    for rng in ws.merged_cells.ranges:
        if rng.min_row <= row <= rng.max_row and rng.max_col > last:
            last = rng.max_col
    return last


def _rows_of(result: FormResult) -> tuple[dict[str, set[int]], dict[int, tuple[str, int]]]:
    """Rows each sheet uses for this form, and indicator index → (sheet, row)."""
    used: dict[str, set[int]] = {}
    placed: dict[int, tuple[str, int]] = {}
    for i, ind in enumerate(result.form.indicators):
        ref = cell_ref(ind.cells.get("score", "")) or cell_ref(ind.where)
        if ref is None:
            continue
        placed[i] = (ref[0], ref[2])
        used.setdefault(ref[0], set()).add(ref[2])
    return used, placed


def _annotate_form(openpyxl: Any, wb: Any, result: FormResult, lang: str, marker: _Marker) -> None:
    styles = openpyxl.styles
    wrap = styles.Alignment(wrap_text=True, vertical="center")
    used, placed = _rows_of(result)
    form = result.form
    budget_ref = cell_ref(form.budget.cell("score")) if form.budget is not None else None
    total_ref = cell_ref(form.total_where)
    for ref in (budget_ref, total_ref):
        if ref is not None:
            used.setdefault(ref[0], set()).add(ref[2])
    header_rows: dict[str, set[int]] = {}
    for sheet in used:
        header_rows[sheet] = set()
        ind_rows = sorted(row for s, row in placed.values() if s == sheet)
        if ind_rows and ind_rows[0] > 1:
            header_rows[sheet].add(ind_rows[0] - 1)
        if budget_ref is not None and budget_ref[0] == sheet and budget_ref[2] > 1:
            header_rows[sheet].add(budget_ref[2] - 1)
    column: dict[str, int] = {}
    for sheet, rows in used.items():
        if sheet not in wb.sheetnames:
            continue
        ws = wb[sheet]
        column[sheet] = 1 + max(_last_used(ws, r) for r in rows | header_rows[sheet])
        col = column[sheet]
        for hr in sorted(header_rows[sheet]):
            for offset, key in ((0, "computed"), (1, "review_notes"), (2, "verified")):
                cell = ws.cell(row=hr, column=col + offset)
                if cell.value is None:
                    put_value(cell, t(key, lang))
                    style_header(openpyxl, cell)
        letter = openpyxl.utils.get_column_letter
        ws.column_dimensions[letter(col)].width = 11
        ws.column_dimensions[letter(col + 1)].width = 48
        ws.column_dimensions[letter(col + 2)].width = 11

    def put(
        sheet: str,
        row: int,
        score: object,
        findings: Iterable[Finding],
        extra: str = "",
        verified: bool | None = None,
    ) -> None:
        if sheet not in column:
            return
        ws = wb[sheet]
        col = column[sheet]
        findings = list(findings)
        status = row_status(findings)
        score_cell = ws.cell(row=row, column=col)
        put_value(score_cell, score)
        score_cell.number_format = "0.00"
        score_cell.font = styles.Font(bold=True)
        if status in ("error", "warning"):
            color = FILL[status]
            score_cell.fill = styles.PatternFill(
                fill_type="solid", start_color=color, end_color=color
            )
        text = "\n".join(x for x in (extra, finding_lines(findings, lang)) if x)
        note = ws.cell(row=row, column=col + 1)
        put_value(note, text or "✓")
        note.alignment = wrap
        if verified is not None:
            mark = ws.cell(row=row, column=col + 2)
            mark.value = t("verified_yes" if verified else "verified_no", lang)
            mark.alignment = wrap
            if not verified:
                mark.fill = styles.PatternFill(
                    fill_type="solid", start_color=FILL["warning"], end_color=FILL["warning"]
                )

    for i, r in enumerate(result.indicators):
        if i in placed:
            sheet, row = placed[i]
            put(
                sheet,
                row,
                number(r.score) if r.score is not None else "—",
                r.findings,
                verified=r.verified,
            )
    b = result.budget
    if budget_ref is not None:
        rate = f"{t('rate', lang)} {fmt_rate(b.rate)}"
        put(
            budget_ref[0],
            budget_ref[2],
            number(b.score) if b.score is not None else "—",
            b.findings,
            rate,
            verified=b.verified,
        )
    if total_ref is not None:
        grade = f"{t('grade', lang)} {grade_text(result.grade, lang, result.policy)}"
        grade += "\n" + verification_line(result, lang)
        put(total_ref[0], total_ref[2], number(result.total), result.form_findings, grade)
    row_cells = {
        ind.where: ind.cells.get("name", ind.where) for ind in form.indicators if ind.where
    }
    for f in result.findings:
        # a row-level finding points at the row's first cell, often a 一级指标 merged down many
        # rows: mark the indicator's name cell instead
        marker.add(f, row_cells.get(f.where))


@in_context
def write_annotated_workbook(
    results: FormResult | Sequence[FormResult],
    src_path: StrPath,
    out_path: StrPath,
    lang: str = "zh",
) -> Path:
    """Save a copy of *src_path* with the computed scores and findings beside the claimed ones.

    Each indicator row gets 复核得分 (computed score) and 复核发现 (finding messages) in the first
    free columns to the right of its table; the budget and total rows too. Cells a finding points
    at are filled (red for errors, yellow for warnings) and carry a comment; a ``复核结果`` sheet
    lists every finding with a link to its cell. Raises :class:`ReportError` when *out_path* is
    the input file.

    >>> write_annotated_workbook(result, "examples/seed.xlsx", "out.xlsx")  # doctest: +SKIP
    PosixPath('out.xlsx')
    """
    src, out = Path(src_path), Path(out_path)
    if same_file(src, out):
        raise ReportError(
            Msg(
                f"输出文件不能是输入文件本身：{out}",
                f"refusing to overwrite the input workbook {out}",
            )
        )
    if out.suffix.lower() not in (".xlsx", ".xlsm"):
        raise ReportError(
            Msg(f"输出文件应以 .xlsx 结尾：{out}", f"the output file must end in .xlsx: {out}")
        )
    openpyxl = load_openpyxl()
    items = as_results(results)
    try:
        keep_vba = src.suffix.lower() == ".xlsm" and out.suffix.lower() == ".xlsm"
        data = open_zip(read_bytes(src, str(src)), str(src))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            wb = openpyxl.load_workbook(io.BytesIO(data), keep_vba=keep_vba)
            cached = cached_values(openpyxl, wb, data)
    except FormError as exc:
        raise ReportError(
            Msg(f"无法打开工作簿 {src}：{exc}", f"cannot open the workbook {src}: {exc}")
        ) from None
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise ReportError(
            Msg(f"无法打开工作簿 {src}：{exc}", f"cannot open the workbook {src}: {exc}")
        ) from None
    marker = _Marker(openpyxl, wb, lang)
    for r in items:
        _annotate_form(openpyxl, wb, r, lang, marker)
    marker.apply()
    findings_sheet(openpyxl, wb, items, lang)
    no_recalc(wb)
    out.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    wb.save(buffer)
    atomic_write_bytes(out, with_cached_values(buffer.getvalue(), cached))
    return out


@in_context
def write_results_workbook(
    results: FormResult | Sequence[FormResult],
    out_path: StrPath,
    lang: str = "zh",
    *,
    failures: Sequence[BatchEntry] = (),
    protect: Sequence[StrPath] = (),
) -> Path:
    """A fresh workbook: a summary sheet, one results table per form, and ``复核结果``.

    Used for JSON and CSV inputs (and for batches), which have no workbook to annotate. Paths in
    *protect* (the inputs) are never overwritten.
    """
    out = Path(out_path)
    if overlaps(out, protect) is not None:
        raise ReportError(
            Msg(
                f"输出文件不能是输入文件本身：{out}",
                f"refusing to overwrite the input file {out}",
            )
        )
    if out.suffix.lower() != ".xlsx":
        raise ReportError(
            Msg(f"输出文件应以 .xlsx 结尾：{out}", f"the output file must end in .xlsx: {out}")
        )
    openpyxl = load_openpyxl()
    items = as_results(results)
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    summary = wb.create_sheet(t("summary", lang))
    append(
        summary,
        [
            t(k, lang)
            for k in (
                "form",
                "file",
                "claimed_total",
                "computed_total",
                "grade",
                "errors",
                "warnings",
                "verified",
                "unverified_points",
            )
        ],
    )
    for cell in summary[1]:
        style_header(openpyxl, cell)
    for r in items:
        append(
            summary,
            [
                form_label(r),
                r.form.source or "",
                number(r.claimed_total),
                number(r.total),
                grade_text(r.grade, lang, r.policy),
                r.count("error"),
                r.count("warning"),
                f"{r.verified_rows}/{len(r.indicators)}",
                number(r.unverified_points),
            ],
        )
    for e in failures:
        append(summary, [t("unreadable", lang), e.source, "—", "—", "—", 1, 0, "—", "—"])
    for letter, width in zip("ABCDEFGHI", (28, 36, 12, 12, 14, 8, 8, 10, 12), strict=True):
        summary.column_dimensions[letter].width = width
    used: set[str] = set(wb.sheetnames) | {t("results_sheet", lang)}
    for i, r in enumerate(items, start=1):
        name = unique_sheet_name(form_label(r) or f"{i}", used)
        _results_sheet(openpyxl, wb.create_sheet(name), r, lang)
    findings_sheet(openpyxl, wb, items, lang, failures)
    for ws in wb.worksheets:
        as_text(ws)  # jixiao writes no formula in a results workbook
    no_recalc(wb)
    out.parent.mkdir(parents=True, exist_ok=True)
    atomic_save(wb, out)
    return out


def _results_sheet(openpyxl: Any, ws: Any, result: FormResult, lang: str) -> None:
    styles = openpyxl.styles
    wrap = styles.Alignment(wrap_text=True, vertical="top")
    keys = (
        "level1",
        "level2",
        "level3",
        "target",
        "actual",
        "weight",
        "claimed",
        "computed",
        "rule",
        "explanation",
        "review_notes",
        "verified",
    )
    append(ws, [t(k, lang) for k in keys])
    for cell in ws[1]:
        style_header(openpyxl, cell)
    b = result.budget
    append(
        ws,
        [
            t("budget", lang),
            "",
            "",
            "",
            f"{t('rate', lang)} {fmt_rate(b.rate)}",
            number(b.weight),
            number(b.claimed),
            number(b.score),
            b.rule.title(lang) if b.rule is not None else "—",
            b.explanation(lang),
            finding_lines(b.findings, lang),
            t("verified_yes" if b.verified else "verified_no", lang),
        ],
    )
    inds = result.form.indicators
    same = len(inds) == len(result.indicators)
    for i, r in enumerate(result.indicators):
        append(
            ws,
            [
                r.level1,
                r.level2,
                r.name,
                inds[i].target if same else (r.target.render() if r.target else ""),
                inds[i].actual if same else (r.actual.render() if r.actual else ""),
                number(r.weight),
                number(r.claimed),
                number(r.score),
                rule_name(r, lang),
                r.explanation(lang),
                finding_lines(r.findings, lang),
                t("verified_yes" if r.verified else "verified_no", lang),
            ],
        )
        status = row_status(r.findings)
        if status in ("error", "warning"):
            color = FILL[status]
            ws.cell(row=ws.max_row, column=7).fill = styles.PatternFill(
                fill_type="solid", start_color=color, end_color=color
            )
    for s in result.sections:
        append(
            ws,
            [
                f"{t('subtotal', lang)} {section_label(s.name, lang)}",
                "",
                "",
                "",
                "",
                number(s.weight),
                number(s.claimed),
                number(s.score),
            ],
        )
    weight_total = b.weight + sum((r.weight or Decimal(0) for r in result.indicators), Decimal(0))
    append(
        ws,
        [
            t("total", lang),
            "",
            "",
            "",
            "",
            number(weight_total),
            number(result.claimed_total),
            number(result.total),
            f"{t('grade', lang)} {grade_text(result.grade, lang, result.policy)}",
            "",
            finding_lines(result.form_findings, lang),
            verification_line(result, lang),
        ],
    )
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = wrap
        for cell in row[5:8]:
            cell.number_format = "0.00"
    for letter, width in zip(
        "ABCDEFGHIJKL", (12, 14, 22, 20, 20, 7, 9, 9, 12, 50, 50, 14), strict=True
    ):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = "A2"
