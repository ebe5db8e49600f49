"""Choosing a policy for a form by its region and year (``policy="auto"``, ``--policy auto``).

A policy may declare the regions it serves (``regions "四川" "四川省"``) and the years it applies to
(``years 2023..``). For each form, :func:`choose_policy` picks, among the shipped policies and the
``*.policy`` files in the folders of ``JIXIAO_POLICY_PATH``, the one whose region is named in the
form's department (or implementing unit, or project name) and whose years contain the form's year;
the longest region name wins (``湖北省武汉市`` before ``湖北``), then the latest first year, then the
name. When none matches, ``central`` applies. The choice is said, in words, with the reason.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from pathlib import Path

import attrs

from jixiao import catalog
from jixiao.errors import PolicyError
from jixiao.policy.files import search_path, shipped_policies
from jixiao.policy.loader import load_policy
from jixiao.policy.model import Policy

__all__ = ["AUTO", "DEFAULT", "Choice", "candidate_policies", "choose_policy"]

AUTO = "auto"
DEFAULT = "central"


@attrs.frozen
class Choice:
    """The policy chosen for one form, and why (Chinese and English)."""

    policy: Policy
    zh: str
    en: str


@functools.lru_cache(maxsize=8)
def _candidates(folders: tuple[str, ...]) -> tuple[Policy, ...]:
    found: list[Policy] = []
    specs = [*shipped_policies(), *(str(p) for f in folders for p in sorted(_glob(f)))]
    for spec in specs:
        try:
            policy = load_policy(spec)
        except PolicyError:
            continue  # a broken configured policy is never chosen (lint it to see why)
        if policy.regions:
            found.append(policy)
    return tuple(found)


def _glob(folder: str) -> list[Path]:
    path = Path(folder)
    return list(path.glob("*.policy")) if path.is_dir() else []


def candidate_policies() -> tuple[Policy, ...]:
    """The shipped and configured policies that declare regions."""
    return _candidates(tuple(str(p) for p in search_path()))


def _covers(policy: Policy, year: int | None) -> bool:
    if policy.years is None or year is None:
        return True
    low, high = policy.years
    return low <= year and (high is None or year <= high)


def choose_policy(department: str, year: int | None, others: Sequence[str] = ()) -> Choice:
    """The policy for a form of *department* (its 主管部门/实施单位 …) in *year*.

    >>> c = choose_policy("四川省财政厅", 2023)
    >>> c.policy.name, c.en
    ('sichuan', "policy 'sichuan' chosen: region 四川 in '四川省财政厅', year 2023")
    >>> choose_policy("北京市财政局", 2023).policy.name
    'central'
    """
    texts = [t for t in (department, *others) if t]
    best: tuple[tuple[int, int, str], Policy, str, str] | None = None
    for policy in candidate_policies():
        if not _covers(policy, year):
            continue
        for region in policy.regions:
            text = next((t for t in texts if region in t), None)
            if text is None:
                continue
            first_year = policy.years[0] if policy.years else 0
            key = (len(region), first_year, policy.name)
            if best is None or key > best[0]:
                best = (key, policy, region, text)
    when = catalog.part("year", year=year) if year is not None else catalog.PARTS["year_unknown"]
    if best is None:
        named = catalog.joined(texts) if texts else catalog.PARTS["not_filled"]
        why = catalog.message("POLICY_CHOSEN", "default", texts=named, year=when, policy=DEFAULT)
        return Choice(load_policy(DEFAULT), why.zh, why.en)
    _key, policy, region, text = best
    why = catalog.message(
        "POLICY_CHOSEN", "", policy=policy.name, text=text, region=region, year=when
    )
    return Choice(policy, why.zh, why.en)
