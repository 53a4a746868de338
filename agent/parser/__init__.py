"""The offline command parser: the brain of the ``rules`` model.

``parse_command`` turns an unambiguous trading or account command in natural
phrasing ("long 2 SOL 5x", "close half my BTC", "alert me if eth drops below
3k") into the same tool calls an LLM would emit, with every number exactly as
typed (``Decimal``, never float). Text it cannot read with certainty is
``NotUnderstood`` (for the LLM) or ``Ambiguous`` (ask the trader ``question``).
It never approves anything: approval comes only from the ticket's button.
``route_question`` sends what is not a command but a question to the docs
(``search_knowledge``) or to the trader's history (``explain_event``).
"""

from agent.parser._attached import attached_triggers, one_at_a_time
from agent.parser._close_all import CloseAll, closes_everything
from agent.parser._collateral import CollateralSizing, collateral_sizing, sized_order
from agent.parser._entry_relative import EntryRelative, entry_relative, trigger_from_entry
from agent.parser._followups import EXECUTED, LISTED, Context, Reply, ToolUse, context_from, resolve_followup
from agent.parser._lexicon import ALL_MARKETS, MARKET_ALIASES, ORDER_FILLERS, ORDER_STATUS_WORDS, PERIOD_WORDS
from agent.parser._normalize import normalize
from agent.parser._order_slots import distinct, read_order_phrase
from agent.parser._parse import APPROVAL_REASON, MAX_COMMAND_CHARS, is_unambiguous_command, parse_command
from agent.parser._questions import route_question
from agent.parser._references import answer_to_question, listed_items, rereads
from agent.parser._result import HELP_TEXT, Ambiguous, NotUnderstood, Parsed, ToolCall, ToolCalls, build, calls
from agent.parser._suggest import EXAMPLES, is_greeting, is_help_request, nearest_commands
from agent.parser._tokens import tokenize

__all__ = [
    "APPROVAL_REASON",
    "HELP_TEXT",
    "MAX_COMMAND_CHARS",
    "Ambiguous",
    "NotUnderstood",
    "Parsed",
    "ToolCall",
    "ToolCalls",
    "is_unambiguous_command",
    "parse_command",
    "route_question",
    "tokenize",
    "build",
    "calls",
    "distinct",
    "read_order_phrase",
    "normalize",
    "MARKET_ALIASES",
    "ORDER_FILLERS",
    "ORDER_STATUS_WORDS",
    "PERIOD_WORDS",
    "is_greeting",
    "is_help_request",
    "nearest_commands",
    "Context",
    "Reply",
    "ToolUse",
    "context_from",
    "resolve_followup",
    "ALL_MARKETS",
    "EXAMPLES",
    "listed_items",
    "EXECUTED",
    "answer_to_question",
    "rereads",
    "CollateralSizing",
    "collateral_sizing",
    "sized_order",
    "attached_triggers",
    "one_at_a_time",
    "EntryRelative",
    "entry_relative",
    "trigger_from_entry",
    "LISTED",
    "CloseAll",
    "closes_everything",
]
