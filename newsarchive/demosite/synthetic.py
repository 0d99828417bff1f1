"""Generated articles for tests that need more pages than the 30 hand-written stories.

The prose is assembled from sentence templates with a seeded random generator: every
paragraph is distinct (so only the site chrome recurs), and the output is the same on
every run for the same arguments.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone

from newsarchive.demosite.model import AUTHORS, SECTIONS, DemoArticle, slugify

_FIRST = ("Ada", "Bram", "Celia", "Dmitri", "Esther", "Farid", "Greta", "Hector", "Ines", "Jonas", "Kalani",
          "Leona", "Mateo", "Nadia", "Osric", "Pilar", "Quentin", "Rhea", "Soren", "Talia", "Umar", "Vera",
          "Wendell", "Ximena", "Yusuf", "Zora")
_LAST = ("Abbott", "Brightwater", "Castellane", "Dorsey", "Eklund", "Fairclough", "Gallo", "Hartwell", "Imrie",
         "Jansson", "Kettering", "Larkspur", "Moravec", "Northcott", "Okonjo", "Pellegrini", "Quarles",
         "Rasmussen", "Stroud", "Tennant", "Underhill", "Valdés", "Whitlock", "Yarrow")
_PLACES = ("Cordage Street", "the Eastpoint pier", "Saltmarsh Park", "Custom House Square", "the Gull Island "
           "landing", "Ropewalk Avenue", "the Cooperage district", "Tiller Street", "the old rail yard",
           "Mount Carrow", "the north jetty", "Anchor Street")
_THINGS = ("a community garden", "a new playground", "a seawall upgrade", "a food pantry", "a youth soccer "
           "league", "a bus shelter program", "a solar array", "a dog park", "a boat ramp", "a farmers market",
           "a health clinic", "a recycling depot", "a skate park", "a coastal trail", "a boxing gym",
           "a violin program", "a tool library", "a fish ladder")
_ROLES = ("a city planner", "a neighborhood organizer", "a retired machinist", "a high school senior",
          "the project manager", "a local contractor", "a volunteer coordinator", "a shop owner nearby",
          "a longtime resident", "an engineer with the county")
_VERBS = ("approved", "proposed", "delayed", "opened", "expanded", "redesigned", "paid for", "debated")
_SENTENCES = (
    "{person}, {role}, said the work on {thing} near {place} had taken {n} months longer than planned.",
    "Officials counted {n} residents at the first public meeting about {thing}, far more than expected.",
    "The budget for {thing} rose to ${n}0,000 after crews found old foundations beneath {place}.",
    "\u201cWe heard from people who had waited {n} years for this,\u201d said {person}, {role}.",
    "{person} said neighbors near {place} would see trucks on weekday mornings until the end of the month.",
    "A survey of {n}0 households found most wanted {thing} built before anything else on the list.",
    "The council {verb} a related measure by a vote of {k} to {j} on a cold Tuesday night.",
    "Critics, including {person}, argued that {thing} would do little for people living far from {place}.",
    "\u201cIt is not perfect, but it is a start,\u201d {person} said as volunteers packed up chairs.",
    "Records show the city first studied {thing} in 19{k}{j}, but the plan was shelved for lack of money.",
    "By late afternoon, {n} volunteers had signed up to help with {thing} at {place}.",
    "{person}, {role}, walked the site at {place} twice a week and kept notes in a yellow binder.",
    "A state grant of ${n}5,000 will cover roughly a third of the cost of {thing}.",
    "The next hearing on {thing} is scheduled for the {k}{j}th of next month at the grange hall.",
)


def _sentence(rng: random.Random) -> str:
    template = rng.choice(_SENTENCES)
    return template.format(
        person=f"{rng.choice(_FIRST)} {rng.choice(_LAST)}", role=rng.choice(_ROLES), place=rng.choice(_PLACES),
        thing=rng.choice(_THINGS), verb=rng.choice(_VERBS), n=rng.randint(3, 98), k=rng.randint(2, 9),
        j=rng.randint(1, 9))


def make_site_articles(n: int, source_label: str = "synthetic", *, start: datetime | None = None,
                       paragraphs: tuple[int, int] = (5, 8)) -> list[DemoArticle]:
    """`n` generated articles (oldest first, one every 2 days from `start`), deterministic for a label."""
    rng = random.Random(f"newsarchive-demosite-{source_label}")
    tz = timezone(timedelta(hours=-5))
    when = start or datetime(2025, 1, 6, 9, 0, tzinfo=tz)
    authors = list(AUTHORS)
    sections = list(SECTIONS)
    label = slugify(source_label) or "synthetic"
    articles = []
    for i in range(n):
        thing = rng.choice(_THINGS)
        place = rng.choice(_PLACES)
        verb = rng.choice(_VERBS)
        title = f"Council {verb} {thing} for {place} ({label} #{i + 1})"
        dek = f"Residents near {place} weigh in as {thing} moves forward."
        paras = []
        for _ in range(rng.randint(*paragraphs)):
            paras.append(" ".join(_sentence(rng) for _ in range(rng.randint(3, 4))))
        published = when + timedelta(days=2 * i, minutes=rng.randint(0, 600))
        modified = published + timedelta(hours=rng.randint(1, 30)) if i % 4 == 0 else None
        names = rng.sample(authors, 2 if i % 5 == 0 else 1)
        articles.append(DemoArticle(
            slug=f"{label}-{slugify(thing)}-{i + 1}", section=sections[i % len(sections)], title=title, dek=dek,
            authors=names, published=published, modified=modified, tags=[thing, place, label],
            paragraphs=paras, metadata="opengraph" if i % 7 == 3 else "jsonld"))
    return articles
