"""LLM providers through LangChain's ``init_chat_model``: any
``provider:model`` string (``openai:gpt-4o-mini``, ``anthropic:claude-…``,
``ollama:llama3``), and any OpenAI-compatible server via ``QUANTDESK_LLM_BASE_URL``
with an ``openai:`` model string. Provider packages are optional extras.
"""

from __future__ import annotations

from typing import Any

from langchain_core.language_models import BaseChatModel

from quantdesk.config import Settings
from quantdesk.errors import ConfigError

_EXTRA_FOR = {"openai": "openai", "anthropic": "anthropic", "ollama": "ollama"}
REQUEST_TIMEOUT_S = 30


def provider_chat_model(settings: Settings) -> BaseChatModel:
    """The configured LLM. Raises :class:`ConfigError` if it cannot be built."""
    spec = settings.mikey_model
    provider, sep, model = spec.partition(":")
    if not sep or not model:
        raise ConfigError(f"MIKEY_MODEL {spec!r} is not 'rules' or 'provider:model' (e.g. openai:gpt-4o-mini)")
    kwargs: dict[str, Any] = {"timeout": REQUEST_TIMEOUT_S, "max_retries": 1}
    if settings.llm_api_key is not None:
        kwargs["api_key"] = settings.llm_api_key.get_secret_value()
    if settings.llm_base_url:
        kwargs["base_url"] = settings.llm_base_url
    from langchain.chat_models import init_chat_model  # heavy import, only when an LLM is configured

    try:
        chat: BaseChatModel = init_chat_model(model, model_provider=provider, **kwargs)
        return chat
    except ImportError:
        extra = _EXTRA_FOR.get(provider, provider)
        raise ConfigError(f"MIKEY_MODEL {spec!r} needs the provider package: pip install -e '.[{extra}]'") from None
    except ValueError as exc:
        raise ConfigError(f"MIKEY_MODEL {spec!r}: {exc}") from None
