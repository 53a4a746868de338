"""Properties of the offline command parser over generated text: it never
raises, it reads numbers exactly, and nothing outside its vocabulary can turn
text into a trade."""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal

from hypothesis import assume, given, settings
from hypothesis import strategies as st

import agent.parser as normalize_module
from agent.parser import Ambiguous, NotUnderstood, ToolCalls, parse_command, tokenize
from agent.parser import _lexicon as lexicon
from tools.schemas import TOOL_ARGS, TRADING_TOOLS

WALLET = "9xQeWvG816bUx9EPjHmaT23yvVM2ZWbrrpZb9PusVFin"

# --- generators ---------------------------------------------------------------------


@st.composite
def typed_numbers(draw: st.DrawFn) -> tuple[str, Decimal]:
    """A positive number in any form a trader types, and its exact value: "42", "0.30",
    "1,250.5", ".5" (a leading point), "5." (a trailing point, which is 5). The parser's
    other forms (a "$" before it, "k" after it, "x" leverage) come from the templates."""
    integer = draw(st.integers(min_value=0, max_value=10**12))
    fraction = draw(st.text("0123456789", max_size=10))
    form = draw(st.sampled_from(["plain", "grouped", "leading point", "trailing point"]))
    if form == "leading point":
        fraction = fraction or draw(st.text("0123456789", min_size=1, max_size=10))
        text = f".{fraction}"
    elif form == "trailing point":
        text = f"{integer}."
    else:
        whole = f"{integer:,}" if form == "grouped" else str(integer)
        text = f"{whole}.{fraction}" if fraction else whole
    value = Decimal(text.replace(",", ""))
    assume(value > 0)
    return text, value


@st.composite
def malformed_numbers(draw: st.DrawFn) -> str:
    """Digits with points or commas where no number form puts them: a lone decimal comma
    (",5": 0.5, or a slip for 5?), a decimal comma or a misplaced thousands separator
    ("1,5", "1,0000"), doubled or repeated points ("..5", "5..", "1.2.3")."""
    digits = st.text("0123456789", min_size=1, max_size=6)
    short = st.text("0123456789", min_size=1, max_size=2)
    return draw(st.one_of(
        digits.map(lambda d: f",{d}"),
        st.tuples(digits, short).map(lambda p: f"{p[0]},{p[1]}"),
        st.tuples(digits, st.text("0123456789", min_size=4, max_size=6)).map(lambda p: f"{p[0]},{p[1]}"),
        st.tuples(st.text("0123456789", max_size=3), digits).map(lambda p: f"{p[0]}..{p[1]}"),
        digits.map(lambda d: f"{d}.."),
        st.tuples(digits, digits, digits).map(lambda p: f"{p[0]}.{p[1]}.{p[2]}"),
    ))


_VOCABULARY = sorted(
    set(lexicon.MARKET_ALIASES) | set(lexicon.SIDE_WORDS) | set(lexicon.ORDER_TYPE_WORDS) | lexicon.ORDER_FILLERS
    | lexicon.STOP_FILLERS | lexicon.CLOSE_FILLERS | lexicon.CLOSE_VERBS | lexicon.CANCEL_FILLERS
    | lexicon.WITHDRAW_FILLERS | lexicon.ALERT_FRAME | lexicon.ALERT_ABOVE | lexicon.ALERT_BELOW
    | lexicon.READ_COMMON | lexicon.POSITION_KEYS | lexicon.ACCOUNT_KEYS | lexicon.HISTORY_KEYS
    | lexicon.CANDLE_KEYS | lexicon.PRICE_VOCAB | lexicon.SEARCH_VERBS | lexicon.APPROVAL_WORDS
    | {"cancel", "withdraw", "quote", "risk", "check", "half", "reduce", "only", "x", "times", "leverage"}
)
_PIECES = st.one_of(
    st.sampled_from(_VOCABULARY),
    st.sampled_from(["2", "0.3", "1,250.50", "1.5k", "$500", "5x", "x5", "25%", "-3", "1,25", "5m", "7d", "#42",
                     "7f3a9c", WALLET, "@", "@150", "?", "!", ",", "sol-perp", "—", "…", "\x00", "\u200b"]),
    st.text(max_size=6),
)
word_salad = st.lists(_PIECES, max_size=12).map(" ".join)

# Commands that prepare a ticket (each is covered by the phrasing table).
TRADING_COMMANDS = [
    "long 2 sol 5x", "buy $500 of btc perp", "short eth 0.3 limit 3100", "sell 1.5 sol at 150",
    "close half my sol", "close my btc position", "close 0.5 sol", "stop loss sol 140", "take profit on eth at 4000",
    "cancel all orders", "cancel order 42", "withdraw 100", f"withdraw 100 to {WALLET}",
]
# Words in no rule's vocabulary: their presence must stop a trade.
FOREIGN_WORDS = ["ignore", "previous", "instructions", "transfer", "mean", "why", "should", "dont", "never",
                 "maybe", "admin", "system", "pretend", "not", "no", "unless", "everyone", "wire", "drain"]
APPROVAL_WORDS = ["approve", "approved", "confirm", "yes", "ok", "okay", "sure", "lgtm", "sign"]


def _trading_calls(result: object) -> list[str]:
    if not isinstance(result, ToolCalls):
        return []
    return [c.name for c in result.calls if c.name in TRADING_TOOLS]


# --- never raises, always well-formed ------------------------------------------------------------


def _assert_well_formed(text: str) -> None:
    result = parse_command(text)
    assert isinstance(result, ToolCalls | NotUnderstood | Ambiguous)
    if isinstance(result, ToolCalls):
        assert result.calls
        for tool_call in result.calls:
            assert type(tool_call.args) is TOOL_ARGS[tool_call.name]
            values = [getattr(tool_call.args, name) for name in type(tool_call.args).model_fields]
            assert not any(isinstance(value, float) for value in values)
    elif isinstance(result, Ambiguous):
        assert result.question
    else:
        assert result.help


@settings(max_examples=400, deadline=None)
@given(st.text())
def test_any_text_gets_a_well_formed_answer(text: str) -> None:
    _assert_well_formed(text)


@settings(max_examples=400, deadline=None)
@given(word_salad)
def test_any_mix_of_command_words_gets_a_well_formed_answer(text: str) -> None:
    _assert_well_formed(text)


@settings(max_examples=200, deadline=None)
@given(word_salad)
def test_parsing_is_deterministic(text: str) -> None:
    assert parse_command(text) == parse_command(text)


# --- exact numbers ----------------------------------------------------------------------

# (command with a slot for the number, the argument it must land in)
_NUMBER_TEMPLATES: list[tuple[str, str]] = [
    ("long {} sol 5x", "size"),
    ("short eth {} limit 3100", "size"),
    ("sell {} sol at 150", "size"),
    ("buy ${} of btc perp", "notional_usd"),
    ("buy {} usdc of eth", "notional_usd"),
    ("long 2 sol {}x", "leverage"),
    ("long 2 sol x{}", "leverage"),
    ("long 2 sol {} times leverage", "leverage"),
    ("short eth 0.3 limit {}", "price"),
    ("sell 1.5 sol at {}", "price"),
    ("stop loss sol {}", "price"),
    ("stop loss {} sol at 140", "size"),
    ("quote long {} sol", "size"),
    ("close {} sol", "size"),
    ("withdraw {}", "amount_usd"),
    ("alert me when sol goes above {}", "level"),
]


def _glued_after(pattern: str) -> bool:
    """True when the template puts a unit right after the number ("{}x", "{}k")."""
    return not pattern.split("{}")[1][:1].isspace() and pattern.split("{}")[1] != ""


@settings(max_examples=600, deadline=None)
@given(typed_numbers(), st.sampled_from(_NUMBER_TEMPLATES))
def test_numbers_are_read_exactly_as_typed(number: tuple[str, Decimal], template: tuple[str, str]) -> None:
    text, value = number
    pattern, field = template
    result = parse_command(pattern.format(text))
    if text.endswith(".") and _glued_after(pattern):
        # "5.x" is no number form: asked about, never read as 5.
        assert isinstance(result, Ambiguous), result
        return
    assert isinstance(result, ToolCalls), result
    parsed = getattr(result.calls[0].args, field)
    assert isinstance(parsed, Decimal)
    assert parsed == value
    # The digits typed, trailing zeros included: "1,250.50" is 1250.50, ".5" is 0.5, "5." is 5.
    assert parsed.as_tuple() == Decimal(text.replace(",", "")).as_tuple()


@settings(max_examples=400, deadline=None)
@given(malformed_numbers(), st.sampled_from(_NUMBER_TEMPLATES))
def test_a_malformed_number_is_asked_about_never_read(text: str, template: tuple[str, str]) -> None:
    result = parse_command(template[0].format(text))
    assert isinstance(result, Ambiguous), result
    assert text in result.question


@settings(max_examples=200, deadline=None)
@given(typed_numbers())
def test_k_suffix_is_exactly_a_thousand_times(number: tuple[str, Decimal]) -> None:
    text, value = number
    result = parse_command(f"alert if btc drops below {text}k")
    if text.endswith("."):
        assert isinstance(result, Ambiguous), result  # "5.k"
        return
    assert isinstance(result, ToolCalls), result
    assert result.calls[0].args.level == value * 1000


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=1, max_value=100), st.text("0123456789", max_size=6))
def test_percent_close_is_exactly_a_hundredth(whole: int, fraction: str) -> None:
    text = f"{whole}.{fraction}" if fraction else str(whole)
    result = parse_command(f"close {text}% of sol")
    assert isinstance(result, ToolCalls | Ambiguous)  # over 100% is a question
    if isinstance(result, ToolCalls):
        assert result.calls[0].args.fraction * 100 == Decimal(text)


# --- nothing outside the vocabulary makes a trade ------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(TRADING_COMMANDS), st.sampled_from(FOREIGN_WORDS), st.integers(min_value=0, max_value=20))
def test_a_foreign_word_anywhere_stops_a_trade(command: str, foreign: str, position: int) -> None:
    words = command.split()
    words.insert(position % (len(words) + 1), foreign)
    assert _trading_calls(parse_command(" ".join(words))) == []


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(TRADING_COMMANDS), st.sampled_from(APPROVAL_WORDS), st.integers(min_value=0, max_value=20))
def test_an_approval_word_anywhere_makes_no_call_at_all(command: str, approval: str, position: int) -> None:
    words = command.split()
    words.insert(position % (len(words) + 1), approval)
    assert isinstance(parse_command(" ".join(words)), NotUnderstood)


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(TRADING_COMMANDS),
       st.sampled_from(["what does {} mean?", "{}?", "should i {}?", "why did {} fail", "explain {}"]))
def test_a_command_inside_a_question_is_not_a_trade(command: str, frame: str) -> None:
    assert _trading_calls(parse_command(frame.format(command))) == []


def _known_words() -> frozenset[str]:
    """Every word the lexicon module and the second reading's word list name, in any of their constants."""
    known: set[str] = set()

    def add(value: object) -> None:
        if isinstance(value, str):
            known.add(value)
        elif isinstance(value, Mapping):
            known.update(value)
        elif isinstance(value, frozenset | tuple):
            for item in value:
                add(item)

    for module in (lexicon, normalize_module):
        for name in dir(module):
            if name.isupper():
                add(getattr(module, name))
    return frozenset(known)


KNOWN_WORDS = _known_words()
_SENTENCE_BREAK = re.compile(r"[;!?\n]|[,:.](?=\s|$)")  # where a sentence's clauses end (as the parser reads them)


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(TRADING_COMMANDS), st.lists(st.tuples(_PIECES, st.integers(0, 20)), max_size=3))
def test_a_trade_is_made_only_of_known_words(command: str, insertions: list[tuple[str, int]]) -> None:
    # Closed world: whatever was inserted, if a trade comes out, every word in the text is one the
    # lexicon lists and nothing in it was unclassifiable.
    words = command.split()
    for piece, position in insertions:
        words.insert(position % (len(words) + 1), piece)
    text = " ".join(words)
    parsed = parse_command(text)
    if _trading_calls(parsed):
        # A longer sentence may carry its command in one clause ("honestly btc looks toppy, short 0.04
        # btc 4x"): then that clause alone reads as the command, made only of known words.
        clauses = [c for c in _SENTENCE_BREAK.split(text) if c.strip()] if _SENTENCE_BREAK.search(text) else []
        assert any(_known_only(c) and (c == text or parse_command(c) == parsed) for c in [text, *clauses]), text


def _known_only(text: str) -> bool:
    tokens = tokenize(text).tokens
    return all(t.text in KNOWN_WORDS for t in tokens if t.kind == "word") and not any(t.kind == "other" for t in tokens)
