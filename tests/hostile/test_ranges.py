"""Numbers are range-checked where they are read (issue 11): findings naming the cell."""

from __future__ import annotations

from pathlib import Path

import pytest

import jixiao
from jixiao.forms import Form

from .build import run_bounded, write_json


def _form(w1: object, w2: object, **budget: object) -> dict[str, object]:
    return {
        "budget": {"annual": 100, "executed": 100, "weight": 0, **budget},
        "indicators": [
            {"name": "甲", "target": "≥45人", "actual": "45人", "weight": w1},
            {"name": "乙", "target": "≥45人", "actual": "45人", "weight": w2},
        ],
    }


def test_negative_weights_adding_up_to_100_are_errors(tmp_path: Path) -> None:
    result = jixiao.score_form(Form.from_dict(_form(-40, 140)))
    codes = [(f.code, f.where, f.severity) for f in result.findings]
    assert ("WEIGHT_OUT_OF_RANGE", "indicators[0].weight", "error") in codes
    assert ("WEIGHT_OUT_OF_RANGE", "indicators[1].weight", "error") in codes
    assert not any(c == "WEIGHTS_TOTAL" for c, _w, _s in codes)  # they do add up to 100
    path = write_json(tmp_path, "neg.json", _form(-40, 140))
    proc = run_bounded("check", str(path), "--lang", "en")
    assert proc.returncode == 1 and "WEIGHT_OUT_OF_RANGE" in proc.stdout


@pytest.mark.parametrize("weight", ["0", "100.01", "-0.5"])
def test_weights_outside_0_to_100(weight: str) -> None:
    result = jixiao.score_form(Form.from_dict(_form(weight, "50")))
    assert "WEIGHT_OUT_OF_RANGE" in [f.code for f in result.findings]


def test_weights_inside_are_fine() -> None:
    result = jixiao.score_form(Form.from_dict(_form("100", "0.5")))
    assert "WEIGHT_OUT_OF_RANGE" not in [f.code for f in result.findings]


def test_negative_budget_amounts_and_scores() -> None:
    data = _form(50, 50, executed=-3, score=-1)
    data["budget"]["rows"] = [{"name": "其他资金", "annual": -1}]  # type: ignore[index]
    result = jixiao.score_form(Form.from_dict(data))
    found = {(f.code, f.where) for f in result.findings}
    assert ("BUDGET_OUT_OF_RANGE", "budget.executed") in found
    assert ("BUDGET_OUT_OF_RANGE", "budget.rows[0].annual") in found
    assert ("SCORE_NEGATIVE", "budget.score") in found


def test_range_findings_name_the_workbook_cell(tmp_path: Path) -> None:
    pytest.importorskip("openpyxl")
    form = Form.from_dict(_form(-40, 140))
    path = tmp_path / "neg.xlsx"
    jixiao.forms.write_form(form, path)
    result = jixiao.score_form(jixiao.read_form(path))
    wheres = [f.where for f in result.findings if f.code == "WEIGHT_OUT_OF_RANGE"]
    assert len(wheres) == 2 and all("!G" in w for w in wheres), wheres
