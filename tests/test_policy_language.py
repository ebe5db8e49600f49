"""The policy language: broken rule files are refused with the exact problem, line and column."""

from __future__ import annotations

import pickle
import re
from decimal import Decimal
from pathlib import Path

import pytest

import jixiao
from jixiao.errors import PolicyError
from jixiao.evaluate.examples import run_examples
from jixiao.policy import load_policy, shipped_policies
from jixiao.policy.syntax import parse_policy_text

BROKEN = Path(__file__).parent / "fixtures" / "broken_policies"

# file, (line, column) of the first problem, words its message must contain, words of the hint
CASES = [
    ("syntax_missing_brace", (4, 1), "文件意外结束", "「}」"),
    ("unknown_name", (5, 23), "未知名称「wieght」", "weight"),
    ("type_money_plus_percent", (3, 11), "不能把 万元 与 % 相加减", None),
    ("score_not_points", (5, 11), "应为分值，这里是数", None),
    ("unreachable_rule", (3, 1), "永远不会被使用", "移到前面"),
    ("contradiction", (3, 30), "自相矛盾", None),
    ("tier_gap", (4, 8), "之间有空档", "75% 不属于任何一档"),
    ("tier_overlap", (4, 8), "重叠", "一含一不含"),
    ("weights_sum", (4, 3), "合计 110，应为 100", "产出指标 60"),
    ("grades_gap", (4, 5), "之间有空档", "89 不属于任何一档"),
    ("unknown_base", (2, 9), "没有名为「centrl」的内置策略", "central"),
    ("bad_kind_constant", (3, 33), "不会等于「qualitive」", "qualitative"),
    ("unknown_tiers", (4, 3), "没有名为「定性3档」的档次表", "定性三档"),
    ("jiangxi_gap_bands", (7, 7), "之间有空档", "0.6 不属于任何一档"),
    ("deep_nesting", (3, 74), "嵌套超过 64 层", None),
    ("extends_cycle_a", (2, 9), "extends 形成循环", None),
]


@pytest.mark.parametrize(("name", "position", "message", "hint"), CASES, ids=[c[0] for c in CASES])
def test_broken_policy_is_refused_with_position(
    name: str, position: tuple[int, int], message: str, hint: str | None
) -> None:
    with pytest.raises(PolicyError) as info:
        load_policy(str(BROKEN / f"{name}.policy"))
    problem = info.value.problems[0]
    assert (problem.location.line, problem.location.column) == position, problem.render()
    assert message in problem.message
    if hint is not None:
        assert problem.hint is not None and hint in problem.hint
    rendered = str(info.value)
    assert "^" in rendered  # a caret under the offending text
    assert f":{position[0]}:{position[1]}:" in rendered


@pytest.mark.parametrize("name", [p.stem for p in sorted(BROKEN.glob("*.policy"))])
def test_every_problem_is_given_in_each_language(name: str) -> None:
    """A problem's message and hint are one text per language, never "中文 (English)"."""
    with pytest.raises(PolicyError) as info:
        load_policy(str(BROKEN / f"{name}.policy"))
    for p in info.value.problems:
        assert p.message_en and p.message_en != p.message, p
        assert (p.hint is None) == (p.hint_en is None), p
        for zh, en in [(p.message, p.message_en), (p.hint, p.hint_en)]:
            if zh is None or en is None:
                continue
            assert zh != en or not re.search(r"[\u4e00-\u9fff]", zh + en), p
            # no English sentence in parentheses after the Chinese one
            assert not re.search(r"\((?:[a-z']+ ){2,}[a-z']+", zh), zh
        en_text = info.value.render("en")
        zh_text = info.value.render("zh")
        assert "提示" not in en_text and "hint:" not in zh_text


def test_policy_problems_are_made_in_both_languages() -> None:
    """jixiao makes every policy problem with ``PolicyProblem.of(Msg(...))`` (the helpers that
    wrap it take a ``Msg``, which mypy checks): never from one plain string."""
    src = Path(jixiao.__file__).parent
    direct = [
        f"{path.relative_to(src)}:{n}"
        for path in sorted(src.rglob("*.py"))
        if path.name != "errors.py"
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if re.search(r"\bPolicyProblem\(", line)
    ]
    assert not direct, direct


def test_every_problem_is_reported_at_once() -> None:
    with pytest.raises(PolicyError) as info:
        load_policy(str(BROKEN / "multiple_problems.policy"))
    found = [(p.location.line, p.location.column, p.message) for p in info.value.problems]
    assert [(line, col) for line, col, _ in found] == [(3, 18), (6, 53), (7, 3)]
    assert "未知名称「targte」" in found[1][2]
    assert "{ratio}" in found[2][2]


def test_caret_lines_up_under_cjk() -> None:
    with pytest.raises(PolicyError) as info:
        load_policy(str(BROKEN / "tier_gap.policy"))
    lines = info.value.problems[0].render().splitlines()
    source, caret = lines[1], lines[2]
    # "  部分达成 " takes 11 terminal columns: the caret starts under "["
    assert source.startswith("  部分达成 [60%")
    assert caret.index("^") == 11


def test_syntax_error_names_expected_tokens_in_words() -> None:
    with pytest.raises(PolicyError) as info:
        parse_policy_text('policy "x"\nrule "a" when target.op == {\n', "inline.policy")
    problem = info.value.problems[0]
    assert (problem.location.line, problem.location.column) == (2, 28)
    assert problem.hint is not None and "带引号的文字" in problem.hint and "数字" in problem.hint


def test_unknown_shipped_name_suggests() -> None:
    with pytest.raises(PolicyError, match="hubei"):
        load_policy("hubie")


def test_missing_policy_file() -> None:
    with pytest.raises(PolicyError, match="找不到策略文件"):
        load_policy("no/such/file.policy")


def test_huge_file_is_refused() -> None:
    text = 'policy "big" version "1"\n' + "# padding\n" * 60000
    with pytest.raises(PolicyError, match="策略文件过大"):
        parse_policy_text(text, "big.policy")


def test_policy_cannot_call_arbitrary_functions(tmp_path: Path) -> None:
    path = tmp_path / "evil.policy"
    path.write_text(
        'policy "evil" version "1"\nextends "central"\nlet x = open("/etc/passwd")\n',
        encoding="utf-8",
    )
    with pytest.raises(PolicyError) as info:
        load_policy(str(path))
    assert "未知函数「open」" in info.value.problems[0].message


@pytest.mark.parametrize("name", shipped_policies())
def test_shipped_policy_examples_pass(name: str) -> None:
    policy = load_policy(name)
    outcomes = run_examples(policy)
    assert outcomes, f"{name} has no examples"
    failed = [(o.name, o.failures) for o in outcomes if not o.passed]
    assert failed == []


def test_shipped_policies_cover_the_profiles() -> None:
    assert set(shipped_policies()) >= {
        "central",
        "central-linear",
        "hubei",
        "jiangxi",
        "sichuan",
        "guangxi",
    }


def test_extends_overrides_only_what_it_says() -> None:
    central = load_policy("central")
    hubei = load_policy("hubei")
    assert hubei.weights["预算执行率"] == 20 and central.weights["预算执行率"] == 10
    assert [r.name for r in hubei.rules] == [r.name for r in central.rules]
    words = hubei.tiers["定性三档"].words
    assert words["部分达成"] == "部分达成"  # words inherited when only the bands change
    band = hubei.tiers["定性三档"].tier("部分达成").band
    assert (band.low, band.high, band.low_inclusive, band.high_inclusive) == (
        Decimal("0.5"),
        Decimal("0.8"),
        True,
        False,
    )
    linear = load_policy("central-linear")
    assert linear.rules[[r.name for r in linear.rules].index("反向指标")].where.startswith(
        "rules/central-linear.policy:"
    )


def test_user_policy_derived_from_central(tmp_path: Path) -> None:
    path = tmp_path / "myprov.policy"
    path.write_text(
        'policy "myprov" version "2024.1"\nextends "central"\nlet over_ratio = 1.5\n'
        'example "超额150%才提示" { target "≥100人" actual "140人" weight 10 '
        "expect score 10 expect no finding OVERACHIEVED }\n",
        encoding="utf-8",
    )
    policy = load_policy(str(path))
    assert policy.params["over_ratio"] == Decimal("1.5")
    assert all(o.passed for o in run_examples(policy))


def test_policy_pickles_without_its_files(tmp_path: Path) -> None:
    path = tmp_path / "p.policy"
    path.write_text(
        'policy "p" version "1"\nextends "central"\nlet over_ratio = 1.4\n', encoding="utf-8"
    )
    policy = load_policy(str(path))
    data = pickle.dumps(policy)
    path.unlink()
    restored = pickle.loads(data)
    assert restored.name == "p" and restored.params["over_ratio"] == policy.params["over_ratio"]
    result = restored.score({"target": "≥45人", "actual": "40人", "weight": 10})
    assert str(result.score) == "8.89"


def test_load_policy_accepts_a_policy() -> None:
    policy = jixiao.load_policy("central")
    assert jixiao.load_policy(policy) is policy


def test_rounding_can_differ_by_place(tmp_path: Path) -> None:
    path = tmp_path / "r.policy"
    path.write_text(
        'policy "r" version "1"\nextends "central"\nrounding rate 4 half_up\nrounding total 1 half_up\n',
        encoding="utf-8",
    )
    from seed_form import SEED

    result = jixiao.score_form(SEED, load_policy(str(path)))
    assert result.budget.rate == Decimal("97.0589")  # 64.253 / 66.2, in percent to 4 places
    assert result.budget.score == Decimal("9.71")  # lines keep the file's default: 2 places
    assert result.total == Decimal("95.7")


def test_unknown_rounding_place_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "r.policy"
    path.write_text(
        'policy "r" version "1"\nextends "central"\nrounding rates 4 half_up\n', encoding="utf-8"
    )
    with pytest.raises(PolicyError) as info:
        load_policy(str(path))
    problem = info.value.problems[0]
    assert (problem.location.line, problem.location.column) == (3, 10)
    assert problem.hint is not None and "rate" in problem.hint


def test_name_patterns_select_rules(tmp_path: Path) -> None:
    path = tmp_path / "p.policy"
    path.write_text(
        'policy "p" version "1"\nextends "central"\n'
        'rule "满意度从严" before "正向指标" when contains(name, "满意度") and target.op == ">=" {\n'
        "  met when actual >= target\n"
        "  score = if met then weight else 0分\n"
        "  reason required when scored < weight\n"
        "}\n",
        encoding="utf-8",
    )
    policy = load_policy(str(path))
    row = {"target": "≥90%", "actual": "85%", "weight": "10"}
    assert policy.score({**row, "name": "服务对象满意度"}).score == Decimal("0.00")
    assert policy.score({**row, "name": "验收合格率"}).score == Decimal("9.44")
    assert "name" in policy.row_fields


def test_text_functions_check_their_arguments(tmp_path: Path) -> None:
    path = tmp_path / "p.policy"
    path.write_text(
        'policy "p" version "1"\nextends "central"\n'
        'rule "x" before "正向指标" when contains(name, 1) { score = weight }\n',
        encoding="utf-8",
    )
    with pytest.raises(PolicyError) as info:
        load_policy(str(path))
    assert "应为文字" in info.value.problems[0].message


def test_every_broken_item_is_reported_not_only_the_first() -> None:
    with pytest.raises(PolicyError) as info:
        load_policy(str(BROKEN / "several_syntax_errors.policy"))
    positions = [(p.location.line, p.location.column) for p in info.value.problems]
    assert positions == [(3, 42), (4, 43), (7, 1)]
    assert all(p.code == "syntax" for p in info.value.problems)
