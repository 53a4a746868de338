"""The paper world (a bootstrapped exchange on a fresh database) for trading-layer tests."""

from tests.quantdesk.exchange.paper.conftest import world  # noqa: F401  (the fixture, shared with the paper tests)
