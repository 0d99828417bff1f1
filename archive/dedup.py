"""Exact and near-duplicate detection: text hashes and MinHash/LSH story clusters.

The same wire story republished (lightly edited) by several sites forms a *story cluster*:
`Article.cluster_id` is the smallest article id in the cluster, so the site can list "also
published by …" and search can collapse a cluster into one hit.

Clustering is incremental and lives in the database, so it works across processes and on
PostgreSQL: each article's MinHash signature (datasketch's, word 3-shingles) is stored in
`article_signatures`, and its LSH bands in `lsh_buckets` (band, bucket). A new or changed
article looks up the articles sharing a bucket, keeps those whose estimated Jaccard similarity
reaches THRESHOLD, and joins (merging, if need be) their clusters. An article whose text is
rewritten into another story moves to that story's cluster (or its own).

The session-level functions here are called by archive.repository inside its transactions.
The CPU part (normalizing, hashing, MinHash) is `text_keys`: the crawler computes it in its
extraction worker processes and hands the result to the repository, so storing an article in
the crawler's main process costs only database statements. The signature is datasketch 2's
MinHash, computed with numpy here (`_signature` says why); the tests compare it with datasketch.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from sqlalchemy import Connection, and_, bindparam, delete, func, insert, or_, select, update
from sqlalchemy.orm import Session

from archive.models import Article, ArticleSignature, LshBucket

NUM_PERM = 128
SCHEME = "affine32"  # datasketch 2's permutation scheme (reproduced here); stored signatures depend on it
SHINGLE_WORDS = 3
THRESHOLD = 0.5  # estimated Jaccard similarity of 3-shingle sets; wire copies score 0.6-1.0
MIN_WORDS = 40  # shorter texts (stubs, teasers) are too unspecific to cluster
MIN_EXACT_WORDS = 15  # exact text matches need at least this many words
# datasketch's optimal (bands, rows) for THRESHOLD and NUM_PERM (MinHashLSH(0.5, 128).b, .r);
# fixed here so that clustering needs no scipy import. tests/test_dedup_keys.py checks them.
BANDS, ROWS = 25, 5

_WORD = re.compile(r"\w+", re.UNICODE)


def normalize_text(text: str) -> str:
    """Case-, punctuation- and whitespace-insensitive form of a text (NFKC, lowercase words)."""
    return " ".join(_WORD.findall(unicodedata.normalize("NFKC", text).casefold()))


def text_hash(text: str) -> str:
    """SHA-256 of the normalized text: equal for exact copies that differ only in formatting."""
    return _normalized_hash(normalize_text(text))


def _normalized_hash(normalized: str) -> str:
    return hashlib.sha256(normalized.encode("utf-8")).hexdigest()


def _lsh_params() -> tuple[int, int]:
    return BANDS, ROWS


@lru_cache(maxsize=1)
def _candidates_stmt():  # noqa: ANN202 - a SQLAlchemy Select
    """(article id, cluster id, bands shared) of the articles sharing any of BANDS (band, bucket)
    pairs with an article; built once (building the 25-term OR anew for every article cost more
    than running it)."""
    return (select(LshBucket.article_id, Article.cluster_id, func.count())
            .join(Article, Article.id == LshBucket.article_id)
            .where(or_(*(and_(LshBucket.band == bindparam(f"b{i}"), LshBucket.bucket == bindparam(f"k{i}"))
                         for i in range(BANDS))),
                   LshBucket.article_id != bindparam("aid"))
            .group_by(LshBucket.article_id, Article.cluster_id))


@lru_cache(maxsize=1)
def _permutations() -> tuple[np.ndarray, np.ndarray]:
    """(a, b) of datasketch 2's "affine32" permutations for NUM_PERM and seed 1, generated as
    `MinHash(num_perm=NUM_PERM, seed=1, scheme="affine32")` generates them (odd multipliers)."""
    gen = np.random.RandomState(1)
    a = gen.randint(0, 1 << 31, NUM_PERM, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = gen.randint(0, 1 << 32, NUM_PERM, dtype=np.uint32)
    return a, b


def _fmix32(values: np.ndarray) -> np.ndarray:
    """MurmurHash3's 32-bit finalizer, element-wise (uint32 arithmetic wraps, as intended)."""
    values = values ^ (values >> np.uint32(16))
    values = values * np.uint32(0x85EBCA6B)
    values = values ^ (values >> np.uint32(13))
    values = values * np.uint32(0xC2B2AE35)
    return values ^ (values >> np.uint32(16))


def signature(text: str) -> np.ndarray | None:
    """The MinHash signature of a text (uint32 array), or None when it is too short."""
    return _signature(normalize_text(text).split())


def _signature(words: list[str]) -> np.ndarray | None:
    """datasketch 2's MinHash of the word 3-shingles (scheme "affine32", its default SHA-1 hash),
    computed here: importing datasketch imports scipy for its LSH index, which the archive does
    not use (its bands live in the database) — 0.74 s at the start of every crawl's workers —
    and the per-shingle function calls took half of the time. tests/test_dedup_keys.py compares
    every signature with datasketch's own."""
    if len(words) < MIN_WORDS:
        return None
    assert SHINGLE_WORDS == 3  # the shingles below are word triples
    shingles = {f"{a} {b} {c}" for a, b, c in zip(words, words[1:], words[2:], strict=False)}
    # datasketch's sha1_hash32: the SHA-1 digest's first 4 bytes, little-endian
    hashes = np.fromiter((int.from_bytes(hashlib.sha1(s.encode("utf-8")).digest()[:4], "little")
                          for s in shingles), dtype=np.uint32, count=len(shingles))
    a, b = _permutations()
    return (_fmix32(hashes)[:, None] * a + b).min(axis=0)


def to_bytes(values: np.ndarray) -> bytes:
    return values.astype("<u4").tobytes()


def from_bytes(data: bytes) -> np.ndarray:
    return np.frombuffer(data, dtype="<u4")


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    """Estimated Jaccard similarity of two signatures."""
    return float(np.count_nonzero(a == b)) / len(a)


def band_keys(values: np.ndarray) -> list[tuple[int, int]]:
    """(band, bucket) pairs of a signature: a signed 64-bit hash of each band's values."""
    bands, rows = _lsh_params()
    raw = values.astype("<u4")
    keys = []
    for band in range(bands):
        digest = hashlib.blake2b(raw[band * rows:(band + 1) * rows].tobytes(), digest_size=8).digest()
        keys.append((band, int.from_bytes(digest, "big", signed=True)))
    return keys


@dataclass(frozen=True)
class TextKeys:
    """Everything clustering computes from a text, so it can be computed in another process."""

    check: str  # digest of the exact text these keys were computed from
    text_hash: str
    minhash: bytes | None  # the signature (little-endian uint32), None for a short text
    bands: tuple[tuple[int, int], ...]  # (band, bucket) pairs of the signature

    def matches(self, text: str) -> bool:
        return self.check == _check(text)


def _check(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


def text_keys(text: str) -> TextKeys:
    """Text hash, MinHash signature and LSH bands of a text (pure CPU, no database)."""
    normalized = normalize_text(text)  # once, for both the hash and the signature
    values = _signature(normalized.split())
    return TextKeys(_check(text), _normalized_hash(normalized),
                    None if values is None else to_bytes(values), () if values is None else tuple(band_keys(values)))


@lru_cache(maxsize=1)
def _same_text_stmt():  # noqa: ANN202 - a SQLAlchemy Select
    return select(Article.id, Article.cluster_id).where(
        Article.text_hash == bindparam("text_hash"), Article.id != bindparam("aid"))


@lru_cache(maxsize=1)
def _signatures_stmt():  # noqa: ANN202 - a SQLAlchemy Select
    return (select(ArticleSignature.article_id, ArticleSignature.minhash)
            .where(ArticleSignature.article_id.in_(bindparam("ids", expanding=True))))


def matching_clusters(conn: Connection | Session, keys: TextKeys, word_count: int,
                      article_id: int = 0) -> set[int]:
    """Cluster ids of the stored articles (other than `article_id`) whose text is the same as,
    or near enough to, the text `keys` were computed from. The statements are built once:
    building them per article cost more than running them."""
    matches: set[int] = set()
    if word_count >= MIN_EXACT_WORDS:
        matches.update(cid or aid for aid, cid in conn.execute(
            _same_text_stmt(), {"text_hash": keys.text_hash, "aid": article_id}))
    if keys.minhash is not None:
        params: dict[str, int] = {"aid": article_id}
        for i, (band, bucket) in enumerate(keys.bands):
            params[f"b{i}"], params[f"k{i}"] = band, bucket
        # A cluster matches when any of its candidates is similar enough: its candidates are
        # compared best first (most bands shared), and the others of a cluster that matched are
        # never read. A story republished 30 times costs one signature, not 30.
        by_cluster: dict[int, list[tuple[int, int]]] = {}
        for aid, cid, shared in conn.execute(_candidates_stmt(), params):
            by_cluster.setdefault(cid or aid, []).append((-shared, aid))
        values = from_bytes(keys.minhash)
        # each cluster's candidates, best last: pop() takes the most bands shared, then the smallest id
        pending = {cluster: sorted(candidates, reverse=True) for cluster, candidates in by_cluster.items()}
        while pending:
            ids = {cluster: queue.pop()[1] for cluster, queue in pending.items()}
            signatures = dict(conn.execute(_signatures_stmt(), {"ids": list(ids.values())}).all())
            for cluster, aid in ids.items():
                data = signatures.get(aid)
                if data is not None and similarity(values, from_bytes(data)) >= THRESHOLD:
                    matches.add(cluster)
                    del pending[cluster]
                elif not pending[cluster]:
                    del pending[cluster]
    return matches


def merge_clusters(conn: Connection | Session, merged: set[int], target: int, article_id: int) -> None:
    """Move the articles of clusters `merged` (but `article_id`) into cluster `target`; their
    index documents must learn their new cluster."""
    if merged:
        conn.execute(
            update(Article).where(Article.cluster_id.in_(merged), Article.id != article_id)
            .values(cluster_id=target, version=Article.version + 1, needs_index=True)
            .execution_options(synchronize_session=False))


def assign_cluster(session: Session, article: Article, keys: TextKeys | None = None) -> None:
    """(Re)compute a stored article's text hash, signature and story cluster (a new article is
    clustered by the repository's INSERT path, with `matching_clusters`).

    `keys` are the article text's `text_keys` when the caller computed them already (they are
    recomputed if they belong to another text).
    """
    text = article.text or ""
    if keys is None or not keys.matches(text):
        keys = text_keys(text)
    article.text_hash = keys.text_hash
    _delete_signature(session, article.id)
    matches = matching_clusters(session, keys, article.word_count or 0, article.id)
    previous = article.cluster_id
    target = min(matches | {article.id})
    article.cluster_id = target
    merged = matches - {target}
    if previous == article.id and target != article.id:
        merged.add(article.id)  # its old cluster-mates follow it into the cluster it joined
    merge_clusters(session, merged, target, article.id)
    insert_signature(session.connection(), article.id, keys)


def insert_signature(conn: Connection, article_id: int, keys: TextKeys) -> None:
    """The signature row and its band rows, as two plain INSERT statements (Core: the ORM's
    bulk-insert path costs more than the statements)."""
    if keys.minhash is not None:
        conn.execute(insert(ArticleSignature.__table__), [{"article_id": article_id, "minhash": keys.minhash}])
        conn.execute(insert(LshBucket.__table__), [{"band": b, "bucket": k, "article_id": article_id}
                                                   for b, k in keys.bands])


def _delete_signature(session: Session, article_id: int) -> None:
    session.execute(delete(LshBucket).where(LshBucket.article_id == article_id))
    session.execute(delete(ArticleSignature).where(ArticleSignature.article_id == article_id))


def save_signature(session: Session, article: Article, keys: TextKeys) -> None:
    """Store an article's signature and LSH bands (`keys`: its text's `text_keys`) without
    touching its cluster (import). The article's row must be flushed."""
    _delete_signature(session, article.id)
    insert_signature(session.connection(), article.id, keys)


def cluster_members(session: Session, cluster_id: int | None) -> list[Article]:
    """Every article of one story cluster, oldest first."""
    if cluster_id is None:
        return []
    stmt = select(Article).where(Article.cluster_id == cluster_id).order_by(Article.first_seen, Article.id)
    return list(session.scalars(stmt))
