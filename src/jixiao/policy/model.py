"""A compiled policy: plain data plus small functions, safe to share and to pickle.

A :class:`Policy` pickles as the (compressed) text of its files and compiles again when unpickled,
so it can be sent to worker processes or cluster nodes that have no copy of the rule files.
"""

from __future__ import annotations

import hashlib
import json
import weakref
import zlib
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import attrs

from jixiao.errors import PolicyProblem, UnknownNameError
from jixiao.policy import ast as A
from jixiao.policy.types import ROUNDING_MODES, Fn

if TYPE_CHECKING:
    from jixiao.evaluate import IndicatorResult
    from jixiao.forms.model import Form, Indicator

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
    # Per-process caches the evaluator keeps for this policy (the scoring memo). Not pickled.
    runtime: dict[str, Any] = attrs.field(init=False, factory=dict, repr=False)

    def __reduce__(self) -> tuple[Any, ...]:
        # The text of the files, compressed (about 4 kB for central), and their digest so a
        # process that already has the policy does not even decompress it.
        packed = self.runtime.get("packed")
        if packed is None:
            packed = self.runtime["packed"] = zlib.compress(
                json.dumps(self.chain, ensure_ascii=False).encode("utf-8"), 9
            )
        return (_unpack_policy, (self.digest, packed))

    def __dask_tokenize__(self) -> tuple[str, str]:
        """A stable token for Dask: the digest of the rule files' text."""
        return ("jixiao.Policy", self.digest)

    @property
    def digest(self) -> str:
        """SHA-256 of the policy's files (display paths and texts, base first)."""
        digest = self.runtime.get("digest")
        if digest is None:
            h = hashlib.sha256()
            for display, text in self.chain:
                for part in (display, text):
                    data = part.encode("utf-8")
                    h.update(len(data).to_bytes(8, "big"))
                    h.update(data)
            digest = self.runtime["digest"] = h.hexdigest()
            _BY_DIGEST.setdefault(digest, self)
        assert isinstance(digest, str)
        return digest

    @property
    def row_fields(self) -> frozenset[str]:
        """Which of an indicator row's ``name``, ``level1``, ``level2`` the rules can observe.

        Found from the rule files (every ``name``/``level1``/``level2`` reference of an indicator
        rule, in any file of the ``extends`` chain) and from ``{name}`` in message templates. Rows
        that differ only in fields not listed here score the same.
        """
        fields = self.runtime.get("row_fields")
        if fields is None:
            fields = self.runtime["row_fields"] = _row_fields(self)
        assert isinstance(fields, frozenset)
        return fields

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
        key = "rounding:" + at
        rounding = self.runtime.get(key)
        if rounding is None:
            places, mode = self.rounding_at.get(at, (self.places, self.rounding))
            rounding = self.runtime[key] = (Decimal(1).scaleb(-places), ROUNDING_MODES[mode])
        return value.quantize(rounding[0], rounding=rounding[1])

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

    def score(self, indicator: Indicator | Mapping[str, Any]) -> IndicatorResult:
        """Score one indicator (an :class:`~jixiao.forms.model.Indicator` or a dict of its fields)."""
        from jixiao.evaluate import score_indicator

        return score_indicator(self, indicator)

    def score_form(self, form: Form | Mapping[str, Any]) -> Any:
        from jixiao.evaluate import score_form

        return score_form(form, self)

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
    from jixiao.errors import Location
    from jixiao.policy.files import parse_cached

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
        from jixiao.policy.loader import policy_from_chain

        chain = json.loads(zlib.decompress(packed).decode("utf-8"))
        policy = policy_from_chain(tuple((str(d), str(t)) for d, t in chain))
        _BY_DIGEST[digest] = policy
    return policy
