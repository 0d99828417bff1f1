"""Clustering keys computed outside the database (as the crawler's extraction workers do)."""

from __future__ import annotations

from datasketch import MinHashLSH

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
