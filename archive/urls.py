"""Canonical article URLs: one article per canonical URL, however it was linked."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from w3lib.url import canonicalize_url, safe_url_string

TRACKING_PARAMS = re.compile(
    r"^(utm_[a-z_]*|fbclid|gclid|gclsrc|dclid|msclkid|mc_cid|mc_eid|_ga|_gl|yclid|igshid|"
    r"cmpid|cmp|ito|icid|ncid|ocid|smid|smtyp|share|ref|ref_src|referrer|src|source|"
    r"outputtype|amp|__twitter_impression|wt\.mc_id|at_medium|at_campaign|s_cid|mbid|"
    r"sr_share|taid|spm|vero_id|oly_enc_id|oly_anon_id|rss|cid)$",
    re.IGNORECASE,
)
INDEX_FILES = re.compile(r"/(index|default)\.(html?|php|aspx?)$", re.IGNORECASE)
AMP_PATH = re.compile(r"(/amp/?$|\.amp$|\.amp\.html$|/amp(?=/))", re.IGNORECASE)


def canonicalize(url: str) -> str:
    """A stable form of `url`: lowercase host, no fragment, no tracking parameters, no AMP or
    index.html variants, sorted query. Idempotent and never raises on a string."""
    try:
        url = safe_url_string(url.strip())
        parts = urlsplit(url)
    except ValueError:
        return url
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        return url
    host = (parts.hostname or "").lower().rstrip(".")
    if not host:
        return url
    port = parts.port if parts.port and not (
        (scheme == "http" and parts.port == 80) or (scheme == "https" and parts.port == 443)) else None
    netloc = host if port is None else f"{host}:{port}"
    path = parts.path or "/"
    path = INDEX_FILES.sub("/", path)
    path = AMP_PATH.sub("", path) or "/"
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
             if not TRACKING_PARAMS.match(k)]
    rebuilt = urlunsplit((scheme, netloc, path, urlencode(query), ""))
    try:
        return canonicalize_url(rebuilt, keep_fragments=False)
    except ValueError:
        return rebuilt


def same_site(a: str, b: str) -> bool:
    """True when both URLs are on the same registrable-ish host (ignoring a leading www.)."""
    def host(u: str) -> str:
        h = (urlsplit(u).hostname or "").lower()
        return h[4:] if h.startswith("www.") else h
    try:
        return bool(host(a)) and host(a) == host(b)
    except ValueError:
        return False
