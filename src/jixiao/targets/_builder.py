"""Building a 年度指标值 node: the Lark transformer (callbacks run inline, no parse tree is
built), the one LALR parser built lazily from ``grammar/target.lark``, and parsing one cell with
it (the fast path first, a sentence kept whole as qualitative text)."""

from __future__ import annotations

import calendar
import re
import threading
from decimal import Decimal
from typing import Any

from lark import Lark, Token, Transformer, v_args
from lark.exceptions import (
    LarkError,
    UnexpectedInput,
)
from lark.lexer import ContextualLexer

from jixiao.errors import ArgumentTypeError, TargetSyntaxError
from jixiao.numerals import parse_chinese, parse_decimal, to_ascii_digits
from jixiao.resources import grammar_path
from jixiao.targets import lexicon as lx
from jixiao.targets._pieces import (
    check_incl,
    check_near_miss,
    make_bound,
    make_range,
    misread_comparator,
    negated,
    note_and_unit,
    open_unit,
    qty_end,
    read_date,
    read_dots,
    reads_back,
    wan_belongs_to_number,
    with_included,
)
from jixiao.targets._recovery import recover
from jixiao.targets._signals import (
    COMPARATOR_WORDS_EXPECTED,
    INSIDE_WORDS,
    PROSE,
    CellError,
    Date,
    Prose,
    Qty,
    bi_msg,
    cut_punct,
    has_prose_punct,
    tok_end,
    tok_start,
)
from jixiao.targets.ast import (
    Amount,
    Comparison,
    Deadline,
    Empty,
    Qualitative,
    Range,
    Target,
)
from jixiao.targets.fast import fast_parse
from jixiao.targets.framing import not_achieved
from jixiao.targets.normalize import normalize
from jixiao.units import lookup_unit

__all__ = ["build_parser", "lark_parser", "parse_cell", "parse_lark", "parse_normal", "prose_node"]


# ---------------------------------------------------------------------------------- transformer


@v_args(inline=True)
class _Builder(Transformer[Token, Any]):
    """Turns each grammar rule into AST nodes as the parser reduces it. Stateless (one instance
    serves every thread)."""

    # -- whole cells

    def empty(self, tok: Token) -> Empty:
        return Empty(text=str(tok), span=(tok_start(tok), tok_end(tok)))

    def prose(self, tok: Token) -> Qualitative:
        text = str(tok)
        return Qualitative(text, lx.scale_of(text), span=(tok_start(tok), tok_end(tok)))

    def declared(self, marker: Token, body: Any) -> Any:
        if body is None:
            return Empty(text=str(marker), span=(tok_start(marker), tok_end(marker)))
        if isinstance(body, Qualitative) and "性" in str(marker):
            return Qualitative(body.text, body.scale, True, span=body.span)
        return body

    # -- pieces

    def quantity(self, num: Token, mid: Token | None, unit: Token | None) -> Qty:
        start = tok_start(num)
        if num.type == "NUMBER":
            # the lexer has checked the digits; only separators and full-width forms remain
            text = str(num) if num.isascii() else to_ascii_digits(num)
            value = Decimal(text.replace(",", "") if "," in text else text)
            chinese = False
        else:
            try:
                value = parse_chinese(num)
            except ValueError:
                raise CellError(
                    bi_msg(f"无法识别的中文数字「{num}」", f"not a Chinese numeral: {str(num)!r}"),
                    start,
                    len(num),
                    ("数字",),
                ) from None
            chinese = True
        approx = lx.APPROX_MID[str(mid)] if mid is not None else None
        if unit is None:
            end = tok_end(mid if mid is not None else num)
            return Qty(value, None, None, end, approx, start, end, chinese)
        word = "".join(str(unit).split())
        if word[:1] in "(（":
            word = word[1:-1]  # a unit in brackets: ≥45（人）
        elif chinese and word[:1] in "万萬" and wan_belongs_to_number(str(num)):
            # 一亿二千五百万人: a numeral never ends in 万 for the lexer, so its 万 went to the
            # unit (万人); after 亿 with no 万 of its own it is the number's 万, not a magnitude
            value = parse_chinese(str(num) + "万")
            word = word[1:]
            if not word:
                end = tok_end(unit)
                return Qty(value, None, None, end, approx, start, end, chinese)
        return Qty(
            value,
            lookup_unit(word),
            word,
            tok_start(unit),
            approx,
            start,
            tok_end(unit),
            chinese,
        )

    def percent_words(self, tok: Token) -> Qty:
        body = to_ascii_digits(str(tok)[3:])
        try:
            value = parse_decimal(body) if body[:1].isdigit() else parse_chinese(body)
        except ValueError:
            raise CellError(
                bi_msg(f"无法识别的中文数字「{body}」", f"not a Chinese numeral: {body!r}"),
                tok_start(tok) + 3,
                len(body),
                ("数字",),
            ) from None
        return Qty(
            value, lookup_unit("%"), "%", tok_end(tok), None, tok_start(tok), tok_end(tok), True
        )

    # -- quantities

    def qcell(
        self,
        label: Token | None,
        lead: Token | None,
        minus: Token | None,
        qty: Qty,
        sep: Token | None,
        high: Qty | None,
        incl: Token | None,
        trail: Token | None,
        incl_after: Token | None,
        note_tok: Token | None,
    ) -> Any:
        if minus is not None:
            qty = negated(qty, minus)
        if incl is not None and incl_after is not None:
            raise CellError(
                bi_msg("包含说明写了两次", "the inclusivity note is written twice"),
                tok_start(incl_after),
                len(incl_after),
                ("结束",),
                bi_msg("只保留一个「（含）」", "keep one of them"),
            )
        incl = incl if incl is not None else incl_after
        last = high if high is not None else qty
        read = note_and_unit(last, note_tok, trail)
        if isinstance(read, Prose):
            return PROSE
        note, unit = read
        if unit is not last.unit:
            last = Qty(
                last.value,
                unit,
                last.unit_text,
                last.unit_start,
                last.approx,
                last.start,
                last.end,
                last.chinese,
            )
        label_text = None
        if label is not None:
            label_text = str(label)
            if label_text.endswith("第") or lx.STOP_AT_END.search(label_text):
                return PROSE  # an ordinal (第3期…) or a dangling comparator word
            if lead is None and len(label_text) == 1 and label_text not in lx.LABEL_WORDS:
                misread_comparator(label)
            start = tok_start(label)
        elif lead is not None:
            start = tok_start(lead)
        else:
            start = qty.start
        end = qty_end(note_tok, trail, last)
        for tok in (incl_after, incl):
            if tok is not None:
                end = max(end, tok_end(tok))
        if high is None:
            node = make_bound(label_text, lead, last, trail, note, start, end)
            return with_included(node, incl) if incl is not None else node
        if incl is not None:
            check_incl(incl, last)
        return make_range(label_text, lead, qty, last, trail, note, start, end)

    # -- deadlines

    def date_words(self, first: Token, sep: Token | None, second: Token | None) -> Date:
        y, m, d, eom, off = read_date(first)
        if second is None:
            return Date(y, m, d, eom, None, tok_start(first), tok_end(first), off)
        y2, m2, d2, eom2, off2 = read_date(second)
        if d is None and eom and m is not None:
            d = calendar.monthrange(y or 2000, m)[1]
        return Date(
            y2 if y2 is not None else y,
            m2,
            d2,
            eom2,
            (y, m, d),
            tok_start(first),
            tok_end(second),
            off2 if y2 is not None or off2 else off,
        )

    def date_dots(self, first: Token, sep: Token | None, second: Token | None) -> Date:
        y, m, d = read_dots(first)
        if second is None:
            return Date(y, m, d, False, None, tok_start(first), tok_end(first))
        y2, m2, d2 = read_dots(second)
        return Date(
            y2 if y2 is not None else y,
            m2,
            d2,
            False,
            (y, m, d),
            tok_start(first),
            tok_end(second),
        )

    def goal(
        self, lead: Token | None, qty: Qty, trail: Token | None
    ) -> tuple[Token | None, Qty, Token | None]:
        return (lead, qty, trail)

    def dl_suffix(self, tok: Token) -> tuple[Token | None, Comparison | Amount | None, Token]:
        return (None, None, tok)

    def dl_goal(
        self,
        conn: Token | None,
        goal: tuple[Token | None, Qty, Token | None],
        tail: Token | None,
    ) -> tuple[Token | None, Comparison | Amount | None, Token | None] | Prose:
        lead, qty, trail = goal
        if conn is not None and (
            has_prose_punct(str(conn)) or any(ch in "（(【[〔［" for ch in str(conn))
        ):
            # 于2023年11月完成，比计划提前1个月: a clause after the date, not its goal
            return PROSE
        if conn is None and (lead is None or lead.type == "APPROX_PRE"):
            raise CellError(
                bi_msg("日期后的数字缺少说明", "a number after a date needs a word such as 完成"),
                qty.start,
                qty.end - qty.start,
                ("完成", COMPARATOR_WORDS_EXPECTED, "结束"),
                bi_msg("如「11月底完成100%」", "e.g. 11月底完成100%"),
            )
        if tail is not None and trail is None:
            check_near_miss(qty, str(tail), tok_start(tail))
        if tail is not None:
            word = cut_punct(str(tail))
            if qty.unit is None and trail is not None:
                return PROSE  # 约9左右多TB: a word after an approximation, not a unit
            if qty.unit is None and open_unit(word):
                # 11月底完成5羽: the word after a bare number is its unit, as in a quantity cell
                qty = Qty(
                    qty.value,
                    lookup_unit(word),
                    word,
                    tok_start(tail),
                    qty.approx,
                    qty.start,
                    tok_end(tail),
                    qty.chinese,
                )
                tail = None
            elif not reads_back(qty.unit, word):
                return PROSE
        # 年底可完成100人: words of a plan before the goal are kept with it (its label), so that
        # an actual saying when it may be done is not read as done
        words = str(conn).strip() if conn is not None else ""
        label = words if words and not_achieved(words) == "plan" else None
        return (
            conn,
            make_bound(label, lead, qty, trail, None, qty.start, qty_end(None, trail, qty)),
            tail,
        )

    def deadline(
        self,
        label: Token | None,
        rel_pre: Token | None,
        date: Date,
        rel: Token | None,
        tail: tuple[Token | None, Comparison | Amount | None, Token | None] | Prose | None,
    ) -> Deadline | Prose:
        if isinstance(tail, Prose):
            return PROSE
        if rel_pre is not None:
            relation = lx.REL_PRE[str(rel_pre)]
        elif date.start is not None:
            relation = "by"
        elif rel is not None:
            relation = "by" if (str(rel) in INSIDE_WORDS or date.day or date.eom) else "before"
        else:
            relation = "at"
        prefix = str(label) if label is not None else None
        goal = tail[1] if tail is not None else None
        suffix_tok = tail[2] if tail is not None else None
        suffix = cut_punct(str(suffix_tok)) if suffix_tok is not None else None
        if prefix and (has_prose_punct(prefix) or lx.STOP_AT_END.search(prefix)):
            return PROSE
        if suffix and (has_prose_punct(suffix) or lx.SUFFIX_AT_END.search(suffix)):
            return PROSE
        first = label if label is not None else rel_pre
        start = tok_start(first) if first is not None else date.start_pos
        end = date.end
        for piece in (rel, *(tail or ())):
            if isinstance(piece, Token):
                end = max(end, tok_end(piece))
            elif piece is not None and piece.span is not None:
                end = max(end, piece.span[1])
        return Deadline(
            year=date.year,
            month=date.month,
            written_day=date.day,
            end_of_month=date.eom,
            relation=relation,  # type: ignore[arg-type]
            year_offset=date.offset,
            start=date.start,
            goal=goal,
            prefix=prefix or None,
            suffix=suffix or None,
            span=(start, end),
        )


# ------------------------------------------------------------------------------ the parser


_LOCK = threading.Lock()
_PARSER: Lark | None = None


class _StateLexer(ContextualLexer):
    """Lark's contextual lexer without its second try at a character no terminal of the parser
    state reads. That try matches the character against every terminal of the grammar, only to
    raise ``UnexpectedToken`` in place of ``UnexpectedCharacters`` when one matches, and on first
    use it compiles a scanner of all the terminals (34–55 ms, once a process, at the first
    damaged cell). :func:`~jixiao.targets._recovery.recover` reads both errors the same way (the
    position, the token before it and the parser state are the same), so a cell's result is
    unchanged; ``tests/test_targets_errors.py`` checks it against Lark's own lexer."""

    def lex(self, lexer_state: Any, parser_state: Any) -> Any:
        lexers = self.lexers
        try:
            while True:
                yield lexers[parser_state.position].next_token(lexer_state, parser_state)
        except EOFError:
            return


def build_parser(*, state_lexer: bool = True) -> Lark:
    """A new parser of the target grammar; with *state_lexer* (what :func:`lark_parser` keeps)
    its lexer is :class:`_StateLexer`, else Lark's own contextual lexer (the tests compare)."""
    template = grammar_path("target.lark").read_text(encoding="utf-8")
    parser = Lark(
        lx.grammar_text(template),
        parser="lalr",
        lexer="contextual",
        transformer=_Builder(),
        maybe_placeholders=True,
    )
    lexer = getattr(getattr(parser, "parser", None), "lexer", None)
    if (
        state_lexer
        and type(lexer) is ContextualLexer
        and isinstance(getattr(lexer, "lexers", None), dict)
    ):
        lexer.__class__ = _StateLexer  # a Lark laid out otherwise keeps its own lexer
    return parser


def lark_parser() -> Lark:
    global _PARSER
    parser = _PARSER
    if parser is None:
        with _LOCK:
            parser = _PARSER
            if parser is None:
                parser = _PARSER = build_parser()
    return parser


# ------------------------------------------------------------------------------ entry points

_NODE_TYPES = (Comparison, Amount, Range, Deadline, Qualitative, Empty)
_DECLARED = re.compile(r"\s*((?:定[性量]\s*)+)")


def prose_node(text: str) -> Qualitative | Empty:
    body = text.strip()
    declared = False
    m = _DECLARED.match(body)
    if m is not None:
        declared = "性" in m.group(1)
        body = body[m.end() :]
        if not body:
            return Empty(text=text)
    start = text.find(body[:1]) if body else 0
    return Qualitative(body, lx.scale_of(body), declared, span=(start, start + len(body)))


def parse_cell(cell: str) -> Target:
    if not isinstance(cell, str):
        raise ArgumentTypeError(f"a cell is text, not {type(cell).__name__}")
    node = fast_parse(cell)  # the simple shapes, read exactly as the grammar reads them
    if node is not None:
        return node
    return parse_lark(cell)


def parse_lark(cell: str) -> Target:
    """A cell read by the grammar (every shape; the reference the fast path must equal)."""
    if not cell or cell.isspace():
        return Empty(text=cell)
    # one character for one: positions in the normalised text are positions in the cell
    text = normalize(cell)
    try:
        return parse_normal(text)
    except TargetSyntaxError as err:
        if text is cell:
            raise
        raise TargetSyntaxError(**err.arguments(cell)) from None


def parse_normal(text: str) -> Target:
    node: Any
    try:
        node = lark_parser().parse(text)
    except CellError as exc:
        raise exc.error(text) from None
    except UnexpectedInput as exc:
        node = recover(text, exc)
    except LarkError as exc:  # pragma: no cover - a grammar bug, not bad input
        raise TargetSyntaxError(
            f"无法解析 (cannot parse): {exc.__class__.__name__}", text, 0
        ) from None
    if node is PROSE:
        return prose_node(text)
    assert isinstance(node, _NODE_TYPES), node
    return node
