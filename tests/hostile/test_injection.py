"""Nothing from a form runs where jixiao writes it: workbooks, CSV, Markdown, terminals (issue 11)."""

from __future__ import annotations

import io
import os
import re
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import jixiao
from jixiao.escape import csv_cell, markdown_text, visible
from jixiao.forms import Form
from jixiao.forms.csv_io import read_csv_forms, write_csv
from jixiao.report.markdown import markdown_report

from .build import CONTROL, FORMULAS, SEED_JSON, run_bounded, with_text_everywhere, write_json

openpyxl = pytest.importorskip("openpyxl")

_FORMULA_ELEMENT = re.compile(rb"<(?:\w+:)?f[\s>/]")


def formulas_in(path: Path) -> int:
    """How many formula elements the workbook's sheets hold."""
    with zipfile.ZipFile(path) as z:
        return sum(
            len(_FORMULA_ELEMENT.findall(z.read(n)))
            for n in z.namelist()
            if n.startswith("xl/worksheets/") and n.endswith(".xml")
        )


def full_calc_on_load(path: Path) -> bool:
    with zipfile.ZipFile(path) as z:
        return b'fullCalcOnLoad="1"' in z.read("xl/workbook.xml")


def strings_in(path: Path) -> set[str]:
    wb = openpyxl.load_workbook(path)
    return {
        c.value
        for ws in wb.worksheets
        for row in ws.iter_rows()
        for c in row
        if isinstance(c.value, str)
    }


@pytest.mark.parametrize("payload", FORMULAS)
def test_every_workbook_keeps_formula_text_as_text(tmp_path: Path, payload: str) -> None:
    form = Form.from_dict(with_text_everywhere(payload), source="payload.json")
    result = jixiao.score_form(form)
    from jixiao.report.xlsx_out import write_annotated_workbook, write_results_workbook

    results_wb = write_results_workbook([result], tmp_path / "results.xlsx")
    form_wb = tmp_path / "form.xlsx"
    jixiao.forms.write_form(form, form_wb)
    split_wb = tmp_path / "split.xlsx"
    jixiao.forms.write_form(form, split_wb, layout="split")
    read_back = jixiao.read_form(form_wb)
    annotated = write_annotated_workbook(
        [jixiao.score_form(read_back)], form_wb, tmp_path / "annotated.xlsx"
    )
    for path in (results_wb, form_wb, split_wb, annotated):
        assert formulas_in(path) == 0, path.name
        assert not full_calc_on_load(path), path.name
        assert visible(payload.strip()) in {s.strip() for s in strings_in(path)}, path.name
    # the text survives the round trip through jixiao's own workbook
    assert read_back.project == payload.strip()


def test_annotated_copy_keeps_only_the_inputs_own_formulas(tmp_path: Path) -> None:
    form = Form.from_dict(with_text_everywhere("=2+2"))
    src = tmp_path / "in.xlsx"
    jixiao.forms.write_form(form, src)
    wb = openpyxl.load_workbook(src)
    ws = wb.worksheets[0]
    ws["K1"] = "=1+1"  # the unit's own formula, with no saved result
    wb.save(src)
    from jixiao.report.xlsx_out import write_annotated_workbook

    out = write_annotated_workbook(
        [jixiao.score_form(jixiao.read_form(src))], src, tmp_path / "out.xlsx"
    )
    assert formulas_in(src) == 1 and formulas_in(out) == 1


def test_sheet_titles_from_forms_are_sanitised(tmp_path: Path) -> None:
    from jixiao.report.xlsx_out import write_results_workbook

    names = ["a[1]:b*?/\\c", "'引号'", "\x1b[2J清屏" + "长" * 40, "History"]
    results = [
        jixiao.score_form(Form.from_dict({**with_text_everywhere("x"), "project": n}))
        for n in names
    ]
    path = write_results_workbook(results, tmp_path / "r.xlsx")
    titles = openpyxl.load_workbook(path).sheetnames
    for title in titles:
        assert len(title) <= 31
        assert not set(title) & set("[]:*?/\\")
        assert title.isprintable() and not title.startswith("'") and not title.endswith("'")
    assert "History" not in titles


def test_csv_escapes_formula_cells_and_reads_them_back(tmp_path: Path) -> None:
    data = with_text_everywhere('=HYPERLINK("http://evil.example")')
    data["indicators"][0]["target"] = "-5%"
    data["indicators"][1]["target"] = "@SUM(1)"
    form = Form.from_dict(data)
    path = tmp_path / "f.csv"
    write_csv(form, path)
    import csv

    cells = [
        c for row in csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))) for c in row
    ]
    assert '\'=HYPERLINK("http://evil.example")' in cells and "'@SUM(1)" in cells
    assert "-5%" in cells  # a plain number is not a formula
    assert not [c for c in cells if c.startswith(("=", "+", "@", "\t", "\r"))]
    (back,) = read_csv_forms(path, str(path))
    assert back.project == form.project and back.indicators[1].target == "@SUM(1)"
    write_csv(form, path, raw=True)
    assert '"=HYPERLINK(' in path.read_text(encoding="utf-8-sig")


@pytest.mark.parametrize(
    "text",
    ["=2+2", "+1", "-1+1", "@A1", "\t=1", "\r=1", "-5", "5", "≥90%", "'=x", "=", ""],
)
def test_csv_cell_round_trips(text: str) -> None:
    from jixiao.escape import csv_uncell

    escaped = csv_cell(text)
    assert csv_uncell(escaped) == text or text.startswith("'")
    plain_number = re.fullmatch(r"[+-]?\d+(\.\d+)?%?", text) is not None
    if text.startswith(("=", "+", "-", "@", "\t", "\r")) and not plain_number:
        assert escaped.startswith("'")
    else:
        assert escaped == text


MD_PAYLOADS = [
    "<script>alert(1)</script>",
    "[点我](javascript:alert(1))",
    "![x](http://evil.example/t.png)",
    "第一行\n# 伪造标题\n- 伪造列表",
    "a | b | c",
    "**粗体** _斜体_ `代码`",
    "http://evil.example www.evil.example",
    CONTROL,
]


@pytest.mark.parametrize("payload", MD_PAYLOADS)
def test_markdown_shows_text_as_written(payload: str) -> None:
    result = jixiao.score_form(Form.from_dict(with_text_everywhere(payload)))
    report = markdown_report(result)
    assert "<script" not in report and "<b>" not in report
    assert "](" not in report.replace("\\](", "").replace("]\\(", "")
    assert "\x1b" not in report and "\r" not in report and "\x00" not in report
    own = {"# 项目支出绩效自评复核报告"}
    for line in report.splitlines():
        if line.startswith("#"):
            assert line in own or line.startswith(("## ", "### ")), line
        assert not re.match(r"#+ *伪造标题", line)  # a cell's line break never starts a heading
        assert not line.startswith("- 伪造列表")
    # the table keeps its column count: pipes from the form are escaped
    rows = [ln for ln in report.splitlines() if ln.startswith("| ")]
    counts = {len(re.findall(r"(?<!\\)\|", ln)) for ln in rows if "---" not in ln}
    assert len(counts) <= 3  # the meta table, the indicator table, the section table


def test_markdown_text_escapes() -> None:
    assert markdown_text("<b>x</b>") == "&lt;b&gt;x&lt;/b&gt;"
    assert markdown_text("a\n# b") == "a<br>\\# b"
    assert markdown_text("x|y") == "x\\|y"


def test_terminal_output_shows_control_characters_escaped(tmp_path: Path) -> None:
    path = write_json(tmp_path, "ctl.json", with_text_everywhere(CONTROL))
    for command in ("score", "check", "explain"):
        proc = run_bounded(command, str(path))
        both = proc.stdout + proc.stderr
        assert proc.returncode in (0, 1), both
        for raw in ("\x1b", "\x07", "\x08", "\x00", "\x9b", "\r"):
            assert raw not in both, (command, repr(raw))
        assert "\\x1b[2J" in both, command
    proc = run_bounded("parse", CONTROL.replace("\x00", ""))
    assert "\x1b" not in proc.stdout + proc.stderr and "\\x1b" in proc.stdout + proc.stderr
    # a JSON output is still valid JSON, with the characters as \\u escapes
    proc = run_bounded("check", str(path), "--json")
    assert "\x1b" not in proc.stdout and "\\u001b" in proc.stdout


def test_error_messages_show_control_characters_escaped(tmp_path: Path) -> None:
    bad = tmp_path / "bad\x1b[2J.json"
    bad.write_text('{"indicators": [{"target": "1", "actual": "1", "weight": "\x1b[31m五"}]}')
    proc = run_bounded("check", str(bad))
    assert proc.returncode == 1
    assert "\x1b" not in proc.stderr and "\\x1b" in proc.stderr


@pytest.mark.parametrize("option", ["--markdown", "--jsonl", "--xlsx-out"])
@pytest.mark.parametrize("link", ["hard", "sym"])
def test_outputs_never_overwrite_inputs_through_links(
    tmp_path: Path, option: str, link: str
) -> None:
    src = tmp_path / "in.json"
    src.write_bytes(SEED_JSON.read_bytes())
    before = src.read_bytes()
    suffix = {"--markdown": ".md", "--jsonl": ".jsonl", "--xlsx-out": ".xlsx"}[option]
    out = tmp_path / f"out{suffix}"
    if link == "hard":
        os.link(src, out)
    else:
        out.symlink_to(src)
    proc = run_bounded("check", str(src), option, str(out))
    assert proc.returncode == 2, proc.stderr
    assert "overwrite" in proc.stderr
    assert src.read_bytes() == before


def test_annotated_copy_refuses_a_hard_link_to_its_input(tmp_path: Path) -> None:
    from jixiao.errors import ReportError
    from jixiao.report.xlsx_out import write_annotated_workbook

    src = tmp_path / "in.xlsx"
    src.write_bytes((SEED_JSON.parent / "seed.xlsx").read_bytes())
    out = tmp_path / "link.xlsx"
    os.link(src, out)
    result = jixiao.score_form(jixiao.read_form(src))
    with pytest.raises(ReportError):
        write_annotated_workbook(result, src, out)


def test_reports_are_written_atomically(tmp_path: Path) -> None:
    from jixiao.fileio import atomic_open

    path = tmp_path / "r.md"
    path.write_text("old", encoding="utf-8")
    with pytest.raises(RuntimeError), atomic_open(path) as fh:
        fh.write("half a report")
        raise RuntimeError("disk full")
    assert path.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["r.md"]


def test_openpyxl_warnings_do_not_leak(tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "dv.xlsx"
    wb = openpyxl.load_workbook(SEED_JSON.parent / "seed.xlsx")
    wb.save(src)
    with zipfile.ZipFile(src) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    name = next(n for n in parts if n.startswith("xl/worksheets/sheet"))
    # an extension openpyxl does not know: it warns "Unknown extension is not supported"
    parts[name] = parts[name].replace(
        b"</worksheet>",
        b'<extLst><ext uri="{78C0D931-6437-407d-A8EE-F0AAD7539E65}"><x/></ext></extLst></worksheet>',
    )
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for n, data in parts.items():
            z.writestr(n, data)
    src.write_bytes(buf.getvalue())
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a warning that got out would be an error here
        forms = jixiao.read_forms(src)
    assert forms
    proc = run_bounded("check", str(src))
    assert "warn" not in proc.stderr.lower()


_TEXT = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=30
) | st.sampled_from(FORMULAS)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_TEXT, min_size=6, max_size=6))
def test_no_workbook_holds_a_formula_jixiao_did_not_write(tmp_path_factory, texts) -> None:  # type: ignore[no-untyped-def]
    from jixiao.report.xlsx_out import write_annotated_workbook, write_results_workbook

    tmp = tmp_path_factory.mktemp("prop")
    data = with_text_everywhere("x")
    data["project"], data["department"], data["implementer"] = texts[0], texts[1], texts[2]
    for i, ind in enumerate(data["indicators"]):
        ind["name"] = texts[3 + i % 3]
        ind["reason"] = texts[(i + 1) % 6]
        ind["target"] = texts[i % 6] if i % 4 == 0 else ind["target"]
    form = Form.from_dict(data)
    result = jixiao.score_form(form)
    outs = [write_results_workbook([result], tmp / "r.xlsx")]
    jixiao.forms.write_form(form, tmp / "f.xlsx")
    outs.append(tmp / "f.xlsx")
    try:
        back = jixiao.read_form(tmp / "f.xlsx")
    except jixiao.FormError:
        back = None  # a form whose texts hide its own header is not a form: nothing to annotate
    if back is not None:
        outs.append(
            write_annotated_workbook([jixiao.score_form(back)], tmp / "f.xlsx", tmp / "a.xlsx")
        )
    for path in outs:
        assert formulas_in(path) == 0
        assert not full_calc_on_load(path)
