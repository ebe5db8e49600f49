"""Test helpers: the same workbook as an old .xls (xlwt), a Word document (python-docx) and a
PDF (reportlab, built-in CJK font STSong-Light), so every layout the .xlsx reader supports is
read from every format and compared cell by cell.

Each worksheet becomes one table spanning its used range from A1, so a cell ``Sheet!E13`` of
the n-th visible sheet is ``表n 第13行 第5列`` in the Word document.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import openpyxl


def _merged(ws: Any) -> tuple[dict[tuple[int, int], tuple[int, int]], set[tuple[int, int]]]:
    """Top-left → bottom-right of each merged range, and the covered cells (not top-left)."""
    spans: dict[tuple[int, int], tuple[int, int]] = {}
    covered: set[tuple[int, int]] = set()
    for rng in ws.merged_cells.ranges:
        spans[(rng.min_row, rng.min_col)] = (rng.max_row, rng.max_col)
        for r in range(rng.min_row, rng.max_row + 1):
            for c in range(rng.min_col, rng.max_col + 1):
                if (r, c) != (rng.min_row, rng.min_col):
                    covered.add((r, c))
    return spans, covered


def xlsx_to_xls(src: Path, dst: Path) -> Path:
    """The workbook as BIFF8: values, merged ranges, number formats and sheet visibility."""
    import xlwt

    wb = openpyxl.load_workbook(src)
    out = xlwt.Workbook(encoding="utf-8")
    styles: dict[str, Any] = {}
    for ws in wb.worksheets:
        sheet = out.add_sheet(ws.title, cell_overwrite_ok=True)
        if ws.sheet_state != "visible":
            sheet.visibility = 1 if ws.sheet_state == "hidden" else 2
        spans, covered = _merged(ws)
        for row in ws.iter_rows():
            for cell in row:
                coord = (cell.row, cell.column)
                if coord in covered:
                    continue
                fmt = cell.number_format or "General"
                if isinstance(cell.value, dt.datetime) and fmt == "General":
                    fmt = "yyyy-mm-dd"
                style = styles.get(fmt)
                if style is None:
                    style = styles[fmt] = xlwt.easyxf(num_format_str=fmt)
                value = cell.value
                if coord in spans:
                    last = spans[coord]
                    sheet.write_merge(
                        cell.row - 1, last[0] - 1, cell.column - 1, last[1] - 1, value, style
                    )
                elif value is not None:
                    sheet.write(cell.row - 1, cell.column - 1, value, style)
    out.save(str(dst))
    return dst


def _shown(cell: Any) -> str:
    """A cell's text as Excel shows it (for the formats these fixtures use)."""
    from decimal import Decimal

    from jixiao.forms._numfmt import NumberFormat
    from jixiao.forms._text import render_number, render_value
    from jixiao.forms.model import decimal_from_float

    value = cell.value
    if isinstance(value, bool) or value is None:
        return render_value(value)
    if isinstance(value, (int, float)):
        number = decimal_from_float(value) if isinstance(value, float) else Decimal(value)
        spec = NumberFormat.parse(cell.number_format)
        return render_number(spec.display(number)) + ("%" if spec.shows_percent(number) else "")
    return render_value(value) if not isinstance(value, str) else value


def visible_sheets(src: Path) -> list[Any]:
    wb = openpyxl.load_workbook(src)
    return [ws for ws in wb.worksheets if ws.sheet_state == "visible"]


def xlsx_to_docx(src: Path, dst: Path) -> Path:
    """Each visible worksheet as one Word table (merged cells merged), with a heading between."""
    import docx

    doc = docx.Document()
    for ws in visible_sheets(src):
        doc.add_paragraph(f"工作表 {ws.title}")
        rows, cols = ws.max_row, ws.max_column
        table = doc.add_table(rows=rows, cols=cols)
        spans, covered = _merged(ws)
        for (r, c), (r2, c2) in spans.items():
            table.cell(r - 1, c - 1).merge(table.cell(r2 - 1, c2 - 1))
        for row in ws.iter_rows():
            for cell in row:
                if (cell.row, cell.column) in covered or cell.value is None:
                    continue
                target = table.cell(cell.row - 1, cell.column - 1)
                lines = _shown(cell).split("\n")
                target.paragraphs[0].text = lines[0]
                for line in lines[1:]:
                    target.add_paragraph(line)
    doc.save(str(dst))
    return dst


def xlsx_to_pdf(
    src: Path, dst: Path, *, repeat_header_rows: int = 0, rows_per_page: int = 0
) -> Path:
    """Each visible worksheet as a ruled table in a PDF (CJK text in STSong-Light)."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Table, TableStyle

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    style = ParagraphStyle("cell", fontName="STSong-Light", fontSize=7, leading=9)
    story: list[Any] = []
    for i, ws in enumerate(visible_sheets(src)):
        if i:
            story.append(PageBreak())
        spans, covered = _merged(ws)
        data: list[list[Any]] = []
        for r in range(1, ws.max_row + 1):
            line: list[Any] = []
            for c in range(1, ws.max_column + 1):
                cell = ws.cell(row=r, column=c)
                text = "" if (r, c) in covered or cell.value is None else _shown(cell)
                line.append(Paragraph(text.replace("\n", "<br/>"), style) if text else "")
            data.append(line)
        commands: list[Any] = [
            ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
            ("FONT", (0, 0), (-1, -1), "STSong-Light", 7),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ]
        for (r, c), (r2, c2) in spans.items():
            commands.append(("SPAN", (c - 1, r - 1), (c2 - 1, r2 - 1)))
        width = (landscape(A4)[0] - 60) / ws.max_column
        table = Table(data, colWidths=[width] * ws.max_column, repeatRows=repeat_header_rows)
        table.setStyle(TableStyle(commands))
        story.append(table)
    SimpleDocTemplate(
        str(dst),
        pagesize=landscape(A4),
        leftMargin=30,
        rightMargin=30,
        topMargin=30,
        bottomMargin=30,
    ).build(story)
    return dst


def xlsx_to_ods(src: Path, dst: Path) -> Path:
    """Each visible worksheet as an OpenDocument table: typed cells, merged ranges."""
    import zipfile
    from xml.sax.saxutils import escape, quoteattr

    tables = []
    for ws in visible_sheets(src):
        spans, covered = _merged(ws)
        rows = []
        for r in range(1, ws.max_row + 1):
            cells = []
            for c in range(1, ws.max_column + 1):
                if (r, c) in covered:
                    cells.append("<table:covered-table-cell/>")
                    continue
                cell = ws.cell(row=r, column=c)
                attrs = ""
                if (r, c) in spans:
                    r2, c2 = spans[(r, c)]
                    attrs = (
                        f' table:number-rows-spanned="{r2 - r + 1}"'
                        f' table:number-columns-spanned="{c2 - c + 1}"'
                    )
                value = cell.value
                if value is None:
                    cells.append(f"<table:table-cell{attrs}/>")
                elif isinstance(value, (int, float)) and not isinstance(value, bool):
                    kind = "percentage" if "%" in (cell.number_format or "") else "float"
                    cells.append(
                        f'<table:table-cell{attrs} office:value-type="{kind}" '
                        f'office:value="{value!r}"><text:p>{value}</text:p></table:table-cell>'
                    )
                else:
                    paras = "".join(f"<text:p>{escape(p)}</text:p>" for p in str(value).split("\n"))
                    cells.append(
                        f'<table:table-cell{attrs} office:value-type="string">{paras}'
                        "</table:table-cell>"
                    )
            rows.append(f"<table:table-row>{''.join(cells)}</table:table-row>")
        tables.append(
            f"<table:table table:name={quoteattr(ws.title)}>{''.join(rows)}</table:table>"
        )
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f"<office:body><office:spreadsheet>{''.join(tables)}</office:spreadsheet></office:body>"
        "</office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
        'manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" '
        'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    with zipfile.ZipFile(dst, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)
        z.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
    return dst
