"""Clustering keys computed outside the database (as the crawler's extraction workers do)."""

from __future__ import annotations

import random

import numpy as np
import pytest
from datasketch import MinHash, MinHashLSH

from archive import dedup

TEXT = " ".join(f"word{i} sentence{i % 7} harbour{i % 11}" for i in range(80))


def test_fixed_lsh_bands_are_datasketchs_optimum() -> None:
    lsh = MinHashLSH(threshold=dedup.THRESHOLD, num_perm=dedup.NUM_PERM)
    assert (lsh.b, lsh.r) == (dedup.BANDS, dedup.ROWS)


def test_text_keys_match_the_in_process_computation() -> None:
    keys = dedup.text_keys(TEXT)
    values = dedup.signature(TEXT)
    assert values is not None
    assert keys.text_hash == dedup.text_hash(TEXT)
    assert keys.minhash == dedup.to_bytes(values)
    assert list(keys.bands) == dedup.band_keys(values)
    assert keys.matches(TEXT) and not keys.matches(TEXT + " more")


def test_short_text_has_no_signature() -> None:
    keys = dedup.text_keys("too short to cluster")
    assert keys.minhash is None and keys.bands == ()


def _reference_signature(text: str) -> np.ndarray | None:
    """The signature as datasketch computes it through its own hash function (what every stored
    signature was made with)."""
    words = dedup.normalize_text(text).split()
    if len(words) < dedup.MIN_WORDS:
        return None
    shingles = {" ".join(words[i:i + 3]).encode("utf-8") for i in range(len(words) - 2)}
    reference = MinHash(num_perm=dedup.NUM_PERM, seed=1, scheme=dedup.SCHEME)
    reference.update_batch(list(shingles))
    return reference.hashvalues.astype(np.uint32)


@pytest.mark.parametrize("seed", range(12))
def test_signatures_are_datasketchs(seed: int) -> None:
    """dedup hashes the shingles itself (faster): its signatures, and the keys built from them,
    must be exactly datasketch's, or new articles would stop clustering with stored ones."""
    rng = random.Random(seed)
    vocabulary = ["the", "mayor", "Zürich", "said", "ÉTÉ", "naïve", "东京", "мэр", "42", "x",
                  "don't", "co-operate", "ﬁnance", "İstanbul"] + [f"w{i}" for i in range(200)]
    text = " ".join(rng.choice(vocabulary) for _ in range(rng.choice((30, 45, 120, 900))))
    expected = _reference_signature(text)
    actual = dedup.signature(text)
    if expected is None:
        assert actual is None and dedup.text_keys(text).minhash is None
        return
    assert actual is not None and np.array_equal(actual, expected)
    keys = dedup.text_keys(text)
    assert keys.minhash == dedup.to_bytes(expected)
    assert list(keys.bands) == dedup.band_keys(expected)
    assert keys.text_hash == dedup.text_hash(text)
