"""Chat models for MIKEY: the offline ``rules`` model and LLM providers."""

from agent.models._provider import provider_chat_model
from agent.models._rules import RulesChatModel, dialogue_context

__all__ = ["RulesChatModel", "dialogue_context", "provider_chat_model"]
