"""The scores, explanations (zh, en) and findings of every corpus form, and the reports of every
broken policy, equal their reviewed golden files (regenerate with tests/golden/regen_results.py)."""

from __future__ import annotations

import difflib

import pytest

from corpus_forms import require_corpus
from results_golden import BROKEN_GOLDEN, CORPUS_GOLDEN, broken_text, corpus_text


def _same(path_text: str, now: str, name: str) -> None:
    if path_text != now:
        diff = "".join(
            list(difflib.unified_diff(path_text.splitlines(True), now.splitlines(True), n=0))[:60]
        )
        pytest.fail(f"{name} differs (python tests/golden/regen_results.py, then review):\n{diff}")


def test_corpus_results_match_the_golden_file() -> None:
    require_corpus()
    _same(CORPUS_GOLDEN.read_text(encoding="utf-8"), corpus_text(), CORPUS_GOLDEN.name)


def test_broken_policy_reports_match_the_golden_file() -> None:
    _same(BROKEN_GOLDEN.read_text(encoding="utf-8"), broken_text(), BROKEN_GOLDEN.name)


def test_the_golden_files_cover_both_languages() -> None:
    text = CORPUS_GOLDEN.read_text(encoding="utf-8")
    assert text.count("\n  zh\t") == text.count("\n  en\t") > 100
    assert "== form " in text and "finding\t" in text
    broken = BROKEN_GOLDEN.read_text(encoding="utf-8")
    assert broken.count("\n  zh\t") == broken.count("\n  en\t") > 5
