"""QuantDesk users: the identity every surface (terminal, web, API, bots) maps to."""

from quantdesk.users._names import MAX_USER_NAME, InvalidUserName, local_user_name, validate_user_name

__all__ = ["MAX_USER_NAME", "InvalidUserName", "local_user_name", "validate_user_name"]
