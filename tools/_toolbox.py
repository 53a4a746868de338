"""The Toolbox: the tools MIKEY may call, as schemas for the model and as
handlers our graph calls with the caller's identity.

The model only ever sees names, descriptions (files in tools/descriptions/) and
argument schemas (tools/schemas.py). Calls come back through :meth:`Toolbox.call`,
which validates the arguments and passes a :class:`ToolContext` the model cannot
set: who is asking, in which thread, at what time. Errors we raise on purpose
become a tool result saying what went wrong; anything else a handler raises
becomes an error result too (logged with its traceback), so one tool's bug ends
that call, never the conversation.
"""

from __future__ import annotations

import functools
import inspect
import json
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any, ParamSpec

from langchain_core.tools import StructuredTool
from pydantic import BaseModel, ValidationError

from quantdesk.errors import QuantDeskError
from quantdesk.logs import get_logger
from quantdesk.tickets import OrderTicket
from tools._labels import tool_label
from tools.schemas import TOOL_ARGS

DESCRIPTIONS = Path(__file__).resolve().parent / "descriptions"
log = get_logger(__name__)


@dataclass(frozen=True)
class ToolContext:
    user_id: str
    thread_id: str
    now: datetime


@dataclass(frozen=True)
class ToolOutcome:
    """``text`` is what the model reads; ``data`` is the structured result for interfaces;
    ``ticket`` the ticket a trading tool prepared, as the model it is (see :meth:`artifact`)."""

    text: str
    data: dict[str, Any] = field(default_factory=dict)
    ticket: OrderTicket | None = None
    error: bool = False

    def artifact(self) -> dict[str, Any]:
        """The result as JSON for the transcript and the surfaces: ``data``, with the ticket
        rendered once, here at the edge, under ``ticket``."""
        data = self.data if self.ticket is None else {**self.data, "ticket": self.ticket.model_dump(mode="json")}
        rendered: dict[str, Any] = json.loads(json.dumps(data, default=str))
        return rendered


Handler = Callable[[Any, ToolContext], ToolOutcome | Awaitable[ToolOutcome]]
P = ParamSpec("P")


@dataclass(frozen=True)
class ToolHandler:
    """A handler that knows which declared tool it answers (see :func:`tool_handler`)."""

    name: str
    run: Handler

    def __call__(self, args: Any, ctx: ToolContext) -> ToolOutcome | Awaitable[ToolOutcome]:
        return self.run(args, ctx)


_FACTORIES: dict[str, Callable[..., ToolHandler]] = {}


def tool_handler(factory: Callable[P, Handler]) -> Callable[P, ToolHandler]:
    """Mark the handler factory of the declared tool it is named after (tools.schemas.TOOLS),
    so no tool name is spelled a second time; a factory for no declared tool, or a second
    one for the same tool, fails at import."""
    name = factory.__name__
    if name not in TOOL_ARGS:
        raise ValueError(f"{name} is not a tool declared in tools.schemas.TOOLS")
    if name in _FACTORIES:
        raise ValueError(f"a second handler factory for {name}")

    @functools.wraps(factory)
    def build(*args: P.args, **kwargs: P.kwargs) -> ToolHandler:
        return ToolHandler(name, factory(*args, **kwargs))

    _FACTORIES[name] = build
    return build


def handler_factories() -> dict[str, Callable[..., ToolHandler]]:
    """Every registered handler factory by tool name (of the handler modules imported so far)."""
    return dict(_FACTORIES)


def by_tool(*handlers: ToolHandler) -> dict[str, Handler]:
    """The handler dict a :class:`Toolbox` takes, keyed by each handler's tool."""
    return {handler.name: handler for handler in handlers}


@cache
def description(name: str) -> str:
    return (DESCRIPTIONS / f"{name}.md").read_text(encoding="utf-8").strip()


def _never_called(**_kwargs: Any) -> str:
    # Schemas are for the model; calls go through Toolbox.call with a ToolContext.
    raise RuntimeError("MIKEY tools are called through Toolbox.call")


class Toolbox:
    def __init__(self, handlers: Mapping[str, Handler]) -> None:
        unknown = set(handlers) - set(TOOL_ARGS)
        if unknown:
            raise ValueError(f"handlers for tools not in tools.schemas.TOOL_ARGS: {sorted(unknown)}")
        self._handlers = dict(handlers)

    def replacing(self, **handlers: Handler) -> Toolbox:
        """A toolbox with some handlers swapped (e.g. a different knowledge store)."""
        return Toolbox({**self._handlers, **handlers})

    @property
    def names(self) -> frozenset[str]:
        return frozenset(self._handlers)

    def schemas(self) -> list[StructuredTool]:
        """What the model is shown (bind_tools)."""
        return [
            StructuredTool.from_function(_never_called, name=name, description=description(name),
                                         args_schema=TOOL_ARGS[name].model_json_schema())
            for name in sorted(self._handlers)
        ]

    def _prepare(self, name: str, raw_args: Mapping[str, Any]) -> tuple[Handler, BaseModel] | ToolOutcome:
        handler = self._handlers.get(name)
        if handler is None:
            return ToolOutcome(f"error: there is no tool named {name!r}", {"error": "unknown_tool"}, error=True)
        try:
            return handler, TOOL_ARGS[name].model_validate(dict(raw_args))
        except ValidationError as exc:
            problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'arguments'}: "
                                 f"{e['msg'].removeprefix('Value error, ')}" for e in exc.errors())
            return ToolOutcome(f"error: invalid arguments for {name}: {problems}", {"error": "invalid_arguments",
                                                                                   "detail": problems}, error=True)

    async def call(self, name: str, raw_args: Mapping[str, Any], ctx: ToolContext) -> ToolOutcome:
        """Validate and run one tool call; handlers may be sync or async."""
        prepared = self._prepare(name, raw_args)
        if isinstance(prepared, ToolOutcome):
            return prepared
        handler, args = prepared
        try:
            result = handler(args, ctx)
            return await result if inspect.isawaitable(result) else result
        except QuantDeskError as exc:
            return ToolOutcome(f"error: {exc}", {"error": type(exc).__name__, "detail": str(exc)}, error=True)
        except Exception as exc:  # the turn's boundary: a bug in one tool must not end the chat
            # The traceback goes to the log (ids only, no arguments); the trader and the model get no internals.
            log.exception("tool_failed", tool=name, error=type(exc).__name__, user_id=ctx.user_id,
                          thread_id=ctx.thread_id)
            return ToolOutcome(f"error: the {tool_label(name)} request failed unexpectedly ({type(exc).__name__}); "
                               "nothing was prepared or sent. The error is logged; try again or rephrase.",
                               {"error": "internal_error", "detail": type(exc).__name__}, error=True)
