"""Language of an article: the page's declaration unless the text clearly says otherwise."""

from __future__ import annotations

import re

_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")
_NON_LATIN = re.compile(r"[\u0400-\u04ff\u0600-\u06ff\u0590-\u05ff\u0900-\u097f\u0e00-\u0e7f"
                        r"\u3040-\u30ff\u4e00-\u9fff\uac00-\ud7af]")


def _identify(text: str) -> str:
    try:
        import py3langid  # loads a model on first use; only needed for undeclared pages
    except ImportError:  # pragma: no cover - declared as a dependency
        return ""
    lang, _score = py3langid.classify(text[:5000])
    return lang


def load_model() -> None:
    """Load the identifier's model now (a forkserver does, so that its workers inherit it)."""
    _identify("load the model")


def detect_language(text: str, declared: str = "") -> str:
    """Declared language when plausible; otherwise the language identified from the text."""
    sample = text[:5000]
    if not sample.strip():
        return declared
    if declared:
        latin, other = len(_LATIN.findall(sample)), len(_NON_LATIN.findall(sample))
        latin_lang = declared in {"en", "fr", "de", "es", "it", "pt", "nl", "sv", "da", "no", "nb", "fi",
                                  "pl", "cs", "ro", "hu", "tr", "id", "ms", "vi", "ca", "hr", "sk", "sl"}
        # A template default (lang="en") on a Cyrillic/Arabic/CJK page, or the reverse.
        if (latin_lang and other > latin) or (not latin_lang and latin > 5 * max(other, 1)):
            return _identify(sample) or declared
        return declared
    return _identify(sample)
