"""A small literal news corpus in a real archive, for the search tests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from archive.db import Database
from archive.extract import Extraction
from archive.repository import Repository
from archive.warc import WarcPointer

FILLER = ("The council met again on Tuesday evening to discuss the budget for the coming year. "
          "Members agreed to revisit the parking rules after the summer recess. ")

# key: (source, title, text, published, extra metadata)
CORPUS: dict[str, dict[str, Any]] = {
    "geneva": dict(source="daily", title="Ukraine talks resume in Geneva",
                   text="Diplomats from Ukraine and Russia met in Geneva on Monday. The talks focused on "
                        "grain exports and prisoner exchanges. Zelensky said progress was slow.",
                   published=datetime(2025, 5, 3, 9, 0, tzinfo=UTC), authors=["Jane Smith"],
                   tags=["Ukraine", "Diplomacy"], section="World", description="Negotiators meet again."),
    "wheat": dict(source="herald", title="Grain prices fall",
                  text="Wheat and grain prices fell sharply after the export deal. Farmers in Kansas "
                       "worried about the harvest.",
                  published=datetime(2024, 1, 10, 12, 0, tzinfo=UTC), authors=["Bob Jones"],
                  tags=["Economy"], section="Business"),
    "reformes": dict(source="herald", title="Le gouvernement annonce des réformes",
                     text="Le gouvernement français annonce des réformes importantes pour les retraites. "
                          "Les syndicats préparent une grève nationale.",
                     published=datetime(2025, 6, 1, 8, 0, tzinfo=UTC), language="fr", section="World"),
    "storm": dict(source="daily", title="Storm hits coastal towns",
                  text="The storm flooded coastal towns overnight. Rescue teams evacuated hundreds of "
                       "residents while the river kept rising.",
                  published=datetime(2023, 9, 12, 6, 30, tzinfo=UTC), authors=["Ana Lopez"],
                  tags=["Weather"], section="World"),
    "farmers": dict(source="courier", title="Ukrainian farmers count war damage",
                    text="Ukrainian farmers near Kharkiv counted the damage to their fields and grain silos. "
                         "Many said the harvest would be half of last year's.",
                    published=datetime(2025, 5, 20, 10, 0, tzinfo=UTC), authors=["Jane Smith"],
                    tags=["Ukraine", "Agriculture"], section="Business"),
    "farmers-copy": dict(source="daily", title="Ukrainian farmers count war damage",
                         text="Ukrainian farmers near Kharkiv counted the damage to their fields and grain "
                              "silos. Many said the harvest would be half of last year's. (Syndicated.)",
                         published=datetime(2025, 5, 21, 10, 0, tzinfo=UTC), authors=["Jane Smith"],
                         tags=["Ukraine", "Agriculture"], section="Business"),
    "rates": dict(source="courier", title="Central bank raises interest rates",
                  text="The central bank raised interest rates to fight inflation. Economists expect "
                       "mortgage costs to climb this summer.",
                  published=datetime(2025, 5, 28, 14, 0, tzinfo=UTC), tags=["Economy"], section="Business"),
    "festival": dict(source="herald", title="Festival opens with a premiere",
                     text="The film festival opened with the premiere of a documentary about lighthouse "
                          "keepers. " + FILLER * 6 + "Critics praised the harbour scenes and the "
                          "lighthouse footage at dawn.",
                     published=datetime(2022, 7, 1, 19, 0, tzinfo=UTC), section="Culture"),
}


@dataclass
class Archive:
    db: Database
    repo: Repository
    ids: dict[str, int]
    sources: dict[str, int]

    def store(self, key: str, **fields: Any) -> int:
        spec = dict(fields)
        source = spec.pop("source")
        if source not in self.sources:
            self.sources[source] = self.repo.ensure_source(source)
        url = spec.pop("url", f"https://{source}.example/news/{key}")
        result = self.repo.store_article(self.sources[source], url, Extraction(ok=True, **spec),
                                         WarcPointer("x.warc.gz", 0, 0))
        self.ids[key] = result.article_id
        return result.article_id


def make_archive(url: str, corpus: dict[str, dict[str, Any]] | None = None) -> Archive:
    db = Database(url)
    archive = Archive(db, Repository(db), {}, {})
    for key, spec in (CORPUS if corpus is None else corpus).items():
        archive.store(key, **spec)
    return archive


def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path}/a.sqlite"


def keys(archive: Archive, hits: list) -> list[str]:
    """Hit list -> corpus keys, for readable assertions."""
    by_id = {v: k for k, v in archive.ids.items()}
    return [by_id[h.id] for h in hits]
