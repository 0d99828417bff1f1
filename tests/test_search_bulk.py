"""BulkWriter (search/bulk.py) writes the same index as Whoosh's SegmentWriter.

Both writers index the same documents; every term of every field must have the same postings
(document numbers, weights, positions), term statistics, field lengths, stored fields and columns.
"""

from __future__ import annotations

import random
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from whoosh.filedb.filestore import FileStorage

from search.analysis import STEMMED_LANGUAGES, analyzer_for, english_analyzer, plain_analyzer
from search.bulk import BulkWriter, FastAnalyzer
from search.schema import build_schema

TRICKY = ("The U.S. economy grew 3.5% in Q3 — the İstanbul office's reports (draft*) said so; "
          "naïve café résumé Straße ÆØÅ 東京 'quoted' don't it's e-mail a.b.c 1.2.3 ... "
          "of to be or not to be THE END the the the")
WORDS = ["grain", "harvest", "talks", "ceasefire", "election", "parliament", "inflation", "rates", "budget",
         "council", "storm", "flood", "rescue", "teams", "residents", "river", "festival", "premiere",
         "lighthouse", "keepers", "economy", "market", "shares", "analysts", "forecast", "minister",
         "government", "reforms", "strike", "unions", "pensions"]
LANGS = ["en", "en", "en", "", "fr", "de", "es", "ru", "ja", "pt-BR"]
FRENCH = "Le gouvernement français annonce des réformes importantes pour les retraites des cheminots."
GERMAN = "Die Regierung kündigte am Montag umfangreiche Reformen der Rentenversicherung an."


def documents(n: int, seed: int = 5) -> list[dict[str, Any]]:
    """Documents with the fields search.documents.article_document gives, and awkward content."""
    rng = random.Random(seed)
    docs = []
    for i in range(n):
        lang = LANGS[i % len(LANGS)]
        words = [rng.choice(WORDS) for _ in range(rng.randint(0, 400))]
        if i % 7 == 0:
            words += ["grain"] * 300  # one term far above 255 occurrences in a document
        if i == 200:
            # positions and a frequency past 65,535: the writer's 2-byte arrays must widen
            # (for "grain", whose earlier documents were held in 2 bytes)
            words += ["grain"] * 70_000 + [rng.choice(WORDS) for _ in range(50)]
        if i % 11 == 0:
            words = ["the", "of", "a"] + words  # stop words first: positions start later
        body = " ".join(words)
        if i % 3 == 0:
            body = TRICKY + " " + body
        if lang == "fr":
            body = FRENCH + " " + body
        if lang == "de":
            body = GERMAN + " " + body
        if i % 5 == 0:
            body = body + " " + " ".join(rng.choice(WORDS) for _ in range(1500))  # long: > 1024 tokens
        suffix = "" if lang in ("", "en") else (f"_{lang}" if lang in STEMMED_LANGUAGES else "_plain")
        title = "" if i % 13 == 0 else " ".join(rng.choice(WORDS).title() for _ in range(rng.randint(1, 8)))
        doc: dict[str, Any] = {
            "id": str(i + 1),
            "url": f"https://example.org/{i}",
            "version": 1 + i % 3,
            "text": body.encode("utf-8")[:200],
            "authors": "; ".join(rng.sample(["Jane Smith", "Bob Jones", "Ana López", "Łukasz Nowak"],
                                            rng.randint(0, 2))),
            "source": rng.choice(["Daily", "herald", "Courier"]),
            "section": rng.choice(["", "World", "Business"]),
            "tags": ",".join(rng.sample(["Ukraine", "Economy", "Big Story", "élections"], rng.randint(0, 3))),
            "language": lang.split("-")[0].lower(),
            "year": str(2015 + i % 10),
            "dupkey": f"{i % 40:016x}",
            "headline": title,
            "summary": "A short dek." if i % 2 else "",
            f"title{suffix}": title,
            f"body{suffix}": "\n\n".join([title, title, "A short dek.", body]),
        }
        if i % 17:
            doc["published"] = datetime(2015 + i % 10, 1 + i % 12, 1 + i % 28, i % 24)
        docs.append(doc)
    return docs


def build(path: Path, docs: list[dict[str, Any]], bulk: bool, **kwargs: Any) -> Any:
    path.mkdir()
    ix = FileStorage(str(path)).create_index(build_schema())
    writer = BulkWriter(ix, **kwargs) if bulk else ix.writer()
    for doc in docs:
        writer.add_document(**doc)
    writer.commit()
    return FileStorage(str(path)).open_index()


def postings(reader: Any, field: str, term: bytes) -> list[tuple]:
    fmt = reader.schema[field].format
    m = reader.postings(field, term)
    out = []
    while m.is_active():
        value = m.value_as("positions") if fmt.supports("positions") else m.value()
        out.append((m.id(), m.weight(), value))
        m.next()
    return out


def blocks(reader: Any, field: str, term: bytes) -> list[tuple]:
    """Each posting block's header: what block-quality skipping and fastscore read."""
    m = reader.postings(field, term)
    out = []
    while m.is_active():
        out.append((m.block_min_id(), m.block_max_id(), m.block_max_weight(), m.block_min_length(),
                    m.block_max_length(), m._blocklength, m._lastblock))
        if m._lastblock:
            break
        m._next_block()
    return out


def assert_same_index(a: Any, b: Any, same_blocks: bool = True) -> int:
    ra, rb = a.reader(), b.reader()
    assert ra.doc_count_all() == rb.doc_count_all()
    fields = sorted(ra.indexed_field_names())
    assert fields == sorted(rb.indexed_field_names())
    checked = 0
    for field in fields:
        terms = list(ra.lexicon(field))
        assert terms == list(rb.lexicon(field)), field
        assert ra.field_length(field) == rb.field_length(field), field
        for term in terms:
            ia, ib = ra.term_info(field, term), rb.term_info(field, term)
            assert ia.weight() == ib.weight(), (field, term)
            if field.startswith("spell_"):
                continue  # postings of document 0 that only carry the word's frequency
            assert (ia.doc_frequency(), ia.min_length(), ia.max_length(), ia.max_weight(), ia.min_id(),
                    ia.max_id()) == (ib.doc_frequency(), ib.min_length(), ib.max_length(), ib.max_weight(),
                                     ib.min_id(), ib.max_id()), (field, term)
            assert postings(ra, field, term) == postings(rb, field, term), (field, term)
            if same_blocks:  # one segment each: the same blocks with the same headers
                assert blocks(ra, field, term) == blocks(rb, field, term), (field, term)
            checked += 1
    for docnum in range(ra.doc_count_all()):
        assert ra.stored_fields(docnum) == rb.stored_fields(docnum)
        for field in fields:
            assert ra.doc_field_length(docnum, field) == rb.doc_field_length(docnum, field), (docnum, field)
    for field in ra.schema.names():
        if ra.has_column(field):
            assert (list(ra.column_reader(field, translate=False))
                    == list(rb.column_reader(field, translate=False))), field
    return checked


def test_bulk_writer_writes_the_same_index_as_segment_writer(tmp_path: Path) -> None:
    docs = documents(400)
    standard = build(tmp_path / "standard", docs, bulk=False)
    bulk = build(tmp_path / "bulk", docs, bulk=True)
    assert len(bulk._segments()) == 1
    checked = assert_same_index(standard, bulk)
    assert checked > 1000
    # terms with several blocks of 128 postings were compared
    reader = standard.reader()
    assert max(reader.doc_frequency("body", t) for t in reader.lexicon("body")) > 128


def test_bulk_writer_cuts_segments_past_max_postings_and_searches_the_same(tmp_path: Path) -> None:
    from whoosh.qparser import QueryParser

    docs = documents(300, seed=9)
    standard = build(tmp_path / "standard", docs, bulk=False)
    bulk = build(tmp_path / "bulk", docs, bulk=True, max_postings=5000)
    assert len(bulk._segments()) > 3
    assert_same_index(standard, bulk, same_blocks=False)
    for text in ["grain", "harvest talks", '"rescue teams"', "title:storm", "body_fr:réformes", "tags:economy"]:
        with standard.searcher() as sa, bulk.searcher() as sb:
            qa = QueryParser("body", standard.schema).parse(text)
            ra = [(h["id"], round(h.score, 6)) for h in sa.search(qa, limit=20)]
            rb = [(h["id"], round(h.score, 6)) for h in sb.search(qa, limit=20)]
        assert ra == rb, text
        assert ra or text == "tags:economy", text


@pytest.mark.parametrize("analyzer", [english_analyzer(), plain_analyzer(),
                                      *(analyzer_for(lang) for lang in STEMMED_LANGUAGES)],
                         ids=["en", "plain", *STEMMED_LANGUAGES])
def test_fast_analyzer_gives_the_terms_and_positions_of_the_whoosh_analyzer(analyzer: Any) -> None:
    fast = FastAnalyzer.for_analyzer(analyzer)
    assert fast is not None
    rng = random.Random(3)
    texts = [TRICKY, FRENCH, GERMAN, "", "   ", "the of a", "А в Москве прошли выборы губернатора.",
             " ".join(rng.choice(WORDS + TRICKY.split()) for _ in range(2000))]
    for text in texts:
        expected: dict[str, list[int]] = {}
        for token in analyzer(text, positions=True, mode="index"):
            if not token.stopped:
                expected.setdefault(token.text, []).append(token.pos)
        assert fast.positions(text) == expected, text[:40]


def test_bulk_writer_refuses_a_non_empty_index_and_boosts(tmp_path: Path) -> None:
    docs = documents(3)
    ix = build(tmp_path / "ix", docs, bulk=True)
    with pytest.raises(ValueError, match="empty index"):
        BulkWriter(ix)
    other = FileStorage(str(tmp_path)).create_index(build_schema(), indexname="other")
    writer = BulkWriter(other)
    with pytest.raises(ValueError, match="boosts"):
        writer.add_document(_boost=2.0, **docs[0])
    writer.cancel()


def test_a_rebuild_in_several_processes_gives_the_index_of_one_process(
        db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from searchutil import keys, make_archive

    from search.index import SearchIndex

    archive = make_archive(db_url)
    rng = random.Random(2)
    for i in range(90):
        archive.store(f"extra-{i}", source=rng.choice(["daily", "herald", "courier"]),
                      title=" ".join(rng.choice(WORDS).title() for _ in range(4)),
                      text=" ".join(rng.choice(WORDS) for _ in range(rng.randint(20, 300))) + ".",
                      language="fr" if i % 9 == 0 else "en")
    indexes = {}
    for processes in (1, 3):
        monkeypatch.setenv("NEWSARCHIVE_INDEX_PROCESSES", str(processes))
        index = SearchIndex(tmp_path / f"index-{processes}")
        report = index.sync(archive.repo, rebuild=True)
        assert (report.added, report.total) == (98, 98)
        indexes[processes] = index
    one, three = indexes[1], indexes[3]
    # one segment per process, committed together
    assert len(three.searcher().reader().leaf_readers()) == 3
    assert not list((three.store.current_path()).glob("rebuild-*"))  # work files removed
    for text in ["grain", "storm rescue", '"grain harvest"', "ukraine since:2025-01-01", "source:herald budget",
                 "title:festival", "lang:fr"]:
        a, b = one.search(text, limit=20), three.search(text, limit=20)
        assert [(h.id, round(h.score, 5)) for h in a.hits] == [(h.id, round(h.score, 5)) for h in b.hits], text
        assert a.total == b.total and a.facets == b.facets, text
        assert a.total, text
    assert keys(archive, three.search("geneva").hits) == ["geneva"]
    assert three.check(archive.repo).ok
    assert three.sync(archive.repo).added == 0  # every article was marked indexed


def test_a_failed_rebuild_process_is_reported_in_one_line(tmp_path: Path) -> None:
    from search.rebuild import _Part

    (tmp_path / "ix").mkdir()
    part = _Part(1, f"sqlite:///{tmp_path}/missing/nothing.sqlite", tmp_path / "ix", "MAIN", 0, 10)
    try:
        deadline = time.monotonic() + 60
        with pytest.raises(RuntimeError, match=r"a rebuild process failed \(exit 1\): \S"):
            while not part.check():
                assert time.monotonic() < deadline
                time.sleep(0.05)
    finally:
        part.stop()
        part.close()


def test_index_files_are_read_in_place_not_copied(tmp_path: Path) -> None:
    """search/mmapfiles.py: Whoosh's BufferFile read a copy of every file (BytesIO(memoryview));
    it now reads the mapped view, with the same results as BytesIO."""
    import io
    import pickle

    from whoosh.filedb.structfile import BufferFile

    import search.store  # noqa: F401  (installs the patch, as every index user does)
    from search.mmapfiles import _ViewFile

    data = pickle.dumps({"a": [1, 2, 3]}) + b"line one\nline two\n" + bytes(range(256))
    view = memoryview(bytearray(data))
    mapped = BufferFile(view, name="x")
    assert isinstance(mapped.file, _ViewFile)
    ours, theirs = _ViewFile(memoryview(data)), io.BytesIO(data)
    assert pickle.load(ours) == pickle.load(theirs) == {"a": [1, 2, 3]}
    for step in (lambda f: f.readline(), lambda f: f.read(3), lambda f: (f.seek(-5, 2), f.read())[1],
                 lambda f: (f.seek(2), f.tell())[1], lambda f: f.read(), lambda f: f.read(), lambda f: f.tell()):
        assert step(ours) == step(theirs)
    buffer = bytearray(4)
    ours.seek(1)
    theirs.seek(1)
    assert (ours.readinto(buffer), bytes(buffer)) == (theirs.readinto(bytearray(4)), data[1:5])
    # and a real index opened through it searches as before
    ix = build(tmp_path / "ix", documents(50), bulk=True)
    with ix.searcher() as searcher:
        assert searcher.doc_count() == 50
        assert searcher.document(id="1")["url"] == "https://example.org/0"
