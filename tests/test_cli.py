"""The ``jixiao`` command end to end, through click's CliRunner (text in, printed result out)."""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from jixiao.cli import lang as cli_lang
from jixiao.cli.app import cli

ROOT = Path(__file__).resolve().parent.parent
SEED_JSON = ROOT / "examples" / "seed.json"
SEED_XLSX = ROOT / "examples" / "seed.xlsx"
SEED_CSV = ROOT / "examples" / "seed.csv"

needs_seed = pytest.mark.skipif(not SEED_JSON.exists(), reason="examples/seed.json not written yet")
needs_seed_xlsx = pytest.mark.skipif(
    not SEED_XLSX.exists(), reason="examples/seed.xlsx not written yet"
)


def run(*args: str, env: dict[str, str] | None = None) -> Result:
    result = CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)
    # never a traceback, whatever the input
    assert "Traceback" not in result.output
    return result


def clean_form() -> dict[str, Any]:
    """A form whose every claimed score is right: no error finding."""
    return {
        "project": "测试项目",
        "year": 2023,
        "department": "测试局",
        "budget": {"annual": "100", "executed": "100", "weight": 10, "score": 10},
        "indicators": [
            {
                "level1": "产出指标",
                "level2": "数量指标",
                "name": "培训人数",
                "target": "≥45人",
                "actual": "45人",
                "weight": 40,
                "score": 40,
            },
            {
                "level1": "产出指标",
                "level2": "成本指标",
                "name": "户均成本",
                "target": "<=5300元/户",
                "actual": "5200元/户",
                "weight": 10,
                "score": 10,
            },
            {
                "level1": "效益指标",
                "level2": "社会效益指标",
                "name": "覆盖率",
                "target": "≥90%",
                "actual": "95%",
                "weight": 30,
                "score": 30,
            },
            {
                "level1": "满意度指标",
                "level2": "服务对象满意度指标",
                "name": "满意度",
                "target": "≥90%",
                "actual": "92%",
                "weight": 10,
                "score": 10,
            },
        ],
        "total": 100,
    }


def wrong_form() -> dict[str, Any]:
    """The cost row overshoots its cap (5830 > 5300元/户) yet claims full marks."""
    form = clean_form()
    form["indicators"][1]["actual"] = "5830元/户"
    return form


def write_json(path: Path, data: Any) -> Path:
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


# ----------------------------------------------------------------------------- score


@needs_seed
def test_score_seed_prints_total_and_grade() -> None:
    result = run("score", str(SEED_JSON))
    assert result.exit_code == 0, result.output
    assert "95.71" in result.stdout
    assert "优" in result.stdout
    assert "复核总分 95.71" in result.stdout
    # the table: headings, the budget row, an indicator row and the claimed scores beside
    for text in ("三级指标", "年度指标值", "实际完成值", "自评得分", "复核得分", "预算执行率"):
        assert text in result.stdout
    assert "执法资格培训参训人数" in result.stdout
    assert "97.06%" in result.stdout


@needs_seed
def test_score_json_has_documented_keys() -> None:
    result = run("score", str(SEED_JSON), "--json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["policy"]["name"] == "central"
    assert data["total"] == "95.71"
    assert data["claimed_total"] == "95.71"
    assert data["grade"] == "优"
    assert {"rate", "score", "claimed", "weight"} <= set(data["budget"])
    assert data["budget"]["rate"] == "97.06"
    assert data["budget"]["score"] == "9.71"
    for section in data["sections"]:
        assert {"name", "weight", "score"} <= set(section)
    assert data["indicators"]
    for ind in data["indicators"]:
        keys = {"name", "weight", "score", "claimed", "met", "rule", "explanation", "findings"}
        assert keys <= set(ind)
    assert data["findings"]
    for finding in data["findings"]:
        assert {"code", "severity", "message", "where"} <= set(finding)


@needs_seed
def test_score_json_several_forms_is_a_list(tmp_path: Path) -> None:
    other = write_json(tmp_path / "clean.json", clean_form())
    result = run("score", str(SEED_JSON), str(other), "--json")
    data = json.loads(result.stdout)
    assert isinstance(data, list)
    assert [d["total"] for d in data] == ["95.71", "100.00"]


def test_score_jsonl_to_stdout_and_file(tmp_path: Path) -> None:
    a = write_json(tmp_path / "a.json", clean_form())
    b = write_json(tmp_path / "b.json", wrong_form())
    result = run("score", str(a), str(b), "--jsonl", "-")
    lines = result.stdout.strip().splitlines()
    assert [json.loads(line)["total"] for line in lines] == ["100.00", "99.09"]
    out = tmp_path / "out.jsonl"
    result = run("score", str(a), str(b), "--jsonl", str(out))
    assert result.exit_code == 0
    assert len(out.read_text(encoding="utf-8").splitlines()) == 2
    assert "汇总" in result.stdout  # the tables still go to stdout


def test_two_stdout_sinks_are_refused(tmp_path: Path) -> None:
    a = write_json(tmp_path / "a.json", clean_form())
    result = run("score", str(a), "--json", "--jsonl", "-")
    assert result.exit_code == 2


def test_score_english(tmp_path: Path) -> None:
    path = write_json(tmp_path / "wrong.json", wrong_form())
    result = run("score", str(path), "--lang", "en")
    assert result.exit_code == 0
    assert "Computed total 99.09" in result.stdout
    assert "Claimed" in result.stdout and "Computed" in result.stdout
    assert "claimed 10, computed 9.09" in result.stdout
    assert "自评" not in result.stdout


def test_group_lang_and_env(tmp_path: Path) -> None:
    path = write_json(tmp_path / "wrong.json", wrong_form())
    assert "Computed total" in run("--lang", "en", "score", str(path)).stdout
    assert "Computed total" in run("score", str(path), env={"JIXIAO_LANG": "en"}).stdout


# ----------------------------------------------------------------------------- check


def test_check_wrong_claim_exits_1(tmp_path: Path) -> None:
    path = write_json(tmp_path / "wrong.json", wrong_form())
    result = run("check", str(path))
    assert result.exit_code == 1
    out = result.stdout
    assert "SCORE_MISMATCH" in out
    assert "indicators[1].score" in out  # the location, as a JSON path
    assert "户均成本" in out
    assert "9.09" in out
    assert "错误" in out


def test_check_clean_form_exits_0(tmp_path: Path) -> None:
    path = write_json(tmp_path / "clean.json", clean_form())
    result = run("check", str(path))
    assert result.exit_code == 0, result.output
    assert "未发现问题" in result.stdout


def test_check_english_messages(tmp_path: Path) -> None:
    path = write_json(tmp_path / "wrong.json", wrong_form())
    result = run("check", str(path), "--lang", "en")
    assert result.exit_code == 1
    assert "claimed 10, computed 9.09" in result.stdout
    assert "Severity" in result.stdout
    assert "复核应得" not in result.stdout


def test_check_json_exit_status(tmp_path: Path) -> None:
    path = write_json(tmp_path / "wrong.json", wrong_form())
    result = run("check", str(path), "--json")
    assert result.exit_code == 1
    codes = {f["code"] for f in json.loads(result.stdout)["findings"]}
    assert {"SCORE_MISMATCH", "TOTAL_MISMATCH"} <= codes


@needs_seed_xlsx
def test_check_xlsx_locations_are_cells() -> None:
    result = run("check", str(SEED_XLSX))
    assert "绩效自评表!" in result.stdout


# ----------------------------------------------------------------------------- batches


def test_folder_with_a_broken_file(tmp_path: Path) -> None:
    folder = tmp_path / "forms"
    (folder / "sub").mkdir(parents=True)
    write_json(folder / "a.json", clean_form())
    write_json(folder / "sub" / "b.json", wrong_form())
    (folder / "broken.json").write_text('{"indicators": [', encoding="utf-8")
    (folder / "notes.txt").write_text("not a form", encoding="utf-8")
    result = run("score", str(folder))
    assert result.exit_code == 1
    out = result.stdout
    assert "汇总" in out
    assert "100.00" in out and "99.09" in out
    assert "读取失败" in out
    assert "broken.json" in result.stderr
    assert "JSON" in result.stderr
    assert "2 张表已评分，1 个文件读取失败" in out
    # no per-form tables in a batch unless asked
    assert "三级指标" not in out
    detailed = run("score", str(folder), "--details")
    assert "三级指标" in detailed.stdout and "汇总" in detailed.stdout


def test_check_folder_groups_findings_by_form(tmp_path: Path) -> None:
    folder = tmp_path / "forms"
    folder.mkdir()
    write_json(folder / "a.json", clean_form())
    write_json(folder / "b.json", wrong_form())
    result = run("check", str(folder))
    assert result.exit_code == 1
    assert result.stdout.index("a.json") < result.stdout.index("SCORE_MISMATCH")
    assert "汇总" in result.stdout


def test_clean_folder_exits_0(tmp_path: Path) -> None:
    folder = tmp_path / "forms"
    folder.mkdir()
    write_json(folder / "a.json", clean_form())
    write_json(folder / "b.json", clean_form())
    assert run("check", str(folder)).exit_code == 0


def test_single_broken_file_is_an_error_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{"indicators": [{"target": "≥45人"}]}', encoding="utf-8")
    result = run("score", str(path))
    assert result.exit_code == 1
    assert "broken.json" in result.stderr
    assert "weight" in result.stderr


def test_missing_file_exits_2(tmp_path: Path) -> None:
    result = run("score", str(tmp_path / "nope.json"))
    assert result.exit_code == 2
    assert "nope.json" in result.stderr


def test_unknown_policy_exits_2(tmp_path: Path) -> None:
    path = write_json(tmp_path / "a.json", clean_form())
    result = run("score", str(path), "--policy", "centrl")
    assert result.exit_code == 2
    assert "centrl" in result.stderr
    assert "central" in result.stderr  # did-you-mean


def test_other_policy_by_name_and_path(tmp_path: Path) -> None:
    path = write_json(tmp_path / "a.json", clean_form())
    by_name = run("score", str(path), "--policy", "hubei", "--json")
    assert json.loads(by_name.stdout)["policy"]["name"] == "hubei"
    by_path = run("score", str(path), "--policy", str(ROOT / "rules" / "sichuan.policy"), "--json")
    assert json.loads(by_path.stdout)["policy"]["name"] == "sichuan"


# ----------------------------------------------------------------------------- explain


@needs_seed
def test_explain_seed() -> None:
    result = run("explain", str(SEED_JSON))
    assert result.exit_code == 0
    out = result.stdout
    assert "实际完成45人，目标≥45人（含本数），已达到目标，得满分5分" in out
    assert "weight * min(rate, 1)" in out  # the budget's arithmetic
    assert "rules/central.policy:" in out
    assert "复核总分 95.71" in out


def test_explain_english(tmp_path: Path) -> None:
    path = write_json(tmp_path / "wrong.json", wrong_form())
    result = run("explain", str(path), "--lang", "en")
    assert "exceeds the cap" in result.stdout
    assert "Computed total 99.09" in result.stdout


# ----------------------------------------------------------------------------- reports


@needs_seed
def test_markdown_report(tmp_path: Path) -> None:
    out = tmp_path / "report.md"
    result = run("score", str(SEED_JSON), "--markdown", str(out))
    assert result.exit_code == 0
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# 项目支出绩效自评复核报告")
    assert "| 一级指标 | 二级指标 | 三级指标 | 年度指标值 | 实际完成值 |" in text
    assert "| 产出指标 | 数量指标 | 执法资格培训参训人数 | ≥45人 | 45人 | 5 | 5.00 |" in text
    assert "北京市应急管理局" in text
    assert "central 2020.1" in text
    assert "复核总分 **95.71**" in text
    assert "等级 **优**" in text
    assert "`REASON_MISSING`" in text


def test_markdown_to_stdout_english(tmp_path: Path) -> None:
    path = write_json(tmp_path / "wrong.json", wrong_form())
    result = run("check", str(path), "--markdown", "-", "--lang", "en")
    assert result.exit_code == 1
    assert result.stdout.startswith("# Performance self-evaluation review")
    assert "| Level 1 | Level 2 | Indicator | Target | Actual |" in result.stdout
    assert "`SCORE_MISMATCH`" in result.stdout


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@needs_seed_xlsx
def test_annotated_workbook(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    src = tmp_path / "seed.xlsx"
    src.write_bytes(SEED_XLSX.read_bytes())
    before = sha256(src)
    out = tmp_path / "seed-复核.xlsx"
    result = run("check", str(src), "--xlsx-out", str(out))
    assert result.exit_code in (0, 1)
    assert sha256(src) == before
    assert out.exists()
    wb = openpyxl.load_workbook(out)
    assert "复核结果" in wb.sheetnames
    original = openpyxl.load_workbook(src)
    assert set(original.sheetnames) < set(wb.sheetnames)
    ws = wb[original.sheetnames[0]]
    heads = [c for row in ws.iter_rows() for c in row if c.value == "复核得分"]
    assert heads, "no 复核得分 column"
    col = heads[-1].column
    # every original cell is still there, unchanged
    src_ws = original[original.sheetnames[0]]
    for row in src_ws.iter_rows():
        for cell in row:
            if cell.value is not None:
                assert ws[cell.coordinate].value == cell.value
    # the computed total sits beside the claimed one
    values = [ws.cell(row=r, column=col).value for r in range(1, ws.max_row + 1)]
    assert 95.71 in values
    findings = list(wb["复核结果"].iter_rows(values_only=True))
    assert findings[0][:4] == ("来源文件", "项目名称", "级别", "代码")
    assert any(row[3] == "REASON_MISSING" for row in findings[1:])


@needs_seed_xlsx
def test_annotated_workbook_refuses_to_overwrite_input(tmp_path: Path) -> None:
    src = tmp_path / "seed.xlsx"
    src.write_bytes(SEED_XLSX.read_bytes())
    before = sha256(src)
    result = run("score", str(src), "--xlsx-out", str(src))
    assert result.exit_code == 2
    assert "输入" in result.stderr
    assert sha256(src) == before
    alias = tmp_path / "." / "seed.xlsx"
    assert run("score", str(src), "--xlsx-out", str(alias)).exit_code == 2
    assert sha256(src) == before


def test_xlsx_out_for_json_input_is_a_fresh_workbook(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    path = write_json(tmp_path / "wrong.json", wrong_form())
    out = tmp_path / "results.xlsx"
    result = run("check", str(path), "--xlsx-out", str(out))
    assert result.exit_code == 1
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames[0] == "汇总"
    assert "复核结果" in wb.sheetnames
    sheet = wb["测试项目"]
    heads = [c.value for c in sheet[1]]
    assert "复核得分" in heads and "自评得分" in heads
    codes = [row[3] for row in wb["复核结果"].iter_rows(min_row=2, values_only=True)]
    assert "SCORE_MISMATCH" in codes


# ----------------------------------------------------------------------------- parse


def test_parse_table() -> None:
    result = run("parse", "≥45人", "≤64.253万元")
    assert result.exit_code == 0
    out = result.stdout
    assert "比较" in out and ">=" in out and "45" in out and "人" in out
    assert "comparison" not in out
    assert "comparison" in run("parse", "≥45人", "--lang", "en").stdout
    assert "64.253" in out and "万元" in out
    assert "规范写法" in out


def test_parse_json_and_jsonl() -> None:
    data = json.loads(run("parse", "--json", "≥45人").stdout)
    assert data[0]["kind"] == "comparison"
    assert data[0]["op"] == ">="
    assert data[0]["value"] == "45"
    assert data[0]["unit"] == "人"
    lines = run("parse", "--jsonl", "-", "≥45人", "90%-100%").stdout.splitlines()
    assert [json.loads(line)["kind"] for line in lines] == ["comparison", "range"]


def test_parse_bad_cell_shows_a_caret() -> None:
    result = run("parse", "工5%")
    assert result.exit_code == 1
    assert "^" in result.stderr
    assert "工5%" in result.stderr
    assert result.stdout == ""


def test_parse_keeps_going_after_a_bad_cell() -> None:
    result = run("parse", "工5%", "≥45人")
    assert result.exit_code == 1
    assert "比较" in result.stdout
    assert "^" in result.stderr


def test_parse_actual_with_target() -> None:
    result = run("parse", "--actual", "--target", "≥50个", "--json", "48")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data[0]["value"] == "48"
    assert data[0]["unit"] == "个"


def test_parse_target_needs_actual() -> None:
    assert run("parse", "--target", "≥50个", "48").exit_code == 2


# ----------------------------------------------------------------------------- policy


BROKEN_POLICY = """policy "broken" version "1"
weights { 预算执行率 10  产出指标 50  效益指标 30  满意度指标 10 }
budget { rule "线性" { score = weight * min(rate, 1) } }
rule "正向" when target.opp == ">=" { score = weight }
grades { 优 [90, 100]  良 [80, 90)  中 [60, 80)  差 [0, 60) }
"""


def test_policy_lint_broken_file(tmp_path: Path) -> None:
    path = tmp_path / "broken.policy"
    path.write_text(BROKEN_POLICY, encoding="utf-8")
    result = run("policy", "lint", str(path))
    assert result.exit_code == 1
    out = result.stdout
    assert f"{path}:4:" in out  # file:line:col
    assert "target.opp" in out
    caret_lines = [line for line in out.splitlines() if line.strip() and set(line.strip()) == {"^"}]
    assert caret_lines
    assert "target.op" in out  # the did-you-mean hint


def test_policy_lint_json(tmp_path: Path) -> None:
    path = tmp_path / "broken.policy"
    path.write_text(BROKEN_POLICY, encoding="utf-8")
    data = json.loads(run("policy", "lint", str(path), "--json").stdout)
    assert data["ok"] is False
    assert data["problems"][0]["line"] == 4


def test_policy_lint_good_file_prints_summary() -> None:
    result = run("policy", "lint", str(ROOT / "rules" / "central.policy"))
    assert result.exit_code == 0
    out = result.stdout
    assert "central 2020.1" in out
    assert "产出指标 50" in out
    assert "rules/central.policy:" in out
    assert "正向指标" in out


def test_policy_lint_missing_file(tmp_path: Path) -> None:
    result = run("policy", "lint", str(tmp_path / "none.policy"))
    assert result.exit_code == 2


def test_policy_test_central() -> None:
    result = run("policy", "test", str(ROOT / "rules" / "central.policy"))
    assert result.exit_code == 0, result.output
    assert "向量8 正向未达" in result.stdout
    assert "rules/central.policy:" in result.stdout
    assert "0 个失败" in result.stdout


def test_policy_test_reports_a_failing_example(tmp_path: Path) -> None:
    text = (ROOT / "rules" / "central.policy").read_text(encoding="utf-8")
    text = text.replace('policy "central"', 'policy "mine"')
    text += '\nexample "故意写错" { target "≥45人" actual "40人" weight 10 expect score 9.99 }\n'
    path = tmp_path / "mine.policy"
    path.write_text(text, encoding="utf-8")
    result = run("policy", "test", str(path))
    assert result.exit_code == 1
    assert "故意写错" in result.stdout
    assert "8.89" in result.stdout
    assert "1 个失败" in result.stdout


def test_policy_test_json() -> None:
    result = run("policy", "test", "central", "--json")
    data = json.loads(result.stdout)
    assert all(item["passed"] for item in data)
    assert all(item["where"].startswith("rules/central.policy:") for item in data)


def test_policy_test_runs_the_inherited_examples_that_still_apply() -> None:
    # guangxi extends central and rewrites over_ratio: central's examples that use it no longer
    # apply, the others run and count
    result = run("policy", "test", "guangxi")
    assert result.exit_code == 0, result.output
    assert "继承自 rules/central.policy" in result.stdout
    assert "向量1 执行率97.06%" in result.stdout  # inherited, still applies
    assert "不适用 向量7 正向超额" in result.stdout and "over_ratio" in result.stdout
    data = json.loads(run("policy", "test", "guangxi", "--json").stdout)
    inherited = [d for d in data if d.get("inherited_from") == "rules/central.policy"]
    assert any(d["passed"] is True for d in inherited)
    assert any(d["passed"] is None and "over_ratio" in d["skipped"] for d in inherited)


def test_policy_test_says_when_a_file_has_no_examples(tmp_path: Path) -> None:
    path = tmp_path / "bare.policy"
    path.write_text('policy "bare" version "1"\nextends "central"\n', encoding="utf-8")
    result = run("policy", "test", str(path))
    assert result.exit_code == 0, result.output
    assert "本文件没有自己的 example 示例" in result.stdout
    assert re.search(r"[1-9]\d* 个仍然适用，0 个不再适用", result.stdout), result.stdout
    en = run("policy", "test", str(path), "--lang", "en")
    assert "no examples of its own" in en.stdout and "still apply" in en.stdout


def test_policy_test_fails_on_an_inherited_example_a_file_breaks(tmp_path: Path) -> None:
    # a file that adds a rule before an inherited one changes which rule scores central's
    # examples: those are listed as no longer applying, with the rule that now scores them
    path = tmp_path / "child.policy"
    path.write_text(
        'policy "child" version "1"\nextends "central"\n'
        'rule "全有或全无" before "正向指标" when target.op == ">=" {\n'
        "  met when actual >= target\n  score = if met then weight else 0\n}\n",
        encoding="utf-8",
    )
    result = run("policy", "test", str(path))
    assert "不适用 向量8 正向未达" in result.stdout
    assert "全有或全无" in result.stdout


def test_policy_list() -> None:
    result = run("policy", "list")
    assert result.exit_code == 0
    for name in ("central", "hubei", "jiangxi", "sichuan", "guangxi"):
        assert name in result.stdout
    assert "财预〔2020〕10号" in result.stdout
    names = [p["name"] for p in json.loads(run("policy", "list", "--json").stdout)]
    assert "central" in names


def _testing_has(name: str) -> bool:
    try:
        import jixiao.testing as testing
    except ImportError:
        return False
    return callable(getattr(testing, name, None))


@pytest.mark.skipif(
    not _testing_has("check_policy"), reason="jixiao.testing.check_policy not available yet"
)
def test_policy_verify_wiring() -> None:
    args = ("policy", "verify", "central", "--max-examples", "10", "--seed", "1")
    result = run(*args, "--skip", "monotone", "--json")
    data = json.loads(result.stdout)
    assert "monotone" not in data["checked"]
    assert result.exit_code == (0 if data["ok"] else 1)
    text = run(*args)
    assert text.exit_code == result.exit_code
    assert "central" in text.stdout
    english = run(*args, "--lang", "en")
    assert english.exit_code == result.exit_code


def test_policy_verify_missing_file(tmp_path: Path) -> None:
    assert run("policy", "verify", str(tmp_path / "none.policy")).exit_code == 2


@pytest.mark.skipif(
    not _testing_has("diff_policies"), reason="jixiao.testing.diff_policies not available yet"
)
def test_policy_diff_central_linear() -> None:
    args = ("policy", "diff", "central", "central-linear", "--max-examples", "30", "--seed", "1")
    result = run(*args)
    assert result.exit_code == 0, result.output
    assert result.stdout.strip()
    data = json.loads(run(*args, "--json").stdout)
    assert isinstance(data, dict)
    # the two policies differ on reverse indicators above their cap
    assert run(*args, "--exit-code").exit_code == 1


# ----------------------------------------------------------------------------- plumbing


@pytest.mark.parametrize(
    "command",
    [
        [],
        ["parse"],
        ["score"],
        ["check"],
        ["explain"],
        ["policy"],
        ["policy", "lint"],
        ["policy", "test"],
        ["policy", "list"],
        ["policy", "verify"],
        ["policy", "diff"],
        ["serve"],
        ["db"],
    ],
)
def test_help_has_examples(command: list[str]) -> None:
    result = run(*command, "--help")
    assert result.exit_code == 0
    assert "示例\n" in result.stdout and "Examples" not in result.stdout
    assert "jixiao " in result.stdout
    result = run("--lang", "en", *command, "--help")
    assert result.exit_code == 0
    assert "Examples\n" in result.stdout and "示例" not in result.stdout
    cli_lang.use("zh")  # the language is the process's: back to Chinese


def test_python_dash_m() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "jixiao", "--help"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
    )
    assert done.returncode == 0
    assert "score" in done.stdout


@needs_seed
def test_console_script_like_the_readme() -> None:
    done = subprocess.run(
        [sys.executable, "-c", "from jixiao.cli import main; main()", "score", str(SEED_JSON)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    assert "95.71" in done.stdout and "优" in done.stdout
    assert "\x1b[" not in done.stdout  # no colour codes when stdout is not a terminal


def test_main_without_click_says_how_to_repair(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from jixiao import cli as cli_module

    monkeypatch.setitem(sys.modules, "click", None)
    with pytest.raises(SystemExit) as exc:
        cli_module.main(["score", "x.json"])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "pip install --force-reinstall jixiao" in err
    assert len(err.strip().splitlines()) == 1


def test_json_batch_is_always_a_list(tmp_path: Path) -> None:
    folder = tmp_path / "forms"
    folder.mkdir()
    write_json(folder / "a.json", clean_form())
    (folder / "b.json").write_text("{", encoding="utf-8")
    result = run("score", str(folder), "--json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert isinstance(data, list) and len(data) == 1
    assert "b.json" in result.stderr


def test_main_turns_a_bug_into_one_message(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    import jixiao.cli.inputs as inputs
    from jixiao import cli as cli_module

    def broken(*_args: Any, **_kwargs: Any) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(inputs, "collect_inputs", broken)
    monkeypatch.delenv("JIXIAO_DEBUG", raising=False)
    path = write_json(tmp_path / "a.json", clean_form())
    with pytest.raises(SystemExit) as exc:
        cli_module.main(["score", str(path)])
    assert exc.value.code == 3
    err = capsys.readouterr().err
    assert "内部错误" in err and "RuntimeError: boom" in err
    assert "Traceback" not in err
    with pytest.raises(SystemExit) as exc:
        cli_module.main(["score", str(path), "--lang", "en"])
    err = capsys.readouterr().err
    assert "internal error, please report it: RuntimeError: boom" in err and "内部错误" not in err
    from jixiao.cli import lang

    lang.use("zh")
