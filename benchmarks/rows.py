"""Indicator rows for the throughput, memory and cluster benchmarks.

Two sets, both streamed (nothing proportional to the row count is kept):

* **realistic** — a province's year of forms repeats itself: the same indicators (参训人数,
  满意度, 合格率, 按期完成 …) with the same targets and weights come back form after form. Rows are
  drawn with Zipf-like frequencies (rank ** -1.1) from a pool of indicator templates: every readable
  row of the shared corpus (``../shared/corpus/indicators.jsonl`` beside the checkout; a built-in
  sample when it is absent) plus generated variants (other numbers, units, comparators, deadlines,
  prose, outcome words, empty and damaged cells). A template carries its weight; the claimed score
  is usually full marks and sometimes not; about one row in eight gives a 偏差原因, often a
  one-off text.
* **distinct** — every target and actual cell is text no other row has (the numbers and prose
  carry the row number), so neither the parse cache nor the shared outcomes help: the cost of
  parsing every cell.
* **mostly-distinct actuals** — the realistic rows, but every unit reports its own number: an
  actual written as a number (``47人``, ``61.8万元``, ``95%``) becomes another number near it with
  two decimals (``47.23人``), so actuals rarely repeat while targets do, as in real returns.

``rows(n, distinct=False, seed=0)`` and ``mostly_distinct(n, seed=0)`` yield fresh dicts in the
``indicators[]`` shape.
"""

from __future__ import annotations

import bisect
import itertools
import json
import random
import re
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus" / "indicators.jsonl"
KEYS = ("level1", "level2", "name", "target", "actual", "weight", "score", "reason")

# Used when the shared corpus is not beside the checkout: rows in the corpus's own shapes.
BUILTIN: list[dict[str, Any]] = [
    {"level1": "产出指标", "level2": "数量指标", "name": "执法资格培训参训人数", "target": "≥45人", "actual": "45人", "weight": 5, "score": 5},
    {"level1": "产出指标", "level2": "数量指标", "name": "基建工程委托业务项目数量", "target": "≥50个", "actual": "50", "weight": 8, "score": 8},
    {"level1": "产出指标", "level2": "质量指标", "name": "委托业务报告合格率", "target": "≥100百分比", "actual": "100", "weight": 8, "score": 8},
    {"level1": "产出指标", "level2": "质量指标", "name": "经费支出合规性", "target": "严格执行相关制度规定", "actual": "达成预期指标", "weight": 8, "score": 8},
    {"level1": "产出指标", "level2": "时效指标", "name": "提交报告及时性", "target": "在项目计划完成时间内完成", "actual": "达成预期指标", "weight": 8, "score": 8},
    {"level1": "产出指标", "level2": "成本指标", "name": "培训成本", "target": "≤64.253万元", "actual": "62.363万元", "weight": 10, "score": 10},
    {"level1": "效益指标", "level2": "社会效益指标", "name": "执法能力", "target": "效果明显", "actual": "部分达成", "weight": 10, "score": 7},
    {"level1": "效益指标", "level2": "社会效益指标", "name": "安全事故", "target": "≤0起", "actual": "0起", "weight": 10, "score": 10},
    {"level1": "满意度指标", "level2": "服务对象满意度指标", "name": "参训人员满意度", "target": "≥90%", "actual": "95%", "weight": 10, "score": 10},
    {"level1": "产出指标", "level2": "时效指标", "name": "完成时间", "target": "2023年12月底前", "actual": "按期完成", "weight": 5, "score": 5},
    {"level1": "产出指标", "level2": "数量指标", "name": "招录人数", "target": "18—54周岁", "actual": "30周岁", "weight": 5, "score": 5},
    {"level1": "产出指标", "level2": "质量指标", "name": "验收合格率", "target": "250%", "actual": "100%", "weight": 10, "score": 10},
]  # fmt: skip

COUNT_UNITS = ["人", "人次", "个", "次", "户", "场", "项", "家", "件", "篇", "期", "所", "台", "批"]
MEASURE_UNITS = ["公里", "亩", "吨", "平方米", "万粒", "天"]
LABELS = ["合格率", "覆盖率", "满意度", "完成率", "知晓率", "达标率", "使用率"]
PROSE = [
    "效果明显",
    "显著提升",
    "逐步改善",
    "有效保障",
    "严格执行相关制度规定",
    "在项目计划完成时间内完成",
    "提高群众满意度",
    "持续发挥作用",
    "定性 好坏",
]
OUTCOMES = [
    "达成预期指标",
    "达成年度指标",
    "已完成",
    "基本完成",
    "部分达成",
    "未完成",
    "是",
    "达标",
]
REASONS = [
    "",
    "无",
    "因疫情影响部分培训延期，下一步将加强计划管理",
    "受资金拨付进度影响，项目推进偏慢，将加快实施",
    "由于政策调整，实际需求减少；今后将科学设定指标",
    "已全部完成",
    "下一步加强",
]
NAMES = ["参训人数", "培训人次", "服务户数", "采购数量", "验收合格率", "群众满意度", "覆盖率"]
NAMES += ["项目完成及时率", "成本控制", "安全事故", "宣传场次", "设备台数", "受益人数"]
LEVELS = [
    ("产出指标", "数量指标"),
    ("产出指标", "质量指标"),
    ("产出指标", "时效指标"),
    ("产出指标", "成本指标"),
    ("效益指标", "社会效益指标"),
    ("效益指标", "可持续影响指标"),
    ("满意度指标", "服务对象满意度指标"),
]
WEIGHTS: list[Any] = [10, 5, 8, 6, 4, 3, 2, 15, 20, 10, 5, "10", "5", 2.5, 7.5, "8"]


def corpus_rows() -> list[dict[str, Any]]:
    """The shared corpus's readable indicator rows (the built-in sample when it is absent)."""
    if not CORPUS.is_file():
        return [dict(r) for r in BUILTIN]
    out = []
    with CORPUS.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                d = json.loads(line)
                out.append({k: d.get(k) for k in KEYS})
    return out


def _claim(rng: random.Random, weight: Any) -> Any:
    r = rng.random()
    if r < 0.75:
        return weight
    if r < 0.85:
        return None
    try:
        w = Decimal(str(weight))
    except ArithmeticError:  # a damaged weight cell from the corpus
        return weight
    return format((w * Decimal("0.9")).quantize(Decimal("0.01")), "f")


def _variant(rng: random.Random) -> dict[str, Any]:
    """One generated indicator template, in the shapes real forms use."""
    level1, level2 = rng.choice(LEVELS)
    name = rng.choice(NAMES) + rng.choice(["", "（一）", "（二）", "情况"])
    r = rng.random()
    if r < 0.30:  # counts
        n = rng.choice([5, 10, 12, 20, 30, 45, 50, 100, 120, 200, 300, 500, 1000, 2000])
        unit = rng.choice(COUNT_UNITS)
        comp = rng.choice(["≥", "≥", ">=", "不少于", "", "="])
        target = f"{comp}{n}{unit}"
        got = rng.choice([n, n, n, n + rng.randint(1, n), max(0, n - rng.randint(1, n // 2 + 1))])
        actual = rng.choice([f"{got}{unit}", str(got), f"{got}{unit}"])
    elif r < 0.50:  # percentages
        p = rng.choice([80, 85, 90, 95, 98, 100])
        target = rng.choice(
            [f"≥{p}%", f"≥{p}%", f"={p}%", f"{p}%", f"不低于{p}%", f"{rng.choice(LABELS)}≥{p}%"]
        )
        got = rng.choice([p, p, 100, min(100, p + 3), p - 2, p - 10])
        actual = rng.choice([f"{got}%", f"{got}%", f"{got}.5%" if got < 100 else "100%"])
    elif r < 0.58:  # money caps
        cap = Decimal(rng.randint(10, 5000)) / 10
        target = rng.choice([f"≤{cap}万元", f"≤{cap * 10000}元", f"不超过{cap}万元"])
        spent = cap * Decimal(rng.choice(["0.9", "0.97", "1", "1", "1.05"]))
        actual = f"{spent.quantize(Decimal('0.001'))}万元"
    elif r < 0.62:  # zero targets
        unit = rng.choice(["起", "次", "件", "个"])
        target = rng.choice([f"≤0{unit}", f"0{unit}", f"={0}{unit}"])
        actual = rng.choice([f"0{unit}", "0", f"1{unit}"])
    elif r < 0.67:  # measures
        n = rng.choice([5, 12, 30, 100, 250, 1000])
        unit = rng.choice(MEASURE_UNITS)
        target = f"≥{n}{unit}"
        actual = f"{rng.choice([n, n, n * 2, n - 1])}{unit}"
    elif r < 0.77:  # deadlines
        m = rng.randint(6, 12)
        target = rng.choice(
            [f"{m}月底前", f"2023年{m}月底前完成", f"{m}月底前完成", f"2023年{m}月31日前"]
        )
        actual = rng.choice(
            ["按期完成", "已完成", f"{m}月完成", f"{min(12, m + 1)}月完成", "达成预期指标"]
        )
    elif r < 0.92:  # qualitative
        target = rng.choice(PROSE)
        actual = rng.choice(OUTCOMES + PROSE[:3])
    elif r < 0.95:  # ranges
        lo = rng.choice([18, 20, 25])
        target = f"{lo}—{rng.choice([45, 54, 60])}周岁"
        actual = f"{rng.choice([lo - 1, lo + 10, 40])}周岁"
    elif r < 0.98:  # empty cells
        target = rng.choice(["/", "—", "无", "≥90%"])
        actual = rng.choice(["", "/", "95%"])
    else:  # damaged
        target = rng.choice(["工5%", "290$", "≥9O%", "^100", "≥≥45人"])
        actual = rng.choice(["95%", "达成", "45人"])
    weight = rng.choice(WEIGHTS)
    return {
        "level1": level1,
        "level2": level2,
        "name": name,
        "target": target,
        "actual": actual,
        "weight": weight,
        "score": weight,
        "reason": "",
    }


def pool(size: int = 6000, seed: int = 0) -> list[dict[str, Any]]:
    """Indicator templates, most frequent first: the corpus rows, then generated variants."""
    rng = random.Random(seed)
    out = corpus_rows()
    rng.shuffle(out)
    seen = {(r["target"], r["actual"], str(r["weight"])) for r in out}
    while len(out) < size:
        v = _variant(rng)
        key = (v["target"], v["actual"], str(v["weight"]))
        if key not in seen:
            seen.add(key)
            out.append(v)
    # interleave so that corpus rows and variants share the head of the distribution
    head, tail = out[: len(out) // 2], out[len(out) // 2 :]
    rng.shuffle(tail)
    return [x for pair in itertools.zip_longest(head[::2] + tail, head[1::2]) for x in pair if x]


def _zipf_cum(n: int, s: float = 1.1) -> list[float]:
    return list(itertools.accumulate(1.0 / (k**s) for k in range(1, n + 1)))


def rows(
    n: int, *, distinct: bool = False, seed: int = 0, pool_size: int = 6000
) -> Iterator[dict[str, Any]]:
    """*n* indicator rows as fresh dicts (``distinct``: every target and actual cell unique)."""
    if distinct:
        yield from _distinct(n, seed)
        return
    rng = random.Random(seed)
    templates = pool(pool_size, seed)
    cum = _zipf_cum(len(templates))
    total = cum[-1]
    reasons = REASONS + [f"因第{i}批物资到货延迟，下一步将加强督促" for i in range(200)]
    reason_cum = _zipf_cum(len(reasons), 1.3)
    chunk = 4096
    made = 0
    while made < n:
        k = min(chunk, n - made)
        picks = [bisect.bisect_left(cum, rng.random() * total) for _ in range(k)]
        for i in picks:
            t = templates[min(i, len(templates) - 1)]
            row = dict(t)
            r = rng.random()
            if r < 0.12:
                row["score"] = _claim(rng, t["weight"])
            if r < 0.06 or (0.12 <= r < 0.16):
                if r < 0.02:
                    row["reason"] = f"因{made}号任务延期导致未完成，下一步将加强督促"
                else:
                    row["reason"] = reasons[
                        bisect.bisect_left(reason_cum, rng.random() * reason_cum[-1])
                    ]
            made += 1
            yield row


def _distinct(n: int, seed: int) -> Iterator[dict[str, Any]]:
    rng = random.Random(seed)
    for i in range(n):
        level1, level2 = LEVELS[i % len(LEVELS)]
        frac = f"{i:07d}"
        r = rng.random()
        if r < 0.35:
            unit = COUNT_UNITS[i % len(COUNT_UNITS)]
            base = rng.choice([45, 100, 300])
            target = f"≥{base}.{frac}{unit}"
            actual = f"{base - rng.randint(0, 5)}.{frac}{unit}"
        elif r < 0.55:
            target = f"≥9{i % 10}.{frac}%"
            actual = f"9{rng.randint(0, 9)}.{frac}%"
        elif r < 0.65:
            target = f"≤{rng.randint(10, 900)}.{frac}万元"
            actual = f"{rng.randint(10, 900)}.{frac}万元"
        elif r < 0.75:
            m = rng.randint(6, 12)
            target = f"{m}月底前完成{i}项"
            actual = f"完成{i}项"
        else:
            target = f"{rng.choice(PROSE[:5])}，覆盖第{i}片区"
            actual = f"{rng.choice(OUTCOMES)}（第{i}片区）"
        weight = WEIGHTS[i % len(WEIGHTS)]
        yield {
            "level1": level1,
            "level2": level2,
            "name": f"指标{i}",
            "target": target,
            "actual": actual,
            "weight": weight,
            "score": weight if r < 0.8 else None,
            "reason": "" if r < 0.9 else f"因第{i}号任务调整，下一步将加强管理",
        }


# a number and what follows it; not a date (2023年, 12月完成: a year or month is not a quantity a
# unit reports, and 10.53月 is no month)
_NUMBER_CELL = re.compile(r"([0-9]+(?:\.[0-9]+)?)((?![年月日号])[^0-9.]*)")


def mostly_distinct(n: int, seed: int = 0) -> Iterator[dict[str, Any]]:
    """The realistic rows with each numeric actual (a quantity, with whatever unit or note follows
    it; not a date) replaced by a nearby two-decimal number."""
    rng = random.Random(seed + 1)
    for row in rows(n, seed=seed):
        actual = row["actual"]
        m = _NUMBER_CELL.fullmatch(actual) if isinstance(actual, str) else None
        if m is not None:
            value = float(m.group(1)) * rng.uniform(0.7, 1.3)
            row["actual"] = f"{value:.2f}{m.group(2)}"
        yield row


def jsonl(n: int, **kw: Any) -> Iterator[str]:
    """The same rows as JSON lines (to time reading as well as scoring)."""
    for row in rows(n, **kw):
        yield json.dumps(row, ensure_ascii=False)
