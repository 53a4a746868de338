"""The LLM path runs the real provider client against an OpenAI-compatible
chat-completions double on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from langchain_core.messages import HumanMessage
from langchain_core.tools import StructuredTool

from agent.models import provider_chat_model
from quantdesk.errors import ConfigError
from tests.conftest import make_settings
from tests.doubles.loopback import serve
from tests.doubles.openai_chat import ChatDouble, Reply
from tools.schemas import MarketArgs


@pytest.fixture
def double() -> ChatDouble:
    return ChatDouble()


@pytest.fixture
def base_url(double: ChatDouble) -> Iterator[str]:
    with serve(double.app()) as url:
        yield url + "/v1"


def _price_tool() -> StructuredTool:
    return StructuredTool.from_function(lambda market: market, name="get_price",
                                        description="Pyth price of a market.", args_schema=MarketArgs)


def test_the_real_openai_client_receives_our_tools_and_returns_tool_calls(double: ChatDouble, base_url: str,
                                                                          tmp_path: Path) -> None:
    double.replies.append(Reply(tool_calls=(("get_price", {"market": "SOL-PERP"}),)))
    model = provider_chat_model(make_settings(tmp_path, mikey_model="openai:gpt-test", llm_base_url=base_url,
                                              llm_api_key="test-key"))
    reply = model.bind_tools([_price_tool()]).invoke([HumanMessage("what's SOL doing?")])
    assert [(c["name"], c["args"]) for c in reply.tool_calls] == [("get_price", {"market": "SOL-PERP"})]
    (request,) = double.requests
    assert request["model"] == "gpt-test"
    assert request["tools"][0]["function"]["name"] == "get_price"
    assert request["messages"][-1] == {"role": "user", "content": "what's SOL doing?"}


def test_streaming_text_arrives_in_chunks(double: ChatDouble, base_url: str, tmp_path: Path) -> None:
    double.replies.append(Reply(content="SOL is at 150.12"))
    model = provider_chat_model(make_settings(tmp_path, mikey_model="openai:gpt-test", llm_base_url=base_url,
                                              llm_api_key="test-key"))
    chunks = [c.content for c in model.stream([HumanMessage("hi")])]
    assert "".join(chunks).strip() == "SOL is at 150.12"
    assert len([c for c in chunks if c]) >= 3


def test_a_wrong_api_key_surfaces_as_an_authentication_error(double: ChatDouble, base_url: str,
                                                             tmp_path: Path) -> None:
    import openai

    model = provider_chat_model(make_settings(tmp_path, mikey_model="openai:gpt-test", llm_base_url=base_url,
                                              llm_api_key="wrong"))
    with pytest.raises(openai.AuthenticationError):
        model.invoke([HumanMessage("hi")])
    assert double.requests == []


@pytest.mark.parametrize(("spec", "message"), [
    ("gpt-4o", "is not 'rules' or 'provider:model'"),
    ("notaprovider:x", "MIKEY_MODEL 'notaprovider:x'"),
])
def test_bad_model_strings_are_config_errors(tmp_path: Path, spec: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        provider_chat_model(make_settings(tmp_path, mikey_model=spec))
