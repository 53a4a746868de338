"""Chat models for MIKEY: the offline ``rules`` model and LLM providers."""

from agent.models._provider import provider_chat_model

__all__ = ["provider_chat_model"]
