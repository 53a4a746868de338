"""Voice-ready output: format=speech has no markdown, tables or emoji, numbers
and symbols in words, one sentence per text_delta; a ticket read aloud says what
a trader must hear and its confirmation code; codes are never a word people say."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from httpx_sse import connect_sse
from openai import OpenAI

from interfaces.api import (
    SentenceStream,
    code_matches,
    heard_code,
    speak,
    spoken_code,
    spoken_money,
    spoken_number,
    voice_code,
)
from tests.doubles.loopback import serve
from tests.doubles.openai_chat import ChatDouble, Reply
from tests.interfaces.api.conftest import ApiWorld, api_settings, serving

NOT_SPOKEN = re.compile(r"[0-9*#|`_~\[\]<>$%]")
MARKDOWN_REPLY = ("## Funding, in short\n\n**Funding** moves money between longs and shorts every hour 💸. "
                  "When longs pay, a 2.5 SOL long at 5x pays about $0.15 an hour!\n\n"
                  "| side | pays |\n|---|---|\n| long | yes |\n\nSee [the docs](https://example.com/funding) ✅")


def assert_speakable(text: str) -> None:
    assert text and not NOT_SPOKEN.search(text), text
    assert all(ord(ch) < 0x2000 for ch in text), text  # no emoji or pictographs


def test_numbers_are_said_as_a_trader_says_them() -> None:
    assert speak("Long 2.5 SOL-PERP at 5x") == "Long two point five SOL perp at five x leverage"
    assert spoken_money("146.72") == "one hundred forty six dollars and seventy two cents"
    assert speak("bought 2 SOL-PERP @ 146.723000 (mark 146.6715)") == (
        "bought two SOL perp at about one hundred forty six dollars and seventy two cents (mark about one hundred "
        "forty six dollars and sixty seven cents)")
    assert spoken_money("1,000.00") == "one thousand dollars"
    assert spoken_money("0.01") == "one cent"
    assert spoken_money("0.146785") == "about fifteen cents"
    assert spoken_money("0.0001") == "zero point zero zero zero one dollars"
    assert spoken_number("-0.09") == "minus zero point zero nine"
    assert spoken_number("146.785000") == "one hundred forty six point seven eight five"
    assert speak("BTC-PERP 0.061% in 60 s, leverage 0.29x") == ("bitcoin perp zero point zero six one percent in "
                                                                "sixty seconds, leverage zero point two nine x")


def test_markdown_tables_emoji_hashes_and_links_are_not_read_out() -> None:
    said = speak(MARKDOWN_REPLY + "\nTicket 3463d62d70e0 signed, transaction 2UxWs8Cf4i8mh3J8…")
    assert_speakable(said)
    assert "Funding, in short. Funding moves money" in said
    assert "side, pays. long, yes" in said and "See the docs" in said and "example" not in said


def test_a_sentence_leaves_as_soon_as_it_ends() -> None:
    stream = SentenceStream()
    assert stream.feed("The mark is 146.7") == []
    assert stream.feed("8 now. Funding") == ["The mark is one hundred forty six point seven eight now."]
    assert stream.feed(" is positive") == []
    assert stream.flush() == ["Funding is positive"]


def test_a_voice_code_is_letter_digit_letter_digit_and_never_a_spoken_word() -> None:
    hashes = [f"{n:064x}" for n in range(2000)]
    codes = [voice_code(h) for h in hashes]
    assert all(re.fullmatch(r"[A-HJKMNP-TV-Z][2-9][A-HJKMNP-TV-Z][2-9]", c) for c in codes)
    assert len(set(codes)) > 1900  # spread over the hashes
    assert voice_code(hashes[7]) == voice_code(hashes[7])
    code = codes[7]
    assert code_matches(code.lower(), hashes[7]) and code_matches(spoken_code(code), hashes[7])
    assert code_matches(" - ".join(code), hashes[7])
    for said in ("yes", "do it", "yes do it", "okay", "sure", "confirm", "approve", "go ahead", "yeah"):
        assert not any(code_matches(said, h) for h in hashes[:200]), said
    assert heard_code("X-ray two Zulu nine") == "X2Z9"


def speech_events(api: ApiWorld, key: str, thread: str, message: str) -> list[tuple[str, dict]]:
    with api.client(key) as client, connect_sse(client, "POST", f"/v1/threads/{thread}/runs?format=speech",
                                                json={"message": message},
                                                headers={"Accept": "text/event-stream"}) as source:
        return [(e.event, json.loads(e.data)) for e in source.iter_sse()]


def test_speech_runs_say_answers_and_tickets_in_words(api: ApiWorld, alice: str) -> None:
    price = [d["delta"] for name, d in speech_events(api, alice, "sp-price", "price sol") if name == "text_delta"]
    assert price and all(assert_speakable(s) is None for s in price)
    assert price[0].startswith("SOL perp: one hundred forty six dollars and seventy eight cents")
    events = speech_events(api, alice, "sp-ticket", "long 2.5 SOL 5x")
    said = [d["delta"] for name, d in events if name == "text_delta"]
    [ticket] = [d for name, d in events if name == "ticket"]
    for sentence in said:
        assert_speakable(sentence)
        assert sentence.count(". ") == 0  # one sentence per event
    spoken = " ".join(said)
    assert spoken == ticket["speech"]
    assert "Ticket ready: Long two point five SOL perp at market, five x leverage." in spoken
    assert re.search(r"Expected fill (about )?one hundred forty six dollars and \w+( \w+)? cents", spoken)
    assert "fees about" in spoken and "liquidation price about one hundred" in spoken
    assert f"Confirmation code {spoken_code(ticket['voice_code'])}." in spoken
    assert "Voice approval is off" in spoken
    assert re.fullmatch(r"[0-9a-f]{64}", ticket["ticket"]["ticket_hash"])  # the screen still gets every field


def test_the_speech_header_makes_chat_completions_speakable(api: ApiWorld, alice: str) -> None:
    with OpenAI(api_key=alice, base_url=f"{api.base}/v1", max_retries=0) as client:
        reply = client.chat.completions.create(model="mikey", messages=[{"role": "user", "content": "my account"}],
                                               extra_headers={"X-Mikey-Format": "speech",
                                                              "X-Mikey-Thread-Id": "sp-oa"})
        chunks = list(client.chat.completions.create(
            model="mikey", stream=True, messages=[{"role": "user", "content": "long 1 SOL 2x"}],
            extra_headers={"X-Mikey-Format": "speech", "X-Mikey-Thread-Id": "sp-oa"}))
    assert_speakable(reply.choices[0].message.content or "")
    assert "dollars" in (reply.choices[0].message.content or "")
    pieces = [c.choices[0].delta.content for c in chunks if c.choices and c.choices[0].delta.content]
    assert len(pieces) >= 3 and all(assert_speakable(p.strip()) is None for p in pieces)
    assert "Confirmation code" in "".join(pieces)


@pytest.fixture
def llm_api(api: ApiWorld, tmp_path: Path) -> Iterator[str]:
    """The chat API with an LLM (a chat-completions double streaming its reply word by word)."""
    chat = ChatDouble(script=lambda _body: Reply(content=MARKDOWN_REPLY))
    with serve(chat.app()) as url:
        settings = api_settings(tmp_path / "data", api.db, mikey_model="openai:gpt-test", llm_base_url=url + "/v1",
                                llm_api_key="test-key")
        with serving(settings) as base:
            yield base


def test_a_streamed_model_reply_is_spoken_sentence_by_sentence(api: ApiWorld, alice: str, llm_api: str) -> None:
    import httpx

    with httpx.Client(base_url=llm_api, headers={"Authorization": f"Bearer {alice}"}, timeout=60) as client, \
            connect_sse(client, "POST", "/v1/threads/sp-llm/runs?format=speech",
                        json={"message": "explain funding to me like I'm five"},
                        headers={"Accept": "text/event-stream"}) as source:
        events = [(e.event, json.loads(e.data)) for e in source.iter_sse()]
    said = [d["delta"] for name, d in events if name == "text_delta"]
    assert len(said) >= 5, said
    for sentence in said:
        assert_speakable(sentence)
    assert said[0] == "Funding, in short"
    assert "When longs pay, a two point five SOL long at five x leverage pays about fifteen cents an hour!" in said
    assert events[-1][0] == "run_finished"
