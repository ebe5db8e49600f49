"""Cached formula values: openpyxl keeps a formula but drops the result Excel saved with it, so
a viewer that does not recalculate would show blank 执行率/得分/总分 cells, and a reader could
not read the copy. The results saved in the source are written back next to their formulas."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from decimal import Decimal
from typing import Any
from xml.etree import ElementTree as ET  # parsing our own freshly written workbook only
from xml.sax.saxutils import escape as xml_escape

__all__ = ["Cached", "cached_values", "with_cached_values"]

Cached = dict[str, dict[str, object]]  # sheet title → cell reference → saved result


def cached_values(openpyxl: Any, wb: Any, data: bytes) -> Cached:
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


def with_cached_values(data: bytes, cached: Cached) -> bytes:
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
