"""The broken-policy suite: every hostile or mistaken rule file is refused (or warned about) with
the exact problem, line and column — never a traceback, never a hang, never silently wrong."""

from __future__ import annotations

from pathlib import Path

import pytest

from jixiao.errors import PolicyError
from jixiao.policy import load_policy

BROKEN = Path(__file__).parent / "fixtures" / "broken_policies"

# file, (line, column) of the first problem, words its message must contain, words of the hint
CASES = [
    ("misspelt_keyword", (4, 3), "「socre」", "是不是「score」"),
    ("misspelt_toplevel", (3, 1), "「rlue」", "是不是「rule」"),
]


@pytest.mark.parametrize(("name", "position", "message", "hint"), CASES, ids=[c[0] for c in CASES])
def test_broken_policy(
    name: str, position: tuple[int, int], message: str, hint: str | None
) -> None:
    with pytest.raises(PolicyError) as info:
        load_policy(str(BROKEN / f"{name}.policy"))
    problem = info.value.problems[0]
    assert (problem.location.line, problem.location.column) == position, problem.render()
    assert message in problem.message, problem.render()
    if hint is not None:
        assert problem.hint is not None and hint in problem.hint, problem.render()
    assert f":{position[0]}:{position[1]}:" in str(info.value)


def test_second_syntax_error_names_its_own_character() -> None:
    with pytest.raises(PolicyError) as info:
        load_policy(str(BROKEN / "second_error_character.policy"))
    found = [(p.location.line, p.location.column, p.message) for p in info.value.problems]
    assert [(line, col) for line, col, _ in found] == [(3, 41), (4, 41)]
    assert "「@」" in found[0][2]
    assert "「$」" in found[1][2]


def test_band_opening_with_paren_after_a_name_is_a_band() -> None:
    policy = load_policy(str(BROKEN.parent / "policies" / "band_then_paren.policy"))
    result = policy.score({"target": "≥100人", "actual": "5人", "weight": 10})
    assert result.score == 0.5
    result = policy.score({"target": "≥100人", "actual": "50人", "weight": 10})
    assert result.score == 10
