"""How traders write -> the words the grammar knows.

A second reading, used only when the text as typed is not understood: slang,
abbreviations and common typos ("lng", "shrt", "ape", "fade", "px"), a few other
languages' trade verbs (Spanish, Portuguese, German, French), emoji side markers,
``$SOL``-style tickers, number words ("twenty", "half a", "one and a half") and
phrasings of closes and cancels ("get me out of eth", "take half off sol", "kill my
orders", "pull order #3"). Each rewrite is a whole word or phrase for another, so
numbers the trader typed in digits are never touched, and the result is parsed by the
same closed grammar (an unknown word still makes it "not a command").

Nothing here may produce an approval: the approval check runs on the text as typed
first, and none of these rewrites yields an approval word.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Final

from agent.parser._number_words import spell_numbers

__all__ = ["normalize"]

# Whole-word replacements (lower case; matched between word boundaries).
WORDS: Final[Mapping[str, str]] = {
    # sides
    "lng": "long", "lon": "long", "lnog": "long", "logn": "long", "longg": "long", "loong": "long",
    "shrt": "short", "shrot": "short", "shor": "short", "sht": "short", "shortt": "short", "shorty": "short",
    "ape": "buy", "aped": "buy", "aping": "buy", "bid": "buy", "fade": "short", "fading": "short",
    "buying": "buy", "selling": "sell", "longing": "long", "shorting": "short",
    # other languages' trade verbs and words
    "compra": "buy", "comprar": "buy", "compre": "buy", "compro": "buy",
    "vende": "sell", "vender": "sell", "venda": "sell", "vendo": "sell",
    "kaufe": "buy", "kaufen": "buy", "kauf": "buy", "verkaufe": "sell", "verkaufen": "sell", "verkauf": "sell",
    "acheter": "buy", "achete": "buy", "achète": "buy", "achat": "buy", "vendre": "sell", "vends": "sell",
    "largo": "long", "corto": "short", "curto": "short",
    "apalancamiento": "leverage", "alavancagem": "leverage", "hebel": "leverage", "levier": "leverage",
    "cerrar": "close", "cierra": "close", "fechar": "close", "schliessen": "close", "schließen": "close",
    "fermer": "close", "ferme": "close",
    "abrir": "open", "abre": "open", "abra": "open", "öffne": "open", "öffnen": "open", "eröffne": "open",
    "ouvrir": "open", "ouvre": "open",
    "minha": "my", "meu": "my", "mi": "my", "mein": "my", "meine": "my", "meinen": "my", "ma": "my", "mon": "my",
    "posição": "position", "posicao": "position", "posición": "position", "posicion": "position",
    "precio": "price", "preço": "price", "preco": "price", "preis": "price", "prix": "price",
    # other typos and abbreviations
    "levarage": "leverage", "leverge": "leverage", "levrage": "leverage", "laverage": "leverage",
    "limt": "limit", "limi": "limit", "lmit": "limit", "px": "price", "pric": "price", "prise": "price",
    "bitcion": "bitcoin", "etherium": "ethereum", "etherum": "ethereum", "solona": "solana", "slana": "solana",
    "postion": "position", "positon": "position", "posiiton": "position", "possition": "position",
    "ordrs": "orders", "oders": "orders", "ballance": "balance", "balanace": "balance",
    "canel": "cancel", "cancle": "cancel", "cancell": "cancel", "clsoe": "close", "colse": "close",
    "cxl": "cancel", "offer": "sell", "cover": "close", "dump": "close",
}
# Whole words that carry no meaning in a command, dropped ("rn" = right now, "asap").
DROPPED: Final = frozenset({
    "rn", "asap", "pls", "plz", "please", "honestly", "just", "quickly", "quick", "real", "fast", "bro", "fam",
    "ser", "lol", "lmao", "kinda", "some", "de", "con", "mit", "avec", "com", "und", "et",
    "por", "favor", "bitte", "en", "em",
})
_SLIPPAGE_LEAD: Final = r"\b(?:with )?(?:max(?:imum)? )?slippage (?:of |at |max |up to |below |under )?"
# Phrases, in order (the longer first); each is a regex on the lower-cased text.
PHRASES: Final[tuple[tuple[str, str], ...]] = (
    (r"\bhalf an? ", "0.5 "),
    (r"\ba quarter of an? ", "0.25 "),
    (r"\ba hundred\b", "100"),
    (r"\ba thousand\b", "1k"),
    (r"\b(\d+) thousand\b", r"\1k"),
    (r"\bi(?:'| a)?m (?:going|gonna) (?:to )?", ""),
    (r"\b(?:i want to|i wanna|i'd like to|id like to|i would like to|i want|let's|lets|can you|could you|"
     r"would you|gonna|going to|i need to|i need|help me|for me)\b", ""),
    (r"\bbet against\b", "short"),
    # Order verbs around the order itself ("place a limit buy for 5 sol", "put in a bid for 0.05 btc").
    (r"^(?:place|put in|put up|enter|open) (?:an? )?(?=(?:limit |market )?(?:bid|buy|sell|offer|long|short|order)\b)",
     ""),
    (r"\b(?:lemme|let me) (?:get|grab|have)\b", ""),
    # A slippage bound, said either way round: "with 5% max slippage", "max slippage of 50bps" -> "slippage 5%".
    (r"\b(?:with |at )?(?:a )?(?:max(?:imum)? )?(\d+(?:\.\d+)?) ?(?:%|percent|pct) (?:max(?:imum)? )?slippage\b",
     r"slippage \1%"),
    (r"\b(?:with |at )?(?:a )?(?:max(?:imum)? )?(\d+(?:\.\d+)?) ?(?:bps|bp|basis points) (?:max(?:imum)? )?slippage\b",
     r"slippage \1 bps"),
    (_SLIPPAGE_LEAD + r"(\d+(?:\.\d+)?) ?(?:%|percent|pct)", r"slippage \1%"),
    (_SLIPPAGE_LEAD + r"(\d+(?:\.\d+)?) ?(?:bps|bp|basis points)", r"slippage \1 bps"),
    # "set a limit order to buy 1 sol at 140": the order, still a limit (its price asked if none is given).
    (r"^(?:(?:set|place|put in|put|enter|open|create) (?:a |an )?)?limit (?:order )?to (buy|sell|long|short)\b(.*)$",
     r"\1\2 limit"),
    (r"\b(?:can|could|would) u\b", ""),
    # A price asked in other words or languages: "how's eth looking", "was kostet sol", "cuánto cuesta btc".
    (r"\bhow(?:'s| is| are) (sol|solana|btc|bitcoin|eth|ether|ethereum) (?:looking|doing)\b", r"\1 price"),
    (r"\b(?:was kostet|wie viel kostet|cu[aá]nto cuesta|quanto custa|combien co[uû]te)\b", "price of"),
    (r"\bhow(?:'s| is| are) my (positions?|trades?|account|balance|pnl|orders?) (?:looking|doing)\b", r"my \1"),
    # An interjection before the request: "ugh fine close my sol", "alright, short 1 eth".
    (r"^(?:(?:ugh|fine|alright|allright|so|well|hmm+|um+|uh+|hey|yo|right|cool|great|ah|oh),? )+", ""),
    (r"\b(?:breaks|pushes|climbs|rallies|dumps|falls|crosses) (above|over|below|under)\b", r"goes \1"),
    (r"\b(bid|buy|sell|long|short) for\b", r"\1"),
    (r"\bro\b", "reduce only"),
    # Sizes said around the number: "5k notional", "6 of them", "$5000 more btc".
    (r"(\$?\d[\d.,]*k?)(?: usdc| usd)? notional\b", r"$\1"),
    (r"\bnotional (?:of )?(\$?\d)", r"$\1"),
    (r"\$\$", "$"),
    (r"(\d[\d.,]*k?) (?:of them|more)\b", r"\1"),
    # Sizing by margin: "with 500 usdc margin", "using 300 margin", "$1000 collateral" -> "margin 500".
    (r"\b(?:with|using|use|put|putting) (\$?\d[\d.,]*k?)(?: usdc| usd| dollars| bucks)?(?: of| in| as)? "
     r"(?:margin|collateral)\b", r"margin \1"),
    (r"(\$?\d[\d.,]*k?)(?: usdc| usd| dollars)? (?:of )?(?:margin|collateral)\b", r"margin \1"),
    (r"\bmargin (?:of|=|:) ?(\$?\d)", r"margin \1"),
    (r"\b(?:trim|cut|reduce) (\d+(?:\.\d+)?)% of (?:my )?", r"close \1% of "),
    (r"\bclose (?:my )?whole\b", "close my"),
    (r"\btake out\b", "withdraw"),
    (r"\b(?:ping|notify|tell|message|dm) me (if|when)\b", r"alert me \1"),
    (r"\blet me know (if|when)\b", r"alert me \1"),
    (r"\bprotect (?:my )?(sol|btc|eth)(?: long| short| position)? with an? stop(?: loss)?\b", r"stop loss \1"),
    (r"\bget (?:me )?out of (?:my )?", "close "),
    (r"\bget (?:me )?out\b", "close"),
    (r"\btake (?:half|50%) (?:off|of)(?: (?:my|the))?\b", "close half"),
    (r"\btrim (?:my )?(\w+) by half\b", r"close half \1"),
    (r"\b(?:trim|cut) (?:my )?(\w+) (?:by )?(\d+(?:\.\d+)?)%", r"close \2% of \1"),
    (r"\b(?:kill|nuke|clear|pull) (?:all )?(?:my |the )?(?:open )?orders\b", "cancel all orders"),
    (r"\b(?:kill|pull|yank|scrap) (?:my |the )?order\b", "cancel order"),
    (r"\b(?:pull|yank|scrap) #", "cancel order #"),
    (r"\bleverage (?:at|of) (\d)", r"leverage \1"),
    (r"\$(sol|btc|eth)\b", r"\1"),
    (r"\bl (\d|\.\d)", r"long \1"),
    (r"^s (\d|\.\d)", r"short \1"),
)
EMOJI: Final[Mapping[str, str]] = {"🟢": " long ", "🚀": " long ", "📈": " long ", "🔴": " short ", "📉": " short ",
                                   "🐻": " short ", "🐂": " long "}
_WORD: Final = re.compile(r"[a-zà-ÿß]+")


def normalize(text: str) -> str:
    """The text in the grammar's words (lower case); the same text when nothing applies."""
    out = text.lower()
    for mark, spoken in EMOJI.items():
        out = out.replace(mark, spoken)
    out = spell_numbers(out)  # first: "three quarters of a btc" before "a quarter of a" is read as 0.25
    for pattern, replacement in PHRASES:
        out = re.sub(pattern, replacement, out)

    def word(match: re.Match[str]) -> str:
        w = match.group()
        if w in DROPPED:
            return ""
        return WORDS.get(w, w)

    out = _WORD.sub(word, out)
    return " ".join(out.split())
