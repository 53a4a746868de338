"""The one settings class. Read once at start-up (:func:`load_settings`) and
passed down; nothing imports a settings global.

Environment variables use the ``QUANTDESK_`` prefix (``QUANTDESK_VENUE=solana``);
a ``.env`` file in the working directory is read too. Two well-known names are
also accepted without the prefix: ``DATABASE_URL`` and ``MIKEY_MODEL``.
Secrets are ``SecretStr``: they print as ``**********`` and never reach logs.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import AliasChoices, Field, SecretStr, ValidationError, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from quantdesk.errors import ConfigError
from quantdesk.masking import mask_url

__all__ = ["Settings", "load_settings", "mask_url"]

_SECRET_FIELDS = frozenset({"database_url", "wallet_passphrase", "hermes_api_key", "llm_api_key", "web_auth_secret",
                            "embed_api_key", "mcp_api_key", "slack_bot_token", "slack_app_token",
                            "slack_signing_secret", "discord_bot_token"})
_HEADER_NAME = re.compile(r"^[A-Za-z0-9!#$%&'*+.^_`|~-]+$")  # an HTTP header name (RFC 9110 token)


class Settings(BaseSettings):
    """Everything configurable about QuantDesk, with embedded defaults."""

    model_config = SettingsConfigDict(
        env_prefix="QUANTDESK_",
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        populate_by_name=True,
        frozen=True,
    )

    # --- storage -------------------------------------------------------------
    data_dir: Path = Field(Path(".data"), description="Where embedded state lives (database, wallets).")
    database_url: SecretStr | None = Field(
        None,
        validation_alias=AliasChoices("QUANTDESK_DATABASE_URL", "DATABASE_URL", "database_url"),
        description="PostgreSQL URL; unset means the embedded PostgreSQL in data_dir.",
    )
    db_pool_max: int = Field(10, ge=1, le=100, description="Connections per process pool.")
    thread_turn_wait_s: float = Field(
        60.0, gt=0, le=3600, description="How long a turn waits for another process's turn of the same "
                                         "conversation to end before it is refused (nothing done).")

    # --- execution -----------------------------------------------------------
    venue: Literal["paper", "solana"] = "paper"
    solana_rpc_url: str = "https://api.devnet.solana.com"
    solana_cluster: Literal["devnet", "testnet", "mainnet-beta", "localnet"] = "devnet"
    wallet_path: Path | None = Field(
        None, description="Solana CLI keypair JSON or encrypted keystore; unset means the paper wallet in data_dir."
    )
    wallet_passphrase: SecretStr | None = None
    # Solana venue (quantdesk.exchange.solana): the deployed program and how transactions are sent.
    solana_program_id: str | None = Field(None, description="Deployed QuantDesk program id; unset = the IDL's.")
    solana_commitment: Literal["confirmed", "finalized"] = "confirmed"  # 'processed' can roll back
    solana_confirm_deadline_s: float = Field(60.0, gt=0, le=600)
    solana_poll_interval_s: float = Field(0.5, gt=0, le=30)
    solana_resend_interval_s: float = Field(2.0, gt=0, le=60)
    solana_rpc_timeout_s: float = Field(10.0, gt=0, le=120)
    solana_compute_unit_limit: int = Field(300_000, ge=1, le=1_400_000)
    solana_priority_fee_micro_lamports: int = Field(1_000, ge=0, le=10_000_000)

    # --- market data ---------------------------------------------------------
    pyth_source: Literal["replay", "hermes", "onchain"] = "replay"
    hermes_url: str = "https://hermes.pyth.network"
    hermes_api_key: SecretStr | None = None

    # --- market data / ingest (quantdesk.market, quantdesk.ingest) ------------
    # Quality gate: trading refuses a price older than price_max_age_s or whose
    # confidence/price exceeds price_max_conf_ratio (0.01 = 1 %).
    price_max_age_s: int = Field(30, ge=1, le=86_400, description="Older prices are 'stale'.")
    price_max_conf_ratio: Decimal = Field(
        Decimal("0.01"), gt=0, lt=1, description="Confidence/price above this is 'wide'."
    )
    # Replay source: recorded Binance candles turned into ticks (see quantdesk/market/data/PROVENANCE.md).
    replay_speed: float = Field(1.0, gt=0, le=1_000_000, description="1 = real time; tests and demos go faster.")
    replay_loop: bool = Field(True, description="Start again from the first candle at the end of the data.")
    replay_data_dir: Path | None = Field(None, description="Folder of replay CSVs; unset means the packaged data.")
    # On-chain source: the registry's PriceUpdateV2 accounts unless overridden per symbol.
    onchain_poll_interval_ms: int = Field(1000, ge=50, le=60_000)
    onchain_accounts: dict[str, str] = Field(
        default_factory=dict,
        description='Symbol → Pyth price account to read instead of the registry\'s, e.g. {"SOL/USD": "7UVi..."}.',
    )
    # Source resilience: exponential backoff with jitter, then a circuit breaker.
    source_backoff_initial_s: float = Field(0.5, gt=0, le=60)
    source_backoff_max_s: float = Field(30.0, gt=0, le=3600)
    breaker_failure_threshold: int = Field(5, ge=1, le=1000, description="Consecutive failures that open the breaker.")
    breaker_open_s: float = Field(30.0, gt=0, le=3600, description="How long the breaker stays open before a retry.")
    # Ingest service: batched COPY into Postgres, raw-tick retention (candles are kept).
    ingest_batch_size: int = Field(5000, ge=1, le=200_000)
    ingest_flush_interval_ms: int = Field(100, ge=1, le=600_000)
    ingest_max_ticks_per_feed: int = Field(2_000_000, ge=1,
                                           description="Raw ticks kept per feed; older ones are deleted.")
    ingest_retention_interval_s: float = Field(60.0, gt=0, le=86_400)

    # --- model ---------------------------------------------------------------
    mikey_model: str = Field(
        "rules",
        validation_alias=AliasChoices("QUANTDESK_MIKEY_MODEL", "MIKEY_MODEL", "mikey_model"),
        description="'rules' (offline parser) or a LangChain model string such as 'openai:gpt-4o-mini'.",
    )
    llm_api_key: SecretStr | None = None
    llm_base_url: str | None = None

    # --- knowledge base (knowledge/) --------------------------------------------
    knowledge_dir: Path | None = Field(None, description="Folder of the corpus (*.md); unset means knowledge/docs.")
    embedder: Literal["onnx", "api"] = Field(
        "onnx", description="'onnx': the packaged all-MiniLM-L6-v2; 'api': an OpenAI-compatible /v1/embeddings.")
    # fp32 vs int8 measured on evals/datasets/knowledge_questions.jsonl: see README "Knowledge".
    embed_model: Literal["fp32", "int8"] = Field("fp32", description="Which packaged ONNX file embeds.")
    embed_threads: int = Field(2, ge=1, le=64, description="onnxruntime intra-op threads.")
    embed_api_url: str | None = Field(None, description="'api' embedder: base URL, e.g. https://api.openai.com/v1.")
    embed_api_model: str = "text-embedding-3-small"
    embed_api_key: SecretStr | None = None

    # --- services (ports from the seed architecture) --------------------------
    host: str = "127.0.0.1"
    web_port: int = Field(3001, ge=1, le=65535)
    api_port: int = Field(3002, ge=1, le=65535)
    ingest_port: int = Field(3003, ge=1, le=65535)

    # --- web sign-in (app.py, quantdesk.users) ---------------------------------
    web_auth: Literal["password", "header"] = Field(
        "password", description="'password': users of `quantdesk user`; 'header': an auth proxy names the user.")
    web_auth_header: str = Field("X-Forwarded-User", description="Header mode: the header the proxy sets.")
    web_allowed_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Origins allowed besides the page's own, comma-separated (e.g. https://desk.example.com).")
    web_auth_secret: SecretStr | None = Field(
        None, validation_alias=AliasChoices("QUANTDESK_WEB_AUTH_SECRET", "CHAINLIT_AUTH_SECRET", "web_auth_secret"),
        description="Signs web sessions; unset means a generated one kept in data_dir.")

    # --- chat API (interfaces/api, `quantdesk api`) ---------------------------
    api_rate_per_s: float = Field(5.0, gt=0, le=100_000, description="Requests a second per API key, on average.")
    api_rate_burst: int = Field(20, ge=1, le=1_000_000, description="Requests a key may send at once (bucket size).")
    api_max_body_bytes: int = Field(65_536, ge=1024, le=16_777_216, description="Larger request bodies get 413.")
    api_max_message_chars: int = Field(4000, ge=1, le=100_000, description="Longest chat message accepted.")
    api_cors_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=list, description="Browser origins allowed to call the API (CORS), comma-separated; "
                                          "none by default (CORS off).")

    # --- MCP server (interfaces/mcp, `quantdesk mcp`) ---------------------------
    mcp_port: int = Field(3004, ge=1, le=65535, description="`quantdesk mcp --http`: the streamable HTTP port.")
    mcp_api_key: SecretStr | None = Field(
        None, validation_alias=AliasChoices("QUANTDESK_MCP_API_KEY", "MIKEY_MCP_API_KEY", "mcp_api_key"),
        description="`quantdesk mcp` over stdio: the API key whose user it acts as (over HTTP each request "
                    "brings its own).")

    # --- identity links (quantdesk.users, `quantdesk link`, POST /v1/link-codes) ---
    link_code_ttl_s: int = Field(600, ge=60, le=3600, description="How long a one-time link code works.")

    # --- Slack bot (interfaces/slack, `quantdesk bot slack`) --------------------
    slack_bot_token: SecretStr | None = Field(None, description="The bot token (xoxb-…), OAuth & Permissions.")
    slack_mode: Literal["socket", "http"] = Field(
        "socket", description="'socket': Socket Mode (needs slack_app_token, no public URL); 'http': Events API "
                              "requests to slack_port (needs slack_signing_secret).")
    slack_app_token: SecretStr | None = Field(None, description="Socket Mode: the app-level token (xapp-…).")
    slack_signing_secret: SecretStr | None = Field(None, description="HTTP mode: verifies Slack's requests.")
    slack_port: int = Field(3005, ge=1, le=65535,
                            description="HTTP mode: where Slack's requests arrive (/slack/events).")
    slack_api_url: str = Field("https://slack.com/api/", description="Slack's Web API base URL.")

    # --- Discord bot (interfaces/discord_bot, `quantdesk bot discord`) ---------
    discord_bot_token: SecretStr | None = Field(None, description="The bot token (Developer Portal → Bot → Token).")

    # --- logging -------------------------------------------------------------
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    log_format: Literal["auto", "json", "console"] = "auto"

    @field_validator("data_dir")
    @classmethod
    def _absolute_data_dir(cls, value: Path) -> Path:
        return value.expanduser().resolve()

    @field_validator("database_url")
    @classmethod
    def _valid_database_url(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value().strip():
            return None
        raw = value.get_secret_value().strip()
        parts = urlsplit(raw)
        if "://" not in raw and "=" in raw:
            raise ValueError(f"must be a postgresql:// URL, not a libpq keyword string (got {mask_url(raw)}); "
                             "write it as postgresql://user:password@host:port/dbname")
        if parts.scheme not in ("postgresql", "postgres"):
            raise ValueError(
                f"must be a postgresql:// URL (got scheme {parts.scheme or 'none'!r}: {mask_url(raw)})"
            )
        if not parts.netloc and "host=" not in parts.query:
            raise ValueError(f"has no host (got {mask_url(raw)})")
        return SecretStr(raw)

    @field_validator("web_auth_header")
    @classmethod
    def _header_name(cls, value: str) -> str:
        if not _HEADER_NAME.fullmatch(value):
            raise ValueError(f"must be an HTTP header name such as X-Forwarded-User (got {value!r})")
        return value

    @field_validator("web_allowed_origins", "api_cors_origins", mode="before")
    @classmethod
    def _origins(cls, value: object) -> object:
        items = value.split(",") if isinstance(value, str) else value
        if not isinstance(items, list | tuple):
            return value
        origins = []
        for item in (str(i).strip() for i in items):
            parts = urlsplit(item)
            if item and (parts.scheme not in ("http", "https") or not parts.hostname or parts.path
                         or parts.query or parts.fragment or parts.username is not None):
                raise ValueError(f"each origin is scheme://host[:port] with no path, e.g. https://desk.example.com "
                                 f"(got {item!r})")
            if item:
                origins.append(item.lower())
        return origins

    @field_validator("web_auth_secret")
    @classmethod
    def _long_secret(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value().strip():
            return None
        if len(value.get_secret_value().strip()) < 32:
            raise ValueError("must be at least 32 characters (`chainlit create-secret` makes one), or unset it")
        return SecretStr(value.get_secret_value().strip())

    @field_validator("discord_bot_token")
    @classmethod
    def _discord_token(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value().strip():
            return None
        return SecretStr(value.get_secret_value().strip())

    @field_validator("slack_bot_token", "slack_app_token", "slack_signing_secret")
    @classmethod
    def _slack_secret(cls, value: SecretStr | None, info: ValidationInfo) -> SecretStr | None:
        if value is None or not value.get_secret_value().strip():
            return None  # unset or empty: `quantdesk bot slack` says which one is missing
        raw = value.get_secret_value().strip()
        prefix = {"slack_bot_token": "xoxb-", "slack_app_token": "xapp-"}.get(info.field_name or "")
        if prefix is not None and not raw.startswith(prefix):
            raise ValueError(f"must start with {prefix} (the {'bot' if prefix == 'xoxb-' else 'app-level'} token "
                             "from your Slack app's settings)")
        return SecretStr(raw)

    @field_validator("wallet_path")
    @classmethod
    def _wallet_exists(cls, value: Path | None) -> Path | None:
        if value is None:
            return None
        path = value.expanduser().resolve()
        if not path.is_file():
            raise ValueError(f"wallet file {path} does not exist (point QUANTDESK_WALLET_PATH at an existing "
                             "keypair file, or unset it to use the paper wallet)")
        return path

    @property
    def embedded_db_dir(self) -> Path:
        """The pgdata folder of the embedded PostgreSQL."""
        return self.data_dir / "pg"

    def display(self) -> dict[str, str]:
        """Every setting as text for people: secrets masked, URLs without passwords or keys."""
        shown: dict[str, str] = {}
        for name in type(self).model_fields:
            value = getattr(self, name)
            if name == "database_url":
                shown[name] = "(embedded)" if value is None else mask_url(value.get_secret_value())
            elif isinstance(value, SecretStr):
                shown[name] = "**********" if value.get_secret_value() else "(empty)"
            elif value is None:
                shown[name] = "(not set)"
            else:
                shown[name] = mask_url(str(value))  # RPC/Hermes/LLM URLs may carry user:pass@ or ?api-key=
        return shown

    def __repr_args__(self) -> Iterator[tuple[str | None, Any]]:
        # repr()/str() of the settings (tracebacks, debuggers) show URLs masked like display().
        for name, value in super().__repr_args__():
            yield name, mask_url(value) if isinstance(value, str) else value


def load_settings(**overrides: Any) -> Settings:
    """Read settings from the environment (and ``.env``), once.

    Raises :class:`ConfigError` with one line per bad field; secret inputs are
    never echoed back.
    """
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        lines = []
        for err in exc.errors():
            field = ".".join(str(p) for p in err["loc"]) or "settings"
            env = f"QUANTDESK_{field.upper()}" if not field.isupper() else field
            msg = err["msg"].removeprefix("Value error, ")
            if field not in _SECRET_FIELDS and err["type"] != "value_error":
                msg = f"{msg} (got {mask_url(repr(err['input']))})"
            lines.append(f"{env}: {msg}")
        raise ConfigError("invalid configuration: " + "; ".join(lines)) from None
