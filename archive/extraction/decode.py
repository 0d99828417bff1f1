"""Bytes to text: declared charset, then <meta>, then detection, with a check for mojibake.

Why not trust the declaration: real pages often lie (Windows-1252 bytes served as UTF-8, UTF-8
served as ISO-8859-1). Valid multi-byte UTF-8 is very unlikely to occur by accident, so a page
that decodes as UTF-8 with non-ASCII characters is UTF-8 whatever it declares.
"""

from __future__ import annotations

import codecs
import re

import charset_normalizer

_META_CHARSET = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_:.\-]+)""", re.IGNORECASE)
_XML_DECL = re.compile(rb"""^\s*<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.\-]+)""", re.IGNORECASE)
_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
# Latin-1 family labels: browsers treat them all as windows-1252 (WHATWG encoding standard).
_SINGLE_BYTE_WESTERN = {"iso-8859-1", "latin-1", "latin1", "iso8859-1", "l1", "cp1252", "windows-1252",
                        "us-ascii", "ascii", "iso-8859-15", "latin-9"}
_WESTERN_GUESSES = {"cp1250", "cp1252", "cp1254", "cp1257", "latin_1", "iso8859_2", "iso8859_15", "iso8859_9",
                    "iso8859_13", "iso8859_10", "iso8859_4", "mac_roman", "mac_latin2", "mac_iceland",
                    "mac_turkish", "cp850", "cp437", "ascii"}
# UTF-8 read as windows-1252 leaves these pairs behind (Ã©, â€™, Â ...).
_MOJIBAKE = re.compile("[ÃÂâÐÑØÙ][\u0080-\u00bf\u2018-\u203a\u20ac\u0152\u0153\u0160\u0161\u017d\u017e\u0178]")


def normalize_encoding(label: str | None) -> str | None:
    """Python codec name for a charset label, or None when unknown."""
    if not label:
        return None
    label = label.strip().strip("\"'").lower()
    if label in _SINGLE_BYTE_WESTERN:
        return "cp1252"
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def sniff_declared(data: bytes) -> str | None:
    """The charset a page declares in its first bytes (XML declaration or <meta>)."""
    head = data[:4096]
    match = _XML_DECL.search(head) or _META_CHARSET.search(head)
    return match.group(1).decode("ascii", "ignore") if match else None


def _utf8_quality(data: bytes) -> tuple[int, int]:
    """(non-ASCII characters decoded fine, invalid bytes) when read as UTF-8."""
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd") - data.decode("utf-8", errors="ignore").count("\ufffd")
    good = len(text) - len(text.encode("ascii", errors="ignore")) - bad
    return good, bad


def mojibake_score(text: str) -> int:
    return len(_MOJIBAKE.findall(text))


def repair_mojibake(text: str) -> str:
    """Undo UTF-8-read-as-windows-1252 when that clearly reduces the mojibake."""
    if mojibake_score(text) < 3:
        return text
    for codec in ("cp1252", "latin-1"):
        try:
            fixed = text.encode(codec).decode("utf-8")
        except UnicodeError:
            continue
        if mojibake_score(fixed) < mojibake_score(text) / 4:
            return fixed
    return text


def decode_html(data: bytes | str, declared: str | None = None) -> tuple[str, str]:
    """Decode page bytes to text; returns (text, codec used). `declared` is the HTTP header charset."""
    if isinstance(data, str):
        return repair_mojibake(data), "str"
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return data[len(bom):].decode(codec, errors="replace"), codec
    codec = normalize_encoding(declared) or normalize_encoding(sniff_declared(data))
    good, bad = _utf8_quality(data)
    if good and bad * 20 <= good:
        # Valid (or nearly valid) UTF-8 with real non-ASCII text: UTF-8 whatever was declared.
        return repair_mojibake(data.decode("utf-8", errors="replace")), "utf-8"
    if not good and not bad:  # pure ASCII
        return data.decode("ascii", errors="replace"), "ascii"
    if codec and codec != "utf-8":
        try:
            return repair_mojibake(data.decode(codec)), codec
        except UnicodeDecodeError:
            pass
    best = charset_normalizer.from_bytes(data[:200_000]).best()
    if best is not None and best.encoding in _WESTERN_GUESSES:
        # Detection cannot tell Latin single-byte code pages apart on a short page; windows-1252
        # is by far the most common one on the web (and the WHATWG fallback).
        try:
            return repair_mojibake(data.decode("cp1252")), "cp1252"
        except UnicodeDecodeError:
            pass
    if best is not None and best.encoding:
        try:
            return repair_mojibake(data.decode(best.encoding, errors="replace")), best.encoding
        except LookupError:
            pass
    return data.decode("cp1252", errors="replace"), "cp1252"


def header_charset(content_type: str | None) -> str | None:
    """The charset an HTTP Content-Type header value declares, if any."""
    if not content_type or "charset=" not in content_type.lower():
        return None
    value = content_type.lower().split("charset=", 1)[1].split(";")[0].strip().strip("\"'")
    return value or None
