"""QuantDesk core: config, database, market data, exchange, wallet, risk, audit,
interfaces' back ends and the CLI. Never imports agent/ or tools/."""

__version__ = "0.1.0"

__all__ = ["__version__"]
