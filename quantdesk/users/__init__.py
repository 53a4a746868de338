"""QuantDesk users: the identity every surface (terminal, web, API, bots) maps to,
stored in Postgres, with their sign-in (argon2id password hashes; an auth proxy's
header; API keys, stored as SHA-256), their linked Slack/Discord identities and one-time
link codes, and the key that signs web sessions."""

from quantdesk.users._api_keys import ApiKeyGate, ApiKeyRecord, ApiKeyStore, KeyCheck, NewApiKey, UnknownApiKey
from quantdesk.users._links import (
                                    PLATFORMS,
                                    IdentityLinks,
                                    IdentityTaken,
                                    InvalidIdentity,
                                    InvalidLinkCode,
                                    LinkRecord,
                                    NewLinkCode,
                                    UnknownIdentity,
                                    find_link_code,
                                    validate_identity,
)
from quantdesk.users._names import MAX_USER_NAME, InvalidUserName, local_user_name, validate_user_name
from quantdesk.users._passwords import MAX_PASSWORD, MIN_PASSWORD, WeakPassword, check_password
from quantdesk.users._secret import SECRET_FILE, web_auth_secret
from quantdesk.users._signin import NAME_FAILURES, NAME_WINDOW_S, SignIn
from quantdesk.users._store import UnknownUser, UserExists, UserRecord, UserStore
from quantdesk.users._throttle import FailureThrottle

__all__ = [
    "ApiKeyGate",
    "ApiKeyRecord",
    "ApiKeyStore",
    "KeyCheck",
    "NewApiKey",
    "UnknownApiKey",
    "PLATFORMS",
    "IdentityLinks",
    "IdentityTaken",
    "InvalidIdentity",
    "InvalidLinkCode",
    "LinkRecord",
    "NewLinkCode",
    "UnknownIdentity",
    "find_link_code",
    "validate_identity",
    "MAX_USER_NAME",
    "InvalidUserName",
    "local_user_name",
    "validate_user_name",
    "MAX_PASSWORD",
    "MIN_PASSWORD",
    "WeakPassword",
    "check_password",
    "SECRET_FILE",
    "web_auth_secret",
    "SignIn",
    "UnknownUser",
    "UserExists",
    "UserRecord",
    "UserStore",
    "FailureThrottle",
    "NAME_FAILURES",
    "NAME_WINDOW_S",
]
