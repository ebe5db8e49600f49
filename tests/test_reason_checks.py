"""The reason check and word normalisation, against their plain definitions: one scan a cue list
(and one for whitespace and punctuation) finds exactly what testing each word does."""

from __future__ import annotations

import attrs
from hypothesis import given, settings
from hypothesis import strategies as st

import jixiao
from jixiao.evaluate.checks import reason_problems
from jixiao.policy.model import Policy
from jixiao.policy.names import IGNORED_PUNCTUATION, norm_word


def plain_norm(text: str) -> str:
    return "".join(text.split()).translate(str.maketrans("", "", IGNORED_PUNCTUATION))


def plain_problems(policy: Policy, text: str) -> list[tuple[str, str]]:
    if not text:
        return [("REASON_MISSING", "")]
    if plain_norm(text) in policy.placeholders:
        return [("REASON_PLACEHOLDER", "")]
    found = []
    cues = policy.reason_cues
    contradicting = [w for w in cues.get("contradicts", ()) if w in text]
    if contradicting:
        found.append(("REASON_CONTRADICTS", contradicting[0]))
    required = {k: v for k, v in cues.items() if k in ("cause", "measure")}
    if required:
        missing = [k for k, words in required.items() if not any(w in text for w in words)]
        if missing:
            found.append(("REASON_INCOMPLETE", missing[0] if len(missing) == 1 else "both"))
    return found


SPACES = "".join(chr(c) for c in range(0x3001) if chr(c).isspace())
CENTRAL = jixiao.load_policy("central")
# cue words with regular-expression characters, overlapping words, and an empty list
ODD = attrs.evolve(
    CENTRAL,
    reason_cues={
        "contradicts": ("全部完成", "已全部完成", "(完成)", "a.b"),
        "cause": ("因", "因[为]", "*"),
        "measure": (),
    },
)
WORDS = [
    "因",
    "由于",
    "将",
    "加强",
    "全部完成",
    "已全部完成",
    "(完成)",
    "a.b",
    "axb",
    "*",
    "无",
    "略",
]
texts = st.lists(
    st.sampled_from(WORDS)
    | st.text(alphabet=SPACES + IGNORED_PUNCTUATION + "完成因[为]", max_size=3),
    max_size=6,
).map("".join)


@settings(max_examples=400, deadline=None)
@given(texts, st.sampled_from([CENTRAL, ODD]))
def test_reason_problems_are_those_of_each_word(text: str, policy: Policy) -> None:
    text = text.strip()
    assert reason_problems(policy, text) == plain_problems(policy, text)


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=SPACES + IGNORED_PUNCTUATION + "达成a.\\", max_size=12))
def test_norm_word_drops_whitespace_and_ignored_punctuation(text: str) -> None:
    assert norm_word(text) == plain_norm(text)


def test_a_cue_word_is_found_as_written_not_as_a_pattern() -> None:
    assert ("REASON_CONTRADICTS", "a.b") not in reason_problems(ODD, "axb")
    # an empty cue list is never found: its part is always missing
    measure = ("REASON_INCOMPLETE", "measure")
    assert reason_problems(ODD, "因为(完成)") == [("REASON_CONTRADICTS", "(完成)"), measure]
    # the first contradicting word in the policy's order, not in the text's
    assert reason_problems(ODD, "因已全部完成") == [("REASON_CONTRADICTS", "全部完成"), measure]
    assert reason_problems(ODD, "好*") == [measure]
    assert reason_problems(ODD, "好") == [("REASON_INCOMPLETE", "both")]
