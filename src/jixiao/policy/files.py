"""Finding and reading policy files: shipped names, paths, and the ``extends`` chain."""

from __future__ import annotations

import functools
from pathlib import Path

from jixiao.errors import Location, PolicyError, PolicyProblem
from jixiao.policy import ast as A
from jixiao.policy.names import did_you_mean
from jixiao.policy.syntax import parse_policy_text
from jixiao.resources import rules_dir

__all__ = [
    "MAX_EXTENDS",
    "display_path",
    "extends_of",
    "parse_cached",
    "read_chain",
    "resolve_spec",
    "shipped_policies",
]

MAX_EXTENDS = 16


def shipped_policies() -> tuple[str, ...]:
    """Names of the policies shipped in ``rules/`` (``central``, ``hubei`` …)."""
    return tuple(sorted(p.stem for p in rules_dir().glob("*.policy")))


def display_path(path: Path) -> str:
    try:
        rel = path.resolve().relative_to(rules_dir().resolve())
        return f"rules/{rel.as_posix()}"
    except ValueError:
        return str(path)


def resolve_spec(spec: str, base_dir: Path | None, loc: Location | None) -> Path:
    is_name = "/" not in spec and "\\" not in spec and not spec.endswith(".policy")
    if is_name:
        path = rules_dir() / f"{spec}.policy"
        if path.is_file():
            return path
        hint = did_you_mean(spec, shipped_policies()) or "内置策略 (shipped)：" + "、".join(
            shipped_policies()
        )
        raise PolicyError(
            [
                PolicyProblem(
                    f"没有名为「{spec}」的内置策略 (no shipped policy named {spec!r})",
                    loc or Location(spec),
                    hint,
                )
            ]
        )
    path = Path(spec)
    if not path.is_absolute() and base_dir is not None:
        path = base_dir / path
    if not path.is_file():
        raise PolicyError(
            [
                PolicyProblem(
                    f"找不到策略文件「{spec}」 (policy file not found: {spec})",
                    loc or Location(spec),
                    "内置策略可直接用名称，如 central (shipped policies are loaded by name)",
                )
            ]
        )
    return path


def read_chain(spec: str) -> tuple[tuple[str, str], ...]:
    """The files from the root base to *spec*, as (display path, text) pairs."""
    chain: list[tuple[str, str]] = []
    seen: list[str] = []
    shown: list[str] = []
    path = resolve_spec(spec, None, None)
    loc: Location | None = None
    while True:
        key = str(path.resolve())
        display = display_path(path)
        if key in seen:
            cycle = " → ".join([*shown[seen.index(key) :], display])
            raise PolicyError(
                [
                    PolicyProblem(
                        f"extends 形成循环：{cycle} (extends cycle)", loc or Location(display)
                    )
                ]
            )
        if len(seen) >= MAX_EXTENDS:
            raise PolicyError(
                [
                    PolicyProblem(
                        f"extends 层数超过 {MAX_EXTENDS} (too many extends levels)",
                        loc or Location(display),
                    )
                ]
            )
        seen.append(key)
        shown.append(display)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as err:
            raise PolicyError(
                [
                    PolicyProblem(
                        f"无法读取策略文件 (cannot read the policy file): {err}", Location(display)
                    )
                ]
            ) from None
        chain.append((display, text))
        base = extends_of(text, display)
        if base is None:
            break
        spec_b, loc = base
        path = resolve_spec(spec_b, path.parent, loc)
    return tuple(reversed(chain))


def extends_of(text: str, display: str) -> tuple[str, Location] | None:
    parsed = parse_cached(display, text)
    if parsed.extends is None:
        return None
    return parsed.extends, parsed.extends_loc or Location(display, 1, 1, 1, text)


@functools.lru_cache(maxsize=64)
def parse_cached(display: str, text: str) -> A.PolicyFile:
    return parse_policy_text(text, display)
