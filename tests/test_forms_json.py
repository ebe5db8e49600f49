"""Reading JSON forms: exact Decimals, syntax errors with line:column, lists of forms."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from jixiao import score_form
from jixiao.errors import FormError
from jixiao.forms import Form, loads_forms, read_form, read_forms, write_json

FIXTURES = Path(__file__).parent / "fixtures" / "forms"
EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def test_syntax_error_names_file_line_and_column() -> None:
    path = FIXTURES / "bad_syntax.json"
    with pytest.raises(FormError) as info:
        read_form(path)
    err = info.value
    assert err.source == str(path) and err.where == "4:62"
    assert (
        "JSON 语法错误：缺少逗号" in err.message
        and "Expecting ',' delimiter" in err.message_text("en")
    )
    # the offending line, and a caret under the column (CJK characters count two columns)
    line, caret = err.message.splitlines()[-2:]
    assert line.strip().startswith('{"name": "执法资格培训参训人数"')
    assert caret.strip() == "^"
    assert str(err).startswith(f"{path}: 4:62: ")


def test_missing_required_key() -> None:
    with pytest.raises(FormError) as info:
        read_form(FIXTURES / "missing_weight.json")
    assert info.value.where == "indicators[1]" and "weight" in info.value.message


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("[1, 2]", "[0].$"),
        ('{"indicators": {}}', "indicators"),
        ("[]", None),
    ],
)
def test_shape_errors(text: str, where: str | None) -> None:
    with pytest.raises(FormError) as info:
        loads_forms(text, "x.json")
    assert info.value.where == where and info.value.source == "x.json"


@pytest.mark.parametrize(
    ("text", "field", "where"),
    [
        (
            '{"indicators": [{"target": "", "actual": "", "weight": "五"}]}',
            "weight",
            "indicators[0].weight",
        ),
        ('{"indicators": [], "year": "去年"}', "year", "year"),
        ('{"indicators": [], "total": "9O"}', "total", "total"),
    ],
)
def test_bad_cells_are_findings_not_refusals(text: str, field: str, where: str) -> None:
    (form,) = loads_forms(text, "x.json")
    bad = form.unreadable or form.indicators[0].unreadable
    assert [f for f, _ in bad] == [field]
    cells = [f for f in score_form(form).findings if f.code == "UNREADABLE_CELL"]
    assert [(f.where, f.severity) for f in cells] == [(where, "error")]


def test_numbers_are_exact_decimals() -> None:
    (form,) = loads_forms(
        '{"indicators": [{"target": "≥1", "actual": 1, "weight": 0.1, "score": 1e-1}],'
        ' "total": 95.71}',
        "x.json",
    )
    assert form.indicators[0].weight == Decimal("0.1") and form.total == Decimal("95.71")
    assert form.indicators[0].actual == "1"


def test_list_of_forms(tmp_path: Path) -> None:
    seed = json.loads((EXAMPLES / "seed.json").read_text(encoding="utf-8"))
    path = tmp_path / "two.json"
    path.write_text(json.dumps([seed, seed], ensure_ascii=False), encoding="utf-8")
    forms = read_forms(path)
    assert len(forms) == 2 and forms[0] == forms[1]
    assert [f.source for f in forms] == [f"{path}#0", f"{path}#1"]
    with pytest.raises(FormError, match="2 张自评表"):
        read_form(path)


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "gbk.json"
    path.write_bytes('{"project": "法治"}'.encode("gb18030"))
    with pytest.raises(FormError, match="UTF-8") as info:
        read_form(path)
    assert (info.value.source, info.value.where) == (str(path), "line 1")


def test_write_json_round_trip(tmp_path: Path) -> None:
    form = read_form(EXAMPLES / "seed.json")
    out = tmp_path / "seed.json"
    write_json(form, out)
    assert out.read_text(encoding="utf-8") == (EXAMPLES / "seed.json").read_text(encoding="utf-8")
    assert read_form(out) == form
    assert isinstance(form, Form)
