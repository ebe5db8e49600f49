"""jixiao's own decimal context: every score is computed the same whatever the caller's context.

The caller may have changed the thread's decimal context (``getcontext().prec = 3``, traps
cleared or added, ``Rounded`` trapped, another thread with another precision). Scoring, reading
numbers and rendering them run in :data:`CONTEXT` instead: the standard IEEE-like context of
28 digits, half-even rounding and the usual traps (``InvalidOperation``, ``DivisionByZero``,
``Overflow``). Rounding to the policy's places is done by the policy (``quantize`` with its own
rounding mode), never by the context.

Each thread gets its own copy (contexts carry sticky flags); :func:`jixiao_context` enters it and
restores the caller's context on the way out, and :func:`in_context` does so around a function
(a generator: around each step, so the caller's code between steps runs in its own context).
"""

from __future__ import annotations

import decimal
import functools
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import ParamSpec, TypeVar

__all__ = ["CONTEXT", "in_context", "in_context_iter", "jixiao_context"]

#: The template every thread's jixiao context is copied from (never installed itself).
CONTEXT = decimal.Context(
    prec=28,
    rounding=decimal.ROUND_HALF_EVEN,
    Emin=-999999,
    Emax=999999,
    capitals=1,
    clamp=0,
    flags=[],
    traps=[decimal.InvalidOperation, decimal.DivisionByZero, decimal.Overflow],
)

_local = threading.local()

P = ParamSpec("P")
R = TypeVar("R")
Y = TypeVar("Y")


def _ours() -> decimal.Context:
    ctx: decimal.Context | None = getattr(_local, "ctx", None)
    if ctx is None or not _pristine(ctx):
        ctx = CONTEXT.copy()
        _local.ctx = ctx
    return ctx


def _pristine(ctx: decimal.Context) -> bool:
    # Someone who got hold of our context inside a callback could have changed it: check the
    # settings that change results (flags are sticky and harmless).
    return (
        ctx.prec == CONTEXT.prec
        and ctx.rounding == CONTEXT.rounding
        and ctx.Emax == CONTEXT.Emax
        and ctx.Emin == CONTEXT.Emin
        and ctx.traps == CONTEXT.traps
    )


@contextmanager
def jixiao_context() -> Iterator[decimal.Context]:
    """Run a block in jixiao's decimal context; the caller's context is restored afterwards.

    >>> import decimal
    >>> with decimal.localcontext() as caller:
    ...     caller.prec = 3
    ...     with jixiao_context():
    ...         print(decimal.Decimal("95.71") + decimal.Decimal("0.001"))
    95.711
    """
    previous = decimal.getcontext()
    ctx = _ours()
    if previous is ctx:
        yield ctx
        return
    decimal.setcontext(ctx)
    try:
        yield ctx
    finally:
        decimal.setcontext(previous)


def in_context(fn: Callable[P, R]) -> Callable[P, R]:
    """Decorate a function so that it runs in jixiao's decimal context."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        previous = decimal.getcontext()
        ctx = _ours()
        if previous is ctx:
            return fn(*args, **kwargs)
        decimal.setcontext(ctx)
        try:
            return fn(*args, **kwargs)
        finally:
            decimal.setcontext(previous)

    return wrapper


def in_context_iter(fn: Callable[P, Iterator[Y]]) -> Callable[P, Iterator[Y]]:
    """Decorate a generator function: each step runs in jixiao's context, and the caller's
    context is back in place whenever the generator yields."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> Iterator[Y]:
        with jixiao_context():
            it = fn(*args, **kwargs)
        getcontext, setcontext = decimal.getcontext, decimal.setcontext
        while True:
            # jixiao_context() written out: this runs once per item of a long stream
            previous = getcontext()
            ctx = _ours()
            if previous is ctx:
                try:
                    item = next(it)
                except StopIteration:
                    return
            else:
                setcontext(ctx)
                try:
                    item = next(it)
                except StopIteration:
                    return
                finally:
                    setcontext(previous)
            yield item

    return wrapper
