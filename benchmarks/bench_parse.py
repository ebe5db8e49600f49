"""Throughput of the target-cell parser.

    python benchmarks/bench_parse.py                 # 50,000 distinct cells, 2,000,000 cached
    python benchmarks/bench_parse.py --distinct 200000 --repeat 5000000
    python benchmarks/bench_parse.py --profile       # cProfile of the uncached path
    python benchmarks/bench_parse.py --quick         # small sizes: a smoke run for CI
    python benchmarks/bench_parse.py --only-cold --cold 20000 --rounds 5   # the cold actuals only

Two numbers matter:

* distinct cells, no cache: every cell is new text, so each one is lexed, parsed and built
  (``parse_target_uncached`` / ``parse_actual_uncached``);
* repeated cells, cached: a form set repeats the same few hundred cells; ``parse_target`` and
  ``parse_actual`` answer those from an LRU cache without parsing;
* distinct *simple* cells (``47.23人``, ``≥61.8万元``, ``95.5%``, ``2023年6月底前``): the fast path
  (``jixiao.targets.fast``), against Lark on the same cells in the same run.

The cells are generated to look like real ones (the mix of shapes follows the shared corpus):
comparisons with and without labels, amounts, ranges, deadlines, prose, outcome words, empty
cells, a few damaged ones.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import platform
import pstats
import random
import sys
import time
from collections.abc import Callable, Sequence

from jixiao.decimals import jixiao_context
from jixiao.errors import TargetSyntaxError
from jixiao.targets import (
    Target,
    cache_clear,
    parse_actual,
    parse_actual_uncached,
    parse_target,
    parse_target_uncached,
)
from jixiao.targets._actuals import as_actual as _as_actual
from jixiao.targets._actuals import reading_of as _reading_of
from jixiao.targets._builder import lark_parser as _parser
from jixiao.targets._builder import parse_lark as _parse_lark
from jixiao.targets.fast import fast_parse

COMPARATORS = ["≥", "≤", ">=", "<=", "=", "≧", "﹦", "＞", "不低于", "不少于", "不超过", "达到"]
SUFFIXES = ["以上", "及以上", "以内", "以下"]
UNITS = ["人", "人次", "次", "个", "项", "户", "家", "场", "期", "亩", "平方米", "公里", "米"]
UNITS += ["%", "%", "%", "％", "百分比", "万元", "元", "万粒", "元/人*月", "元/户", "天", "周岁"]
LABELS = ["合格率", "覆盖率", "满意度", "参训人数", "采购的原原种合格率", "完成率", "培训人次"]
PROSE = [
    "严格执行相关制度规定",
    "效果明显",
    "显著提升",
    "有效提高全市应急管理系统法制人员业务能力和水平",
    "通过培训，进一步提高执法人员专业化素质和行政执法能力。",
    "资源采购期以当年为主",
    "在项目计划完成时间内完成",
]
OUTCOMES = ["达成预期指标", "已完成", "基本完成", "部分达成", "未开展", "建设中", "合格", "是"]


def _number(rng: random.Random) -> str:
    kind = rng.random()
    if kind < 0.5:
        return str(rng.randint(1, 99999))
    if kind < 0.8:
        return f"{rng.randint(0, 999)}.{rng.randint(0, 999)}"
    return f"{rng.randint(1, 999)},{rng.randint(0, 999):03d}"


def make_cells(count: int, seed: int = 1) -> list[str]:
    """*count* distinct, realistic target and actual cells."""
    rng = random.Random(seed)
    cells: dict[str, None] = {}
    while len(cells) < count:
        r = rng.random()
        n = _number(rng)
        unit = rng.choice(UNITS)
        if r < 0.30:
            space = rng.choice(["", " "])
            cell = f"{rng.choice(COMPARATORS)}{space}{n}{space}{unit}"
        elif r < 0.40:
            cell = f"{rng.choice(LABELS)}{rng.choice(COMPARATORS)}{n}{unit}"
        elif r < 0.47:
            cell = f"{n}{unit}{rng.choice(SUFFIXES)}"
        elif r < 0.65:
            cell = f"{n}{unit}" if rng.random() < 0.8 else n
        elif r < 0.70:
            cell = f"{rng.randint(1, 60)}-{rng.randint(60, 100)}{unit}"
        elif r < 0.78:
            y, m, d = rng.randint(2000, 2030), rng.randint(1, 12), rng.randint(1, 28)
            cell = rng.choice(
                [
                    f"{y}年{m}月底前",
                    f"{m}月{d}日前",
                    f"{m}月前",
                    f"均在{y}年{m}月底之前完成",
                    f"{y}.{m}.{d}-12.31",
                    f"{m}月底完成{rng.randint(50, 100)}%",
                ]
            )
        elif r < 0.90:
            # prose: a stock phrase made distinct by a few more words
            tail = "".join(
                rng.choice("提高质量效率管理服务水平能力") for _ in range(rng.randint(0, 6))
            )
            cell = ("定性" if rng.random() < 0.3 else "") + rng.choice(PROSE) + tail
        elif r < 0.96:
            if rng.random() < 0.5:
                cell = rng.choice(OUTCOMES) + rng.choice(["", "。"])
            else:
                cell = f"{rng.choice(['约', ''])}{n}{rng.choice(['余', ''])}{unit}"
        elif r < 0.98:
            cell = rng.choice(["/", "-", "—", "无", ""]) + " " * rng.randint(0, 3)
        else:
            cell = rng.choice(["工", "^", ""]) + n + rng.choice(["$", "%", "=50%"])
        cells[cell] = None
    return list(cells)


def _rate(fn: Callable[[str], object], cells: Sequence[str]) -> tuple[float, int]:
    errors = 0
    gc.collect()
    start = time.perf_counter()
    for cell in cells:
        try:
            fn(cell)
        except TargetSyntaxError:
            errors += 1
    return len(cells) / (time.perf_counter() - start), errors


#: Targets the cold actuals are read under (each parsed once, then cached), with the unit their
#: actuals are written in (None: a bare number) and the scale of the numbers reported.
COLD_TARGETS: list[tuple[str, list[str | None], int]] = [
    ("≥45人", ["人", None], 45),
    ("≤64.253万元", ["万元"], 64),
    ("≥90%", ["%", None], 90),
    ("不少于4次", ["次"], 4),
    ("≥100个", ["个", None], 100),
    ("≤300公里", ["公里"], 300),
    ("≥1000亩", ["亩"], 1000),
]


def cold_pairs(
    count: int, seed: int, simple: bool = True, extended: bool = False
) -> list[tuple[str, Target]]:
    """*count* distinct (actual, target) pairs: a number near the target's with two decimals,
    in the target's unit or bare (``47.23人``, ``61.80万元``, ``93.5``), sometimes after a
    comparator; with *extended*, the fast path's extended shapes, in the mix measured on the
    mostly-distinct rows (``81.23%覆盖``, ``95.12%及以上``, ``12.34万粒``, ``12.34 公里``,
    ``200.12余人``, ``35.12元/人*天``, ``12.3万``); with *simple* False, shapes the fast path
    leaves to Lark (``47.23人（含补训3人）``, ``1,047.23万元``)."""
    rng = random.Random(seed)
    targets = [(parse_target(t), units, scale) for t, units, scale in COLD_TARGETS]
    pairs: dict[str, Target] = {}
    while len(pairs) < count:
        target, units, scale = rng.choice(targets)
        unit = rng.choice(units) or ""
        number = f"{scale * rng.uniform(0.7, 1.3):.2f}"
        if extended:
            # weights: the counts of these shapes among 60,000 mostly-distinct rows
            cell = rng.choices(
                [
                    f"{number}{unit or '%'}覆盖",
                    f"{number}{unit or '%'}及以上",
                    f"{number}万粒",
                    f"{number} {unit or '公里'}",
                    f"{number}余{unit or '人'}",
                    f"{number}元/{rng.choice(['人*天', '人', '户'])}",
                    f"{number}万",
                    f"约{number}{unit}",
                    f"{number}{unit}左右",
                ],
                [873, 629, 380, 333, 224, 260, 53, 50, 50],
            )[0]
        elif simple:
            cell = rng.choice(["", "", "", "≥", "不少于"]) + number + unit
        else:
            unit = unit or units[0] or ""
            cell = rng.choice(
                [
                    f"约{number}{unit}（含补训{rng.randint(1, 9)}{unit}）",
                    f"{number}{unit}（含补训{rng.randint(1, 9)}{unit}）",
                    f"{rng.randint(1, 9)},{rng.randint(0, 999):03d}.{rng.randint(0, 99):02d}{unit}",
                    f"{number}{unit}左右。",
                ]
            )
        pairs.setdefault(cell, target)
    return list(pairs.items())


def _per_cell(fn: Callable[[], object], count: int, clear: bool) -> float:
    """Seconds a cell for one run of *fn* over *count* cells (the caches emptied first when
    *clear*, the targets parsed again so that only the actuals are cold)."""
    if clear:
        cache_clear()
        for t, _, _ in COLD_TARGETS:
            parse_target(t)
    gc.collect()
    start = time.process_time()  # CPU time: the machine may be shared
    fn()
    return (time.process_time() - start) / count


def cold_actuals(count: int, seed: int, rounds: int) -> None:
    """Distinct actuals under cached targets, cold: CPU µs a cell and ratios in this run (the
    best of *rounds*, the ways interleaved)."""
    pairs = cold_pairs(count, seed)
    taken = sum(fast_parse(a) is not None for a, _ in pairs)
    lark_pairs = pairs[: max(1, count // 10)]
    hard = cold_pairs(max(1, count // 5), seed + 1, simple=False)
    ext = cold_pairs(max(1, count // 5), seed + 2, extended=True)
    ext_taken = sum(fast_parse(a) is not None for a, _ in ext)
    # targets as distinct: the same cells, each with a comparator
    simple_targets = list(dict.fromkeys(f"≤{a}" if a[0].isdigit() else a for a, _ in pairs))

    def each(parse: Callable[..., object], cells: list[tuple[str, Target]]) -> Callable[[], None]:
        """A timed pass: *parse* on each actual with its target."""

        def run() -> None:
            for a, t in cells:
                parse(a, t)

        return run

    def alone(parse: Callable[[str], object], texts: list[str]) -> Callable[[], None]:
        """A timed pass: *parse* on each cell by itself."""

        def run() -> None:
            for text in texts:
                parse(text)

        return run

    def lark(cells: list[tuple[str, Target]]) -> Callable[[], None]:
        def run() -> None:
            with jixiao_context():
                for a, t in cells:
                    _as_actual(_parse_lark(a), *_reading_of(t))

        return run

    actuals, ext_actuals = [a for a, _ in pairs], [a for a, _ in ext]
    ways: dict[str, tuple[Callable[[], object], int, bool]] = {
        "fast": (alone(fast_parse, actuals), len(pairs), False),
        "cold": (each(parse_actual, pairs), len(pairs), True),
        "uncached": (each(parse_actual_uncached, pairs), len(pairs), False),
        "lark": (lark(lark_pairs), len(lark_pairs), False),
        "hard cold": (each(parse_actual, hard), len(hard), True),
        "hard lark": (lark(hard), len(hard), False),
        "ext fast": (alone(fast_parse, ext_actuals), len(ext), False),
        "ext cold": (each(parse_actual, ext), len(ext), True),
        "ext lark": (lark(ext), len(ext), False),
        "targets fast": (alone(fast_parse, simple_targets), len(simple_targets), False),
        "targets cold": (alone(parse_target, simple_targets), len(simple_targets), True),
    }
    # a first pass, not timed: Lark and the regular expressions compile what they need lazily
    warm = (pairs[:200], hard[:200], simple_targets[:200], ext[:200])
    for a, t in (*warm[0], *warm[1], *warm[3]):
        parse_actual(a, t)
        parse_actual_uncached(a, t)
        lark([(a, t)])()
    for text in warm[2]:
        parse_target(text)
    best = dict.fromkeys(ways, float("inf"))
    for _ in range(rounds):
        for name, (fn, n, clear) in ways.items():
            best[name] = min(best[name], _per_cell(fn, n, clear))
    us = {name: t * 1e6 for name, t in best.items()}
    cache_clear()
    print(
        f"cold distinct actuals under cached targets ({len(pairs):,} cells, {taken:,} on the "
        f"fast path; best of {rounds}):"
    )
    print(f"  fast_parse alone:            {us['fast']:8.2f} µs a cell  (the anchor)")
    for name, label in (
        ("cold", "parse_actual, cold cache:"),
        ("uncached", "parse_actual_uncached:"),
    ):
        print(
            f"  {label:<28} {us[name]:8.2f} µs a cell  ({us[name] / us['fast']:.2f}x fast_parse; "
            f"{us['lark'] / us[name]:.1f}x faster than Lark)"
        )
    print(
        f"  Lark, same reading:          {us['lark']:8.2f} µs a cell  ({us['lark'] / us['fast']:.1f}x fast_parse)"
    )
    print(
        f"  not simple, cold ({len(hard):,} cells):  {us['hard cold']:8.2f} µs a cell  "
        f"({us['hard cold'] / us['hard lark']:.2f}x Lark alone on them)"
    )
    print(
        f"  extended shapes ({len(ext):,} cells, {ext_taken:,} on the fast path): fast_parse "
        f"{us['ext fast']:.2f} µs a cell ({us['ext fast'] / us['fast']:.2f}x the simple shapes, "
        f"{us['ext lark'] / us['ext fast']:.1f}x faster than Lark on them); parse_actual cold "
        f"{us['ext cold']:.2f} µs ({us['ext cold'] / us['cold']:.2f}x the simple shapes cold, "
        f"{us['ext lark'] / us['ext cold']:.1f}x faster than Lark)"
    )
    print(
        f"  targets, distinct simple, cold ({len(simple_targets):,}): {us['targets cold']:6.2f} µs a "
        f"cell  ({us['targets cold'] / us['targets fast']:.2f}x fast_parse)"
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--distinct", type=int, default=50_000, help="distinct cells (uncached)")
    ap.add_argument("--repeat", type=int, default=2_000_000, help="cached look-ups")
    ap.add_argument("--pool", type=int, default=500, help="distinct cells behind the cached run")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--profile", action="store_true", help="cProfile the uncached path")
    ap.add_argument("--cold", type=int, default=50_000, help="cold distinct actuals")
    ap.add_argument("--rounds", type=int, default=3, help="rounds of the cold measurements")
    ap.add_argument("--only-cold", action="store_true", help="only the cold actuals")
    ap.add_argument("--quick", action="store_true", help="small sizes (a smoke run for CI)")
    args = ap.parse_args(argv)
    if args.quick:
        args.distinct, args.repeat, args.cold, args.rounds = 5_000, 200_000, 5_000, 2

    print(f"python {platform.python_version()} on {platform.machine()} ({platform.system()})")
    start = time.perf_counter()
    _parser()
    print(f"parser built in {(time.perf_counter() - start) * 1000:.0f} ms (once per process)")

    if args.only_cold:
        cold_actuals(args.cold, args.seed, args.rounds)
        return 0
    cells = make_cells(args.distinct, args.seed)
    if args.profile:
        profile = cProfile.Profile()
        profile.enable()
        _rate(parse_target_uncached, cells)
        profile.disable()
        pstats.Stats(profile, stream=sys.stdout).sort_stats("tottime").print_stats(25)
        return 0

    rate, errors = _rate(parse_target_uncached, cells)
    print(
        f"targets, distinct, uncached: {rate:>12,.0f} cells/s  ({len(cells):,} cells, {errors} errors)"
    )
    target = parse_target("≥50个")
    rate, errors = _rate(lambda c: parse_actual_uncached(c, target), cells)
    print(
        f"actuals, distinct, uncached: {rate:>12,.0f} cells/s  ({len(cells):,} cells, {errors} errors)"
    )

    rng = random.Random(args.seed)
    units = ["人", "个", "万元", "%", "次", "公里", "元", "亩", "户", "项"]
    leads = ["", "", "≥", "≤", "不少于", "不超过", ">"]
    simple = [
        f"{rng.choice(leads)}{rng.randint(0, 999)}.{i:06d}{rng.choice(units)}"
        if i % 10
        else f"20{i % 100:02d}年{rng.randint(1, 12)}月底前"
        for i in range(args.distinct)
    ]
    fast_rate, _ = _rate(parse_target_uncached, simple)
    lark_rate, _ = _rate(_parse_lark, simple[: max(1, len(simple) // 10)])
    print(
        f"simple cells, distinct:      {fast_rate:>12,.0f} cells/s  (fast path; Lark on the same "
        f"cells {lark_rate:,.0f} cells/s: {fast_rate / lark_rate:.1f}x)"
    )

    pool = make_cells(args.pool, args.seed + 1)
    valid = []
    for cell in pool:
        try:
            parse_target(cell)
            valid.append(cell)
        except TargetSyntaxError:
            pass
    repeated = [valid[i % len(valid)] for i in range(args.repeat)]
    cache_clear()
    rate, _ = _rate(parse_target, repeated)
    print(
        f"targets, repeated, cached:   {rate:>12,.0f} cells/s  ({len(repeated):,} look-ups of {len(valid)} cells)"
    )
    rate, _ = _rate(lambda c: parse_actual(c, target), repeated)
    print(f"actuals, repeated, cached:   {rate:>12,.0f} cells/s  (with a target lending its unit)")
    cold_actuals(args.cold, args.seed, args.rounds)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
