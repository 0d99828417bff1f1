"""SQLAlchemy models of the archive. Only archive.repository writes them."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    PrimaryKeyConstraint,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """Time-zone aware datetimes on every engine (SQLite stores naive UTC)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    type_annotation_map = {datetime: UTCDateTime, dict[str, Any]: JSON, list[str]: JSON}


class Source(Base):
    __tablename__ = "sources"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    articles: Mapped[list[Article]] = relationship(back_populates="source")


class Article(Base):
    """The current state of one story, identified by its canonical URL."""

    __tablename__ = "articles"

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"), index=True)
    url: Mapped[str] = mapped_column(Text)  # fetched URL, after redirects
    canonical_url: Mapped[str] = mapped_column(String(2048), unique=True)
    title: Mapped[str] = mapped_column(Text, default="")
    description: Mapped[str] = mapped_column(Text, default="")
    authors: Mapped[list[str]] = mapped_column(default=list)
    published: Mapped[datetime | None] = mapped_column(default=None)
    modified: Mapped[datetime | None] = mapped_column(default=None)
    language: Mapped[str] = mapped_column(String(16), default="")
    section: Mapped[str] = mapped_column(String(200), default="")
    tags: Mapped[list[str]] = mapped_column(default=list)
    image_url: Mapped[str] = mapped_column(Text, default="")
    site_name: Mapped[str] = mapped_column(String(200), default="")
    text: Mapped[str] = mapped_column(Text, default="")
    html: Mapped[str] = mapped_column(Text, default="")
    word_count: Mapped[int] = mapped_column(Integer, default=0)
    content_hash: Mapped[str] = mapped_column(String(64), default="")
    # Identity beyond the URL (archive.dedup): hash of the normalized text alone (exact copies),
    # and the story cluster of near-duplicates: the smallest article id in the cluster.
    text_hash: Mapped[str] = mapped_column(String(64), default="", server_default="", index=True)
    cluster_id: Mapped[int | None] = mapped_column(Integer, default=None, index=True)
    fetched_at: Mapped[datetime] = mapped_column(default=utcnow)  # capture the current text came from
    first_seen: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen: Mapped[datetime] = mapped_column(default=utcnow)
    warc_file: Mapped[str] = mapped_column(String(255), default="")
    warc_offset: Mapped[int] = mapped_column(BigInteger, default=0)
    warc_length: Mapped[int] = mapped_column(BigInteger, default=0)
    etag: Mapped[str] = mapped_column(String(255), default="")
    last_modified_header: Mapped[str] = mapped_column(String(64), default="")
    # Change marker for the search index: bumped on every change; the sync clears needs_index
    # only if version is still the one it indexed.
    version: Mapped[int] = mapped_column(Integer, default=1)
    needs_index: Mapped[bool] = mapped_column(Boolean, default=True, index=True)

    source: Mapped[Source] = relationship(back_populates="articles")
    revisions: Mapped[list[Revision]] = relationship(
        back_populates="article", order_by="[Revision.fetched_at, Revision.id]",
        cascade="all, delete-orphan")
    aliases: Mapped[list[Alias]] = relationship(back_populates="article", cascade="all, delete-orphan")

    __table_args__ = (
        Index("ix_articles_published", "published"),
        Index("ix_articles_source_published", "source_id", "published"),
        # The store path looks an article up by (source, text digest). With an index on the
        # digest alone, SQLite (no statistics) chose the source_id index and read every article
        # of the source: O(n) per stored article, 4.8 ms at 2,000 articles and growing.
        Index("ix_articles_source_content_hash", "source_id", "content_hash"),
    )


class Revision(Base):
    """One version of an article's text; a new one is stored when a refetch changes it."""

    __tablename__ = "revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    fetched_at: Mapped[datetime] = mapped_column(default=utcnow)
    title: Mapped[str] = mapped_column(Text, default="")
    text: Mapped[str] = mapped_column(Text, default="")
    html: Mapped[str] = mapped_column(Text, default="")
    word_count: Mapped[int] = mapped_column(Integer, default=0)
    content_hash: Mapped[str] = mapped_column(String(64), default="")
    warc_file: Mapped[str] = mapped_column(String(255), default="")
    warc_offset: Mapped[int] = mapped_column(BigInteger, default=0)

    article: Mapped[Article] = relationship(back_populates="revisions")


class Alias(Base):
    """Every fetched URL that led to an article (tracking variants, redirects, AMP pages)."""

    __tablename__ = "aliases"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(2048), unique=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)

    article: Mapped[Article] = relationship(back_populates="aliases")


class ArticleSignature(Base):
    """The MinHash signature of an article's text (archive.dedup), kept for incremental clustering."""

    __tablename__ = "article_signatures"

    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True)
    minhash: Mapped[bytes] = mapped_column(LargeBinary)


class LshBucket(Base):
    """One LSH band of an article's signature: articles sharing a (band, bucket) are candidates."""

    __tablename__ = "lsh_buckets"

    band: Mapped[int] = mapped_column(Integer)
    bucket: Mapped[int] = mapped_column(BigInteger)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)

    __table_args__ = (PrimaryKeyConstraint("band", "bucket", "article_id", name="pk_lsh_buckets"),)


class Page(Base):
    """A fetched URL that held no article (or failed): remembered so it is not fetched again."""

    __tablename__ = "pages"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(2048), unique=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"), index=True)
    status: Mapped[int] = mapped_column(Integer, default=0)
    reason: Mapped[str] = mapped_column(Text, default="")
    fetched_at: Mapped[datetime] = mapped_column(default=utcnow)
    warc_file: Mapped[str] = mapped_column(String(255), default="")
    warc_offset: Mapped[int] = mapped_column(BigInteger, default=0)


class CrawlRun(Base):
    __tablename__ = "crawl_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"), index=True)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(default=None)
    pages_fetched: Mapped[int] = mapped_column(Integer, default=0)
    new_articles: Mapped[int] = mapped_column(Integer, default=0)
    updated_articles: Mapped[int] = mapped_column(Integer, default=0)
    unchanged: Mapped[int] = mapped_column(Integer, default=0)
    skipped: Mapped[int] = mapped_column(Integer, default=0)
    not_modified: Mapped[int] = mapped_column(Integer, default=0)
    errors: Mapped[int] = mapped_column(Integer, default=0)
    errors_by_kind: Mapped[dict[str, Any]] = mapped_column(default=dict)
    status: Mapped[str] = mapped_column(String(32), default="running")

    source: Mapped[Source] = relationship()


class BoilerplateBlock(Base):
    """A paragraph fingerprint seen in many articles of one source (learned boilerplate)."""

    __tablename__ = "boilerplate_blocks"

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"), index=True)
    fingerprint: Mapped[str] = mapped_column(String(64))
    sample: Mapped[str] = mapped_column(Text, default="")
    article_count: Mapped[int] = mapped_column(Integer, default=0)

    __table_args__ = (UniqueConstraint("source_id", "fingerprint", name="uq_boilerplate_source_fp"),)


class ArticleFingerprint(Base):
    """One paragraph fingerprint of an article's raw extraction (archive.boilerplate).

    Counting distinct articles per fingerprint needs the article -> fingerprints relation: a
    refetched or re-extracted article replaces its rows instead of counting twice.
    """

    __tablename__ = "article_fingerprints"

    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(16), primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"))

    __table_args__ = (Index("ix_article_fingerprints_source_fp", "source_id", "fingerprint"),)


class FeedState(Base):
    """Conditional-GET validators of feeds and sitemaps, per URL."""

    __tablename__ = "feed_states"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(2048), unique=True)
    etag: Mapped[str] = mapped_column(String(255), default="")
    last_modified: Mapped[str] = mapped_column(String(64), default="")
    fetched_at: Mapped[datetime] = mapped_column(default=utcnow)
