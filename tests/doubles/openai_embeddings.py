"""A test double of an OpenAI-compatible embeddings endpoint (``POST /v1/embeddings``),
speaking the real wire format, so our httpx client runs unchanged.

Vectors are deterministic (seeded by the text) and honour ``dimensions``; the
double can answer 429 a given number of times first, and records every request.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route


@dataclass
class EmbeddingsDouble:
    api_key: str = "test-key"
    native_dim: int = 1536
    honour_dimensions: bool = True
    rate_limited: int = 0  # answer 429 this many times first
    requests: list[dict[str, Any]] = field(default_factory=list)

    @staticmethod
    def vector(text: str, dim: int) -> list[float]:
        seed = int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "little")
        v = np.random.default_rng(seed).normal(size=dim)
        return (v / np.linalg.norm(v)).tolist()

    async def _embeddings(self, request: Request) -> Response:
        if request.headers.get("authorization") != f"Bearer {self.api_key}":
            return JSONResponse({"error": {"message": "Incorrect API key provided", "type": "invalid_request_error",
                                           "code": "invalid_api_key"}}, status_code=401)
        body = await request.json()
        self.requests.append(body)
        if self.rate_limited > 0:
            self.rate_limited -= 1
            return JSONResponse({"error": {"message": "Rate limit reached", "type": "requests"}}, status_code=429,
                                headers={"retry-after": "0"})
        inputs = body["input"] if isinstance(body["input"], list) else [body["input"]]
        dim = body.get("dimensions") if self.honour_dimensions and body.get("dimensions") else self.native_dim
        data = [{"object": "embedding", "index": i, "embedding": self.vector(text, dim)}
                for i, text in enumerate(inputs)]
        data.reverse()  # the protocol orders by "index", not by position: clients must sort
        return JSONResponse({"object": "list", "data": data, "model": body.get("model"),
                             "usage": {"prompt_tokens": 3 * len(inputs), "total_tokens": 3 * len(inputs)}})

    def app(self) -> Starlette:
        return Starlette(routes=[Route("/v1/embeddings", self._embeddings, methods=["POST"])])
