"""Finding and reading policy files: shipped names, paths, and the ``extends`` chain."""

from __future__ import annotations

import codecs
import errno
import functools
import os
from pathlib import Path

from jixiao.errors import Location, PolicyError, PolicyProblem
from jixiao.i18n import Msg
from jixiao.policy import ast as A
from jixiao.policy.names import suggest
from jixiao.policy.syntax import MAX_SIZE, parse_policy_text
from jixiao.resources import rules_dir

__all__ = [
    "MAX_EXTENDS",
    "SEARCH_PATH_ENV",
    "decode_policy",
    "display_path",
    "extends_of",
    "parse_cached",
    "read_chain",
    "read_policy_file",
    "resolve_spec",
    "search_path",
    "shipped_policies",
]

MAX_EXTENDS = 16
SEARCH_PATH_ENV = "JIXIAO_POLICY_PATH"


def shipped_policies() -> tuple[str, ...]:
    """Names of the policies shipped in ``rules/`` (``central``, ``hubei`` …)."""
    return tuple(sorted(p.stem for p in rules_dir().glob("*.policy")))


def display_path(path: Path) -> str:
    try:
        rel = path.resolve().relative_to(rules_dir().resolve())
        return f"rules/{rel.as_posix()}"
    except ValueError:
        return str(path)


def search_path() -> tuple[Path, ...]:
    """Folders named in ``JIXIAO_POLICY_PATH`` (separated like ``PATH``): a name that is not a
    shipped policy is looked up there, as ``<folder>/<name>.policy``."""
    raw = os.environ.get(SEARCH_PATH_ENV, "")
    return tuple(Path(p) for p in raw.split(os.pathsep) if p.strip())


def _problem(
    message: Msg, loc: Location, hint: Msg | None = None, code: str = "policy"
) -> PolicyProblem:
    return PolicyProblem.of(message, loc, hint, code=code)


_INSIDE = Msg(
    "只能继承内置策略名，或本文件所在文件夹内的 .policy 文件",
    "extends takes a shipped policy's name or a .policy file under this file's folder",
)


def resolve_spec(spec: str, base_dir: Path | None, loc: Location | None) -> Path:
    """The file *spec* names. With *base_dir* (an ``extends`` inside a file), a path must be a
    ``.policy`` file under *base_dir*: ``extends`` never reads anything else, and an error never
    shows a line of a file it refused."""
    is_name = "/" not in spec and "\\" not in spec and not spec.endswith(".policy")
    where = loc or Location(spec)
    if is_name:
        for folder in (rules_dir(), *search_path()):
            path = folder / f"{spec}.policy"
            if spec and not spec.startswith(".") and path.is_file():
                return path
        hint = suggest(spec, shipped_policies(), "内置策略", "shipped policies")
        message = Msg(f"没有名为「{spec}」的内置策略", f"no shipped policy is named {spec!r}")
        raise PolicyError([_problem(message, where, hint, "extends")])
    path = Path(spec)
    if base_dir is not None:
        if path.is_absolute() or not spec.endswith(".policy") or "\x00" in spec:
            message = Msg(f"extends 不能指向「{spec}」", f"extends cannot name {spec!r}")
            raise PolicyError([_problem(message, where, _INSIDE, "extends")])
        path = base_dir / path
        try:
            path.resolve().relative_to(base_dir.resolve())
        except (ValueError, OSError):
            message = Msg(
                f"extends 指向本文件夹之外：「{spec}」",
                f"extends leaves this file's folder: {spec!r}",
            )
            raise PolicyError([_problem(message, where, _INSIDE, "extends")]) from None
    if not path.is_file():
        message = Msg(f"找不到策略文件「{spec}」", f"policy file not found: {spec}")
        hint = Msg(
            "内置策略可直接用名称，如 central",
            "a shipped policy is loaded by its name, e.g. central",
        )
        raise PolicyError([_problem(message, where, hint, "extends")])
    return path


def decode_policy(data: bytes, display: str) -> str:
    """The text of a policy file: UTF-8, with or without a byte-order mark (Windows Notepad).

    Undecodable bytes are refused at the line and column of the first bad byte.
    """
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        head = data[: err.start]
        line = head.count(b"\n") + 1
        line_start = head.rfind(b"\n") + 1
        column = len(head[line_start:].decode("utf-8", errors="replace")) + 1
        hint = Msg("请以 UTF-8 编码保存策略文件", "save the policy file as UTF-8")
        try:
            data.decode("gb18030")
            hint = Msg(
                "文件似乎是 GBK/GB18030 编码；请另存为 UTF-8",
                "the file looks like GBK/GB18030: save it as UTF-8",
            )
        except UnicodeDecodeError:
            pass
        byte = f"0x{data[err.start]:02x}"
        message = Msg(
            f"第 {line} 行第 {column} 列的字节 {byte} 不是 UTF-8",
            f"the byte {byte} at line {line}, column {column} is not UTF-8",
        )
        raise PolicyError(
            [_problem(message, Location(display, line, column), hint, "encoding")]
        ) from None


def read_policy_file(path: Path, display: str) -> str:
    """Read and decode one policy file, refusing one too large before reading it."""
    try:
        size = path.stat().st_size
        if size > MAX_SIZE * 4:
            message = Msg(
                f"策略文件过大（{size} 字节）", f"the policy file is too large ({size} bytes)"
            )
            raise PolicyError([_problem(message, Location(display), code="limits")])
        data = path.read_bytes()
    except OSError as err:
        reason = str(err.strerror or err)
        message = Msg(
            f"无法读取策略文件：{_OS_REASONS.get(err.errno or 0, reason)}",
            f"cannot read the policy file: {reason}",
        )
        raise PolicyError([_problem(message, Location(display))]) from None
    return decode_policy(data, display)


#: Why a file cannot be read, in Chinese (the operating system says it in English).
_OS_REASONS = {
    errno.ENOENT: "文件不存在",
    errno.EACCES: "没有读取权限",
    errno.EPERM: "没有读取权限",
    errno.EISDIR: "这是一个文件夹",
    errno.ENAMETOOLONG: "文件名过长",
}


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
            message = Msg(f"extends 形成循环：{cycle}", f"extends goes round in a cycle: {cycle}")
            raise PolicyError([_problem(message, loc or Location(display))])
        if len(seen) >= MAX_EXTENDS:
            message = Msg(
                f"extends 层数超过 {MAX_EXTENDS}", f"more than {MAX_EXTENDS} levels of extends"
            )
            raise PolicyError([_problem(message, loc or Location(display))])
        seen.append(key)
        shown.append(display)
        text = read_policy_file(path, display)
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
