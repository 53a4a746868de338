"""Masking credentials inside URLs and connection strings before they are shown
or logged. One function, :func:`mask_url`, used by every place that prints a
URL (``config show``, ``db status``, error messages, the log processors, the
Hermes/RPC clients' descriptions and errors).

It masks, wherever they occur in the text it is given (a bare URL, a libpq
keyword string, or a whole log line or error message containing them):

- the password of a URL's userinfo (``postgresql://mikey:***@db/q``);
- any query or fragment parameter whose name looks like a credential
  (``?password=***``, ``?api-key=***``, ``&access_token=***``, ``&sig=***``);
- ``name=value`` pairs of the same kind outside URLs, as in a libpq keyword
  string (``host=db password=***``) or a message quoting one.

Hand-written (a few regular expressions) because no maintained library masks
all three forms without parsing, and parsing fails on exactly the malformed
values an error message needs to show.
"""

from __future__ import annotations

import re

__all__ = ["MASK", "mask_url"]

MASK = "***"

# A parameter name is a credential if it contains one of these (api-key, api_key, apikey, key,
# access_token, secret, password, sslpassword, auth, signature…) or is one of the short forms.
_SECRET_NAME = r"[\w\-]*?(?:pass|pwd|secret|token|key|auth|signature|credential)[\w\-]*|sig|pw"
_IS_SECRET_NAME = re.compile(f"(?:{_SECRET_NAME})", re.IGNORECASE)

# A URL: scheme://anything up to whitespace or a quote/bracket that ends it in prose.
_URL = r"(?P<url>\b[A-Za-z][A-Za-z0-9+.\-]*://[^\s'\"<>]*)"
# A credential-named name=value outside a URL (libpq keyword form); the value may be single-quoted.
# Only credential names match, so a pair like url=https://… is left for the URL branch.
_PAIR = (rf"(?P<name>(?<![\w\-])(?:{_SECRET_NAME}))(?![\w\-])(?P<eq>\s*=\s*)"
         r"(?P<value>'(?:[^'\\]|\\.)*'?|\"(?:[^\"\\]|\\.)*\"?|[^\s&;,'\"]+)")
_SCAN = re.compile(f"{_URL}|{_PAIR}", re.IGNORECASE)


def _is_secret_name(name: str) -> bool:
    return _IS_SECRET_NAME.fullmatch(name) is not None


def _mask_params(params: str) -> str:
    """``a=1&api-key=x`` → ``a=1&api-key=***`` (order, separators and other values kept)."""
    out = []
    for part in re.split(r"([&;])", params):
        name, eq, _value = part.partition("=")
        out.append(f"{name}={MASK}" if eq and _is_secret_name(name) else part)
    return "".join(out)


def _mask_one_url(url: str) -> str:
    scheme, _, rest = url.partition("://")
    split = re.search(r"[/?#]", rest)
    netloc, tail = (rest[: split.start()], rest[split.start():]) if split else (rest, "")
    if "@" not in netloc:
        # An unencoded '/' in the password puts the '@' after it: take the userinfo up to there.
        before_query = re.split(r"[?#]", rest, maxsplit=1)[0]
        if "@" in before_query and ":" in before_query.partition("@")[0]:
            netloc, tail = before_query, rest[len(before_query):]
    userinfo, at, hostport = netloc.rpartition("@")
    if at and ":" in userinfo:
        netloc = f"{userinfo.partition(':')[0]}:{MASK}@{hostport}"
    path, hash_, fragment = tail.partition("#")
    path, question, query = path.partition("?")
    return (f"{scheme}://{netloc}{path}{question}{_mask_params(query) if question else ''}"
            f"{hash_}{_mask_params(fragment) if hash_ else ''}")


def _replace(match: re.Match[str]) -> str:
    if match.group("url") is not None:
        return _mask_one_url(match.group("url"))
    if _is_secret_name(match.group("name")):
        return f"{match.group('name')}{match.group('eq')}{MASK}"
    return match.group(0)


def mask_url(text: str) -> str:
    """``text`` with every credential in URLs and ``name=value`` pairs replaced by ``***``.

    Safe on any string (never raises): a single URL, a libpq keyword string, or
    a message that quotes either.
    """
    return _SCAN.sub(_replace, text)
