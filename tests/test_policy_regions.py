"""Choosing the policy by region and year: ``regions`` declarations, ``policy="auto"`` and
``--policy auto``, each choice said as a POLICY_CHOSEN finding."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

import jixiao
from jixiao.cli.app import cli
from jixiao.policy.choose import _candidates, choose_policy

FORM = {
    "department": "四川省财政厅",
    "year": 2023,
    "budget": {"annual": 100, "executed": 85, "weight": 10},
    "indicators": [
        {"level1": "产出指标", "target": "≥45人", "actual": "45人", "weight": 90, "score": 90}
    ],
}


def test_shipped_policies_declare_their_regions() -> None:
    assert jixiao.load_policy("sichuan").regions == ("四川",)
    assert jixiao.load_policy("central").regions == ()


def test_regions_are_not_inherited(tmp_path: Path) -> None:
    path = tmp_path / "chengdu.policy"
    path.write_text('policy "chengdu" version "1"\nextends "sichuan"\n', encoding="utf-8")
    assert jixiao.load_policy(str(path)).regions == ()


@pytest.mark.parametrize(
    ("department", "year", "chosen"),
    [
        ("四川省财政厅", 2023, "sichuan"),
        ("湖北省教育厅", 2021, "hubei"),
        ("广西壮族自治区农业农村厅", 2022, "guangxi"),
        ("北京市财政局", 2023, "central"),
        ("", None, "central"),
    ],
)
def test_choose_policy_by_department(department: str, year: int | None, chosen: str) -> None:
    assert choose_policy(department, year).policy.name == chosen


def test_years_must_contain_the_forms_year(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "chengdu-2024.policy").write_text(
        'policy "chengdu-2024" version "1"\nextends "central"\nregions "四川省成都市"\n'
        "years 2024..2024\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("JIXIAO_POLICY_PATH", str(tmp_path))
    _candidates.cache_clear()
    try:
        # the longest region named wins, within its years
        assert choose_policy("四川省成都市财政局", 2024).policy.name == "chengdu-2024"
        assert choose_policy("四川省成都市财政局", 2023).policy.name == "sichuan"
        assert choose_policy("四川省绵阳市财政局", 2024).policy.name == "sichuan"
    finally:
        _candidates.cache_clear()


def test_score_form_auto_says_which_policy_it_chose() -> None:
    result = jixiao.score_form(FORM, "auto")
    assert result.policy.name == "sichuan"
    chosen = [f for f in result.findings if f.code == "POLICY_CHOSEN"]
    assert len(chosen) == 1 and chosen[0].severity == "info"
    assert "sichuan" in chosen[0].zh and "四川省财政厅" in chosen[0].zh
    # sichuan asks for a reason below 90% execution: the chosen policy really scored it
    assert any(f.code == "REASON_MISSING" for f in result.budget.findings)
    assert not any(f.code == "REASON_MISSING" for f in jixiao.score_form(FORM).budget.findings)


def test_score_forms_auto_chooses_per_form() -> None:
    other = dict(FORM, department="湖北省教育厅", year=2020)
    names = [r.policy.name for r in jixiao.score_forms([FORM, other], "auto")]
    assert names == ["sichuan", "hubei"]


def test_cli_policy_auto(tmp_path: Path) -> None:
    path = tmp_path / "form.json"
    path.write_text(json.dumps(FORM, ensure_ascii=False), encoding="utf-8")
    out = CliRunner().invoke(cli, ["score", str(path), "--policy", "auto", "--json"])
    assert out.exit_code in (0, 1), out.output
    data = json.loads(out.output)
    text = json.dumps(data, ensure_ascii=False)
    assert "POLICY_CHOSEN" in text and "sichuan" in text
