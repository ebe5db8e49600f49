"""Excel outputs: an annotated COPY of the input workbook, or a fresh workbook of results.

:func:`write_annotated_workbook` loads the source workbook, adds the computed scores and the
finding messages in new columns to the right of each form's tables (using the cell locations the
reader recorded, e.g. ``绩效自评表!H13``), highlights the cells a finding points at, adds a
``复核结果`` sheet listing every finding, and saves the copy to another path. The source file is
only read, never written: an output path that resolves to the input is refused.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import warnings
import zipfile
from collections.abc import Iterable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any
from xml.etree import ElementTree as ET  # parsing our own freshly written workbook only
from xml.sax.saxutils import escape as xml_escape

from jixiao.decimals import in_context
from jixiao.errors import FormError
from jixiao.escape import visible
from jixiao.fileio import atomic_save, atomic_write_bytes, overlaps, same_file, sheet_title
from jixiao.i18n import Msg, place_text, section_label
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
    severity_text,
    t,
    verification_line,
)

if TYPE_CHECKING:
    from jixiao.evaluate import Finding, FormResult

__all__ = ["write_annotated_workbook", "write_results_workbook"]

StrPath = str | os.PathLike[str]

_FILL = {"error": "FFC7CE", "warning": "FFEB9C", "info": "DDEBF7"}
_RANK = {"error": 0, "warning": 1, "info": 2}
_INSTALL = (
    "写入 .xlsx 需要 openpyxl，请安装：pip install 'jixiao[xlsx]' "
    "(writing .xlsx needs openpyxl: pip install 'jixiao[xlsx]')"
)


def _openpyxl() -> Any:
    try:
        import openpyxl
    except ImportError:
        raise ReportError(_INSTALL) from None
    return openpyxl


def _number(value: Decimal | None) -> float | int | str:
    if value is None:
        return "—"
    if value == value.to_integral_value():
        return int(value)
    return float(value)


def _text(value: object) -> object:
    """A value for a cell: strings with control characters shown escaped (XML cannot hold them)."""
    return visible(value) if isinstance(value, str) else value


def _as_text(ws: Any, cells: Iterable[Any] | None = None) -> None:
    """Every string in *cells* (default: the whole sheet) stored as text, never as a formula:
    openpyxl takes any string starting with ``=`` for a formula, and a form's ``=90%``,
    ``=HYPERLINK(…)`` or ``=2+2`` must stay the text it is."""
    for cell in cells if cells is not None else ws._cells.values():
        if cell.data_type == "f" and isinstance(cell.value, str):
            cell.data_type = "s"


def _put(cell: Any, value: object) -> None:
    cell.value = _text(value)
    if cell.data_type == "f":
        cell.data_type = "s"


def _append(ws: Any, values: Sequence[object]) -> None:
    ws.append([_text(v) for v in values])
    _as_text(ws, ws[ws.max_row])


def _no_recalc(wb: Any) -> None:
    """No ``fullCalcOnLoad`` unless the workbook holds formulas (its own, from the input)."""
    calc = getattr(wb, "calculation", None)
    if calc is None:
        return
    has_formula = any(
        c.data_type == "f" for ws in wb.worksheets for c in getattr(ws, "_cells", {}).values()
    )
    if not has_formula:
        calc.fullCalcOnLoad = False


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
            worst = min(findings, key=lambda f: _RANK.get(f.severity, 9)).severity
            if worst in ("error", "warning"):
                color = _FILL[worst]
                cell.fill = styles.PatternFill(
                    fill_type="solid", start_color=color, end_color=color
                )
            text = "\n".join(
                f"[{severity_text(f.severity, self.lang)}] {f.code}: {f.message(self.lang)}"
                for f in findings
            )
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


def _style_header(openpyxl: Any, cell: Any) -> None:
    styles = openpyxl.styles
    cell.font = styles.Font(bold=True, color="1F4E79")
    cell.alignment = styles.Alignment(wrap_text=True, vertical="center", horizontal="center")


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
                    _put(cell, t(key, lang))
                    _style_header(openpyxl, cell)
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
        _put(score_cell, score)
        score_cell.number_format = "0.00"
        score_cell.font = styles.Font(bold=True)
        if status in ("error", "warning"):
            color = _FILL[status]
            score_cell.fill = styles.PatternFill(
                fill_type="solid", start_color=color, end_color=color
            )
        lines = [extra] if extra else []
        lines += [
            f"[{severity_text(f.severity, lang)}] {f.code}: {f.message(lang)}" for f in findings
        ]
        note = ws.cell(row=row, column=col + 1)
        _put(note, "\n".join(lines) if lines else "✓")
        note.alignment = wrap
        if verified is not None:
            mark = ws.cell(row=row, column=col + 2)
            mark.value = t("verified_yes" if verified else "verified_no", lang)
            mark.alignment = wrap
            if not verified:
                mark.fill = styles.PatternFill(
                    fill_type="solid", start_color=_FILL["warning"], end_color=_FILL["warning"]
                )

    for i, r in enumerate(result.indicators):
        if i in placed:
            sheet, row = placed[i]
            put(
                sheet,
                row,
                _number(r.score) if r.score is not None else "—",
                r.findings,
                verified=r.verified,
            )
    b = result.budget
    if budget_ref is not None:
        rate = f"{t('rate', lang)} {fmt_rate(b.rate)}"
        put(
            budget_ref[0],
            budget_ref[2],
            _number(b.score) if b.score is not None else "—",
            b.findings,
            rate,
            verified=b.verified,
        )
    if total_ref is not None:
        grade = f"{t('grade', lang)} {grade_text(result.grade, lang, result.policy)}"
        grade += "\n" + verification_line(result, lang)
        put(total_ref[0], total_ref[2], _number(result.total), result.form_findings, grade)
    row_cells = {
        ind.where: ind.cells.get("name", ind.where) for ind in form.indicators if ind.where
    }
    for f in result.findings:
        # a row-level finding points at the row's first cell, often a 一级指标 merged down many
        # rows: mark the indicator's name cell instead
        marker.add(f, row_cells.get(f.where))


def _findings_sheet(
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
    _append(ws, heads)
    for cell in ws[1]:
        _style_header(openpyxl, cell)
    styles = openpyxl.styles
    wrap = styles.Alignment(wrap_text=True, vertical="top")
    for r in results:
        for f in sorted(r.findings, key=lambda f: _RANK.get(f.severity, 9)):
            _append(
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
            color = _FILL.get(f.severity)
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
        _append(
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
    openpyxl = _openpyxl()
    items = as_results(results)
    try:
        keep_vba = src.suffix.lower() == ".xlsm" and out.suffix.lower() == ".xlsm"
        data = open_zip(read_bytes(src, str(src)), str(src))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            wb = openpyxl.load_workbook(io.BytesIO(data), keep_vba=keep_vba)
            cached = _cached_values(openpyxl, wb, data)
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
    _findings_sheet(openpyxl, wb, items, lang)
    _no_recalc(wb)
    out.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    wb.save(buffer)
    atomic_write_bytes(out, _with_cached_values(buffer.getvalue(), cached))
    return out


# --------------------------------------------------------------------------------------------
# cached formula values: openpyxl keeps a formula but drops the result Excel saved with it, so a
# viewer that does not recalculate would show blank 执行率/得分/总分 cells, and a reader could not
# read the copy. The results saved in the source are written back next to their formulas.

Cached = dict[str, dict[str, object]]  # sheet title → cell reference → saved result


def _cached_values(openpyxl: Any, wb: Any, data: bytes) -> Cached:
    formulas = {
        ws.title: [c.coordinate for row in ws.iter_rows() for c in row if c.data_type == "f"]
        for ws in wb.worksheets
    }
    if not any(formulas.values()):
        return {}
    values = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    out: Cached = {}
    for title, refs in formulas.items():
        ws = values[title]
        saved = {ref: ws[ref].value for ref in refs}
        out[title] = {ref: v for ref, v in saved.items() if v is not None}
    return out


_NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_NS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_NS_PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
_FORMULA_CELL = re.compile(
    r'<c r="(?P<ref>[A-Z]+[0-9]+)"(?P<attrs>[^>]*)>(?P<f><f(?:\s[^>]*)?>.*?</f>|<f(?:\s[^>]*)?/>)'
    r"(?:<v\s*/>|<v>\s*</v>)?</c>",
    re.S,
)


def _sheet_parts(z: zipfile.ZipFile) -> dict[str, str]:
    """Sheet title → its part name (``xl/worksheets/sheet1.xml``), from the workbook's rels."""
    book = ET.fromstring(z.read("xl/workbook.xml"))
    rels = ET.fromstring(z.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target", "") for r in rels.iter(f"{{{_NS_PKG}}}Relationship")}
    out: dict[str, str] = {}
    for sheet in book.iter(f"{{{_NS_MAIN}}}sheet"):
        target = targets.get(sheet.get(f"{{{_NS_REL}}}id"), "")
        if target:
            part = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
            out[sheet.get("name", "")] = part
    return out


def _value_xml(value: object) -> tuple[str, str] | None:
    """(t attribute, <v> text) for a saved result."""
    if isinstance(value, bool):
        return "b", "1" if value else "0"
    if isinstance(value, (int, float)):
        return "n", repr(value) if isinstance(value, float) else str(value)
    if isinstance(value, Decimal):
        return "n", format(value, "f")
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        from openpyxl.utils.datetime import to_excel

        return "n", repr(float(to_excel(value)))
    if isinstance(value, str):
        kind = "e" if value.startswith("#") and value.endswith(("!", "?", "A")) else "str"
        return kind, xml_escape(value)
    return None


def _with_cached_values(data: bytes, cached: Cached) -> bytes:
    if not any(cached.values()):
        return data
    src = zipfile.ZipFile(io.BytesIO(data))
    parts = {part: cached[title] for title, part in _sheet_parts(src).items() if cached.get(title)}
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            content = src.read(info.filename)
            values = parts.get(info.filename)
            if values:
                content = _patch_sheet(content.decode("utf-8"), values).encode("utf-8")
            dst.writestr(info, content)
    return out.getvalue()


def _patch_sheet(xml: str, values: dict[str, object]) -> str:
    def replace(m: re.Match[str]) -> str:
        saved = _value_xml(values.get(m.group("ref")))
        if saved is None:
            return m.group(0)
        kind, text = saved
        attrs_text = re.sub(r'\st="[^"]*"', "", m.group("attrs"))
        t_attr = "" if kind == "n" else f' t="{kind}"'
        return f'<c r="{m.group("ref")}"{attrs_text}{t_attr}>{m.group("f")}<v>{text}</v></c>'

    return _FORMULA_CELL.sub(replace, xml)


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
    openpyxl = _openpyxl()
    items = as_results(results)
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    summary = wb.create_sheet(t("summary", lang))
    _append(
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
        _style_header(openpyxl, cell)
    for r in items:
        _append(
            summary,
            [
                form_label(r),
                r.form.source or "",
                _number(r.claimed_total),
                _number(r.total),
                grade_text(r.grade, lang, r.policy),
                r.count("error"),
                r.count("warning"),
                f"{r.verified_rows}/{len(r.indicators)}",
                _number(r.unverified_points),
            ],
        )
    for e in failures:
        _append(summary, [t("unreadable", lang), e.source, "—", "—", "—", 1, 0, "—", "—"])
    for letter, width in zip("ABCDEFGHI", (28, 36, 12, 12, 14, 8, 8, 10, 12), strict=True):
        summary.column_dimensions[letter].width = width
    used: set[str] = set(wb.sheetnames) | {t("results_sheet", lang)}
    for i, r in enumerate(items, start=1):
        name = _sheet_name(form_label(r) or f"{i}", used)
        _results_sheet(openpyxl, wb.create_sheet(name), r, lang)
    _findings_sheet(openpyxl, wb, items, lang, failures)
    for ws in wb.worksheets:
        _as_text(ws)  # jixiao writes no formula in a results workbook
    _no_recalc(wb)
    out.parent.mkdir(parents=True, exist_ok=True)
    atomic_save(wb, out)
    return out


def _sheet_name(name: str, used: set[str]) -> str:
    """A sheet title from a form's name: no characters Excel forbids ([]:*?/\\), no control or
    invisible characters, not starting or ending with ``'``, at most 31 characters, unique."""
    name = sheet_title(name)
    candidate, n = name, 2
    while candidate in used:
        candidate, n = f"{name[:26]}{n}", n + 1
    used.add(candidate)
    return candidate


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
    _append(ws, [t(k, lang) for k in keys])
    for cell in ws[1]:
        _style_header(openpyxl, cell)
    b = result.budget
    _append(
        ws,
        [
            t("budget", lang),
            "",
            "",
            "",
            f"{t('rate', lang)} {fmt_rate(b.rate)}",
            _number(b.weight),
            _number(b.claimed),
            _number(b.score),
            b.rule.title(lang) if b.rule is not None else "—",
            b.explanation(lang),
            "\n".join(
                f"[{severity_text(f.severity, lang)}] {f.code}: {f.message(lang)}"
                for f in b.findings
            ),
            t("verified_yes" if b.verified else "verified_no", lang),
        ],
    )
    inds = result.form.indicators
    same = len(inds) == len(result.indicators)
    for i, r in enumerate(result.indicators):
        _append(
            ws,
            [
                r.level1,
                r.level2,
                r.name,
                inds[i].target if same else (r.target.render() if r.target else ""),
                inds[i].actual if same else (r.actual.render() if r.actual else ""),
                _number(r.weight),
                _number(r.claimed),
                _number(r.score),
                rule_name(r, lang),
                r.explanation(lang),
                "\n".join(
                    f"[{severity_text(f.severity, lang)}] {f.code}: {f.message(lang)}"
                    for f in r.findings
                ),
                t("verified_yes" if r.verified else "verified_no", lang),
            ],
        )
        status = row_status(r.findings)
        if status in ("error", "warning"):
            color = _FILL[status]
            ws.cell(row=ws.max_row, column=7).fill = styles.PatternFill(
                fill_type="solid", start_color=color, end_color=color
            )
    for s in result.sections:
        _append(
            ws,
            [
                f"{t('subtotal', lang)} {section_label(s.name, lang)}",
                "",
                "",
                "",
                "",
                _number(s.weight),
                _number(s.claimed),
                _number(s.score),
            ],
        )
    weight_total = b.weight + sum((r.weight or Decimal(0) for r in result.indicators), Decimal(0))
    _append(
        ws,
        [
            t("total", lang),
            "",
            "",
            "",
            "",
            _number(weight_total),
            _number(result.claimed_total),
            _number(result.total),
            f"{t('grade', lang)} {grade_text(result.grade, lang, result.policy)}",
            "",
            "\n".join(
                f"[{severity_text(f.severity, lang)}] {f.code}: {f.message(lang)}"
                for f in result.form_findings
            ),
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
