"""A compiled policy: plain data plus small functions, safe to share and to pickle.

A :class:`Policy` pickles as the (compressed) text of its files and compiles again when unpickled,
so it can be sent to worker processes or cluster nodes that have no copy of the rule files.

The policy layer knows nothing of evaluation: what a policy derives from its own files (digest,
pickled bytes, rounding quanta, the row fields its rules read) is computed once when it is built,
and the evaluator keeps its own per-policy state (the scoring memo) in :mod:`jixiao.evaluate`.
:meth:`Policy.score` and :meth:`Policy.score_form` are conveniences of the public API: they call
:func:`jixiao.score_indicator` / :func:`jixiao.score_form` through the top-level package, which
loads the evaluator on first use; nothing in :mod:`jixiao.policy` imports it.
"""

from __future__ import annotations

import hashlib
import json
import weakref
import zlib
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

import attrs

import jixiao.policy
from jixiao.errors import Location, PolicyProblem, UnknownNameError
from jixiao.policy import ast as A
from jixiao.policy.files import parse_cached
from jixiao.policy.types import ROUNDING_MODES, Fn

__all__ = ["CompiledFinding", "CompiledRule", "Policy", "TierTableRT"]


@attrs.frozen(slots=True)
class CompiledFinding:
    severity: str
    code: str
    when: Fn | None
    zh: str
    en: str | None
    reason_required: bool
    where: str


@attrs.frozen(slots=True)
class CompiledRule:
    """One rule, ready to run. ``where`` is ``rules/central.policy:12``."""

    name: str
    where: str
    when: Fn | None
    met: Fn | None
    met_text: str
    score: Fn | None
    score_text: str
    score_refs: tuple[tuple[str, Fn], ...]
    tiers: str | None
    unscored: tuple[str, str | None] | None
    reason: Fn | None
    reason_always: bool
    findings: tuple[CompiledFinding, ...]
    accepts: tuple[Fn, ...]
    explain: Mapping[str, tuple[str, str | None]]
    name_en: str | None = None  # ``rule "正向指标" "positive indicators"``

    @property
    def label(self) -> str:
        return f"{self.name} ({self.where})"

    def title(self, lang: str = "zh") -> str:
        """The rule's name in *lang*: its English label under ``en`` when it has one."""
        return self.name_en if lang == "en" and self.name_en else self.name


@attrs.frozen(slots=True)
class TierTableRT:
    """A qualitative tier table: bands as fractions of the weight, words, and roles."""

    name: str
    tiers: tuple[A.Tier, ...]
    words: Mapping[str, str]
    roles: Mapping[str, str]
    status: Mapping[str, str]

    def tier(self, name: str) -> A.Tier:
        for t in self.tiers:
            if t.name == name:
                return t
        raise UnknownNameError(f"没有名为「{name}」的档次", en=f"no tier named {name!r}")

    @property
    def top(self) -> A.Tier:
        """The tier that means the target was met (the one whose band reaches the full weight)."""
        return max(self.tiers, key=lambda t: (t.band.high or Decimal("1e9"), t.band.high_inclusive))


@attrs.frozen(eq=False)
class Policy:
    """A loaded, checked and compiled scoring policy. Build one with :func:`jixiao.load_policy`.

    >>> import jixiao
    >>> p = jixiao.load_policy("central")
    >>> p.name, p.weights["产出指标"]
    ('central', Decimal('50'))
    """

    name: str
    version: str
    title: tuple[str, str | None]
    source: str
    years: tuple[int, int | None] | None
    places: int
    rounding: str
    rounding_at: Mapping[str, tuple[int, str]]
    tolerance: Decimal
    params: Mapping[str, Any]
    weights: Mapping[str, Decimal]
    budget_section: str
    deviation: str
    budget_rules: tuple[CompiledRule, ...]
    rules: tuple[CompiledRule, ...]
    tiers: Mapping[str, TierTableRT]
    grades: tuple[tuple[str, A.Interval], ...]
    placeholders: frozenset[str]
    reason_cues: Mapping[str, tuple[str, ...]]
    examples: tuple[A.Example, ...]
    path: str
    chain: tuple[tuple[str, str], ...] = attrs.field(repr=False)
    # Problems that do not stop loading (``jixiao policy lint`` shows them): a replaced rule that
    # drops the base's findings, a score formula that provably leaves 0..weight.
    warnings: tuple[PolicyProblem, ...] = attrs.field(default=(), repr=False)
    # ``severity CODE level`` lines: the severity of built-in finding codes this policy sets
    severities: Mapping[str, str] = attrs.field(factory=dict, repr=False)
    # ``regions "四川" "四川省"``: the regions this policy serves (for ``policy="auto"``)
    regions: tuple[str, ...] = ()
    # English labels of the policy's own names (rules, tiers, grades): ``{"优": "excellent"}``
    labels: Mapping[str, str] = attrs.field(factory=dict, repr=False)
    # ``cap "成本指标" 5`` / ``cap total 100``: at most so many points for the rows of a 一级 or
    # 二级指标 (by name), or for the total (key "")
    caps: Mapping[str, Decimal] = attrs.field(factory=dict, repr=False)
    # ``not_applicable "不适用" "不涉及"``: rows whose actual says only this are left out and the
    # rest of their 一级指标 is scaled up to the section's weight
    not_applicable: frozenset[str] = frozenset()
    # Derived from the fields above when the policy is built; never changed afterwards.
    digest: str = attrs.field(init=False, repr=False)
    """SHA-256 of the policy's files (display paths and texts, base first)."""
    row_fields: frozenset[str] = attrs.field(init=False, repr=False)
    """Which of an indicator row's ``name``, ``level1``, ``level2`` the rules can observe.

    Found from the rule files (every ``name``/``level1``/``level2`` reference of an indicator
    rule, in any file of the ``extends`` chain) and from ``{name}`` in message templates. Rows
    that differ only in fields not listed here score the same."""
    _packed: bytes = attrs.field(init=False, repr=False, alias="_packed")
    _quanta: Mapping[str, tuple[Decimal, str]] = attrs.field(
        init=False, repr=False, alias="_quanta"
    )

    def __attrs_post_init__(self) -> None:
        h = hashlib.sha256()
        for display, text in self.chain:
            for part in (display, text):
                data = part.encode("utf-8")
                h.update(len(data).to_bytes(8, "big"))
                h.update(data)
        digest = h.hexdigest()
        # The text of the files, compressed (about 4 kB for central), and their digest so a
        # process that already has the policy does not even decompress it.
        packed = zlib.compress(json.dumps(self.chain, ensure_ascii=False).encode("utf-8"), 9)
        quanta = {}
        for at in ("lines", "rate", "total"):
            places, mode = self.rounding_at.get(at, (self.places, self.rounding))
            quanta[at] = (Decimal(1).scaleb(-places), ROUNDING_MODES[mode])
        object.__setattr__(self, "digest", digest)
        object.__setattr__(self, "_packed", packed)
        object.__setattr__(self, "_quanta", quanta)
        object.__setattr__(self, "row_fields", _row_fields(self))
        _BY_DIGEST.setdefault(digest, self)

    def __reduce__(self) -> tuple[Any, ...]:
        return (_unpack_policy, (self.digest, self._packed))

    def __dask_tokenize__(self) -> tuple[str, str]:
        """A stable token for Dask: the digest of the rule files' text."""
        return ("jixiao.Policy", self.digest)

    @property
    def budget_weight(self) -> Decimal:
        return self.weights.get(self.budget_section, Decimal(0))

    @property
    def section_weights(self) -> dict[str, Decimal]:
        return {k: v for k, v in self.weights.items() if k != self.budget_section}

    def quantize(self, value: Decimal, at: str = "lines") -> Decimal:
        """Round as the policy says (places and mode; half-up to 2 places by default).

        *at* is where the number stands: ``lines`` (each indicator's and the budget's score),
        ``rate`` (the execution rate in percent) or ``total`` (section subtotals and the total);
        ``rounding rate 4 half_up`` in a rule file overrides one of them.
        """
        quantum, mode = self._quanta[at]
        return value.quantize(quantum, rounding=mode)

    def label(self, name: str, lang: str = "zh") -> str:
        """A rule, tier or grade name of this policy in *lang* (its English label under ``en``,
        when the policy gives one; the name itself otherwise).

        >>> import jixiao
        >>> jixiao.load_policy("central").label("部分达成", "en")
        'partly met'
        """
        return self.labels.get(name, name) if lang == "en" else name

    def grade(self, total: Decimal) -> str | None:
        """The grade band (优/良/中/差) a total falls in, or None outside every band."""
        for name, band in self.grades:
            if band.contains(total):
                return name
        return None

    def score(self, indicator: Any) -> Any:
        """Score one indicator (an :class:`~jixiao.forms.model.Indicator` or a dict of its fields):
        the same as ``jixiao.evaluate.score_indicator(policy, indicator)``, which returns an
        :class:`~jixiao.evaluate.IndicatorResult`."""
        return jixiao.score_indicator(self, indicator)

    def score_form(self, form: Any) -> Any:
        """Score a whole form: the same as ``jixiao.score_form(form, policy)``."""
        return jixiao.score_form(form, self)

    def finding_codes(self) -> frozenset[str]:
        """Every finding code this policy's rules can raise (besides the built-in audit codes)."""
        codes: set[str] = set()
        for rules in (self.rules, self.budget_rules):
            for r in rules:
                codes.update(f.code for f in r.findings)
        return frozenset(codes)

    def describe(self) -> str:
        return f"{self.name} {self.version}"

    def rule_names(self) -> Iterable[str]:
        return (r.name for r in self.rules)


_ROW_FIELDS = frozenset({"name", "level1", "level2", "reason"})


def _row_fields(policy: Policy) -> frozenset[str]:
    found: set[str] = set()
    stack: list[Any] = []
    for display, text in policy.chain:
        stack.extend(parse_cached(display, text).rules)
    while stack:
        node = stack.pop()
        if isinstance(node, A.Ref):
            if node.path and node.path[0] in _ROW_FIELDS:
                found.add(node.path[0])
        elif isinstance(node, tuple | list):
            stack.extend(node)
        elif attrs.has(type(node)) and not isinstance(node, Location):
            stack.extend(getattr(node, f.name) for f in attrs.fields(type(node)))
    for rule in policy.rules:
        templates: list[str | None] = [f.zh for f in rule.findings]
        templates += [f.en for f in rule.findings]
        for zh, en in rule.explain.values():
            templates += [zh, en]
        if any(t and "{name" in t for t in templates):
            found.add("name")
    return frozenset(found)


_BY_DIGEST: weakref.WeakValueDictionary[str, Policy] = weakref.WeakValueDictionary()


def _unpack_policy(digest: str, packed: bytes) -> Policy:
    """Unpickle a policy: the one this process already compiled from the same files, else
    compile it again from their text (see :func:`jixiao.policy.loader.policy_from_chain`)."""
    policy = _BY_DIGEST.get(digest)
    if policy is None:
        chain = json.loads(zlib.decompress(packed).decode("utf-8"))
        # the loader imports this module, so it is reached through the package at call time
        policy = jixiao.policy.loader.policy_from_chain(tuple((str(d), str(t)) for d, t in chain))
        _BY_DIGEST[digest] = policy
    return policy
