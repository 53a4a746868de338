"""The chat API (``quantdesk api``, port 3002): MIKEY over HTTP for integrations,
bots and voice front ends. FastAPI + uvicorn, an adapter over ``agent.ChatSession``
like the terminal and the web page: it holds no trading logic.

It lives in interfaces/ rather than quantdesk/ because imports point one way,
interfaces → agent → tools → quantdesk, and quantdesk/ never imports agent/:
every adapter over ChatSession is an interface. Its one MIKEY per process comes
from ``interfaces._assembly.open_mikey``; keys and users from ``quantdesk.users``.

Routes: ``POST /v1/threads/{id}/runs`` (SSE or JSON), ``GET /v1/threads/{id}``,
``GET|POST /v1/tickets/{hash}[/approve|/reject]``, ``GET /v1/positions|orders|account``,
``GET /v1/prices/{symbol}``, ``POST /v1/chat/completions`` (OpenAI-compatible),
``POST /v1/link-codes`` (a one-time code linking a Slack/Discord identity),
``/healthz``, ``/readyz``, ``/openapi.json`` and ``/docs``.
"""

from interfaces.api._app import create_app
from interfaces.api._numbers import spoken_money, spoken_number
from interfaces.api._speech import SentenceStream, speak
from interfaces.api._voice import code_matches, heard_code, spoken_code, voice_code

__all__ = [
    "SentenceStream", "code_matches", "create_app", "heard_code", "speak", "spoken_code", "spoken_money",
    "spoken_number", "voice_code",
]
