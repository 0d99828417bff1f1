"""Generic post-cleaning of extracted blocks: the leftovers single-page extractors let through.

Every rule is about a kind of block found on many sites (repeated headline and dek, "Related:"
lines, newsletter pitches, comment counters, share/print widgets, photo credits, reading times,
related-link lists); none names a site. Rules only fire on short blocks, so a story paragraph that
happens to mention a newsletter is kept. Each rule was kept only when it raised F1 on the
benchmark (benchmarks/extraction.py).
"""

from __future__ import annotations

import re

from archive.extraction.body import Block

_WORD = re.compile(r"\w+", re.UNICODE)


def norm(text: str) -> str:
    """Lowercase words only: the comparison key of two texts."""
    return " ".join(_WORD.findall(text.lower()))


def _words(text: str) -> int:
    return len(_WORD.findall(text))


# Whole-block patterns (matched against the stripped block text, case-insensitive).
_JUNK_LINE = re.compile(r"""^(?:
    (?:\d+\s+)?comments?|comment\s+on\s+this\s+(?:story|article)|loading\s+comments.*|
    comments\s+powered\s+by.*|join\s+(?:the\s+)?discussion|view\s+comments|show\s+comments|
    you\s+must\s+(?:be\s+)?log(?:ged)?\s*in\s+to\s+post\s+a\s+comment.*|leave\s+a\s+(?:reply|comment).*|
    post\s+a\s+comment|reply|permalink|link\s+permanente|
    advertisement|advertisements?\s*[-–—:]?\s*continue\s+reading\s+below|
    story\s+continues\s+(?:below|after)(?:\s+(?:this\s+)?advertisement)?|continue\s+reading(?:\s+below)?|
    (?:scroll\s+down\s+)?(?:to\s+)?continue\s+reading|
    share(?:\s+this)?(?:\s+(?:article|story|post))?(?:\s+on\s+\w+)?|tweet|print|email|
    (?:order\s+reprints|print\s+article|reprints)|
    (?:you\s+(?:may|might)\s+also\s+(?:like|enjoy)|recommended(?:\s+for\s+you)?|related(?:\s+(?:stories|articles|coverage|posts?|content|news))?|
       (?:see|read)\s+(?:more|also)|more\s+(?:from|on)\s+.{1,40}|don'?t\s+miss|most\s+popular|popular\s+on\s+.{1,40}|
       further\s+reading|trending(?:\s+now)?|what\s+to\s+read\s+next|up\s+next|watch\s+next|more\s+stories|top\s+stories)
       \s*[:.…]*|
    (?:photo|image|picture|video)s?\s*(?:credit)?\s*:?\s*\(?\s*(?:getty|ap|reuters|afp|shutterstock|istock).{0,60}|
    (?:\d+\s*(?:min(?:ute)?s?|minutos?|minuti|minuten)\s+(?:read|de\s+leitura|de\s+lectura|lesezeit|di\s+lettura))|
    (?:reading\s+time|tempo\s+de\s+leitura|tiempo\s+de\s+lectura|lesezeit|temps\s+de\s+lecture|tempo\s+di\s+lettura)
       \s*:?\s*\d+\s*\w*|
    an\s+error\s+(?:has\s+)?occurred.{0,40}|
    source\s*:\s*.{1,60}
)$""", re.IGNORECASE | re.VERBOSE)

# Lead-in patterns: a short block that starts like this is a pointer elsewhere, not story text.
_JUNK_START = re.compile(r"""^\s*[\[(]?\s*(?:
    related|see\s+more|see\s+also|read\s+more|read\s+also|also\s+read|more|also|don'?t\s+miss|
    recommended|watch|listen|podcast|click\s+here|filed\s+under|posted\s+in|tags?|categories|
    more\s+on\s+this\s+story|editor'?s\s+pick|trending
)\s*[:|]""", re.IGNORECASE | re.VERBOSE)

_CLICK_HERE = re.compile(r"\bclick(?:ing)?\s+here\b", re.IGNORECASE)
_PITCH_A = re.compile(r"\b(?:sign\s*up|subscribe|subscription|newsletters?|inbox)\b", re.IGNORECASE)
_PITCH_B = re.compile(r"""\b(?:newsletters?|inbox|sign\s*up|subscribe|subscribers?|free|daily|weekly|
    delivered|email|today|join|unlimited|membership|members|support)\b""", re.IGNORECASE | re.VERBOSE)
_IMPERATIVE = re.compile(r"(?:^|[.!?:]\s+)(?:sign\s*up|subscribe|get|join|click|support|unlock|become|register|"
                         r"try|don'?t\s+miss|stay\s+(?:on\s+top|informed|up\s+to\s+date))\b", re.IGNORECASE)
_FOLLOW = re.compile(r"^\s*(?:follow|like)\s+(?:us|\w+(?:\s+\w+){0,3})\s+on\s+(?:twitter|facebook|instagram|"
                     r"youtube|tiktok|linkedin|x\b)", re.IGNORECASE)
_SOCIAL = re.compile(r"\b(?:twitter|facebook|instagram|youtube)\b", re.IGNORECASE)
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+\.[\w.-]+\b")
_CONTACT = re.compile(r"\b(?:write\s+to|email|e-mail|reached\s+at|contact|follow\s+(?:him|her|them|us))\b",
                      re.IGNORECASE)
_COPYRIGHT = re.compile(r"^(?:copyright\b|©|\(c\)\s*\d{4}).{0,150}$|all\s+rights\s+reserved\.?$",
                        re.IGNORECASE)
_LEGAL = re.compile(r"\b(?:by\s+submitting\s+this\s+form|personal,?\s+non-?commercial\s+use|"
                    r"(?:revoke|withdraw)\s+(?:this|your)\s+consent|data\s+(?:protection|privacy)\s+policy|"
                    r"personal\s+data\s+will|this\s+material\s+may\s+not\s+be\s+published)\b",
                    re.IGNORECASE)
_CONTRIBUTED = re.compile(r"\bcontributed\s+(?:to\s+)?(?:this\s+)?(?:report|reporting|story)\b\.?$",
                          re.IGNORECASE)


def is_junk_block(block: Block) -> bool:
    """A short block that is a widget, pointer, pitch or credit rather than story text."""
    text = block.text.strip()
    words = _words(text)
    if words == 0:
        return True
    if words <= 12 and _JUNK_LINE.match(text):
        return True
    if words <= 30 and _JUNK_START.match(text):
        return True
    if words <= 30 and _CLICK_HERE.search(text):
        return True
    if words <= 45 and _PITCH_A.search(text) and len(_PITCH_B.findall(text)) >= 2 and _IMPERATIVE.search(text):
        return True
    if words <= 30 and _FOLLOW.match(text):
        return True
    if words <= 40 and _EMAIL.search(text) and (_CONTACT.search(text) or _SOCIAL.search(text)):
        return True
    if words <= 40 and _COPYRIGHT.search(text):
        return True
    if words <= 80 and _LEGAL.search(text):
        return True
    return bool(words <= 60 and _CONTRIBUTED.search(text))


def is_link_block(block: Block) -> bool:
    """A list or short line made (almost) only of links: related stories, tags, navigation."""
    if block.kind in ("ul", "ol"):
        return block.link_density >= 0.6
    if re.fullmatch(r"(?:https?://|www\.)\S+", block.text.strip()):
        return False  # a reference printed as its URL is part of the text
    return block.link_density >= 0.9 and _words(block.text) <= 25


def link_share(blocks: list[Block], anchor_texts: set[str] = frozenset()) -> float:
    """Share of the text that sits inside links: near 1 for a page of navigation only.

    trafilatura's last-resort extraction loses the links; `anchor_texts` (normalized texts of
    the page's <a> elements) recognize those lines as links again.
    """
    letters = linked = 0
    for b in blocks:
        size = len(b.text.replace(" ", ""))
        from_anchors = sum(len(line.replace(" ", "")) for line in b.text.split("\n")
                           if norm(line) in anchor_texts) if anchor_texts else 0
        letters += size
        linked += max(b.link_chars, from_anchors)
    return linked / letters if letters else 0.0


def _is_shouting(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 12 and sum(c.isupper() for c in letters) >= 0.9 * len(letters)


def clean_blocks(blocks: list[Block], titles: list[str], description: str) -> list[Block]:
    """Drop repeated headline/dek, widgets and link lists; keep story blocks in order."""
    title_keys = {norm(t) for t in titles if norm(t)}
    desc_key = norm(description)
    kept: list[Block] = []
    for i, block in enumerate(blocks):
        key = norm(block.text)
        if not key:
            continue
        if i < 4 and not kept:
            # The headline and the dek repeated at the top of the body.
            # A dek equal to the first paragraph is usually the lead itself: only a heading is dropped.
            if key in title_keys or (desc_key and key == desc_key and block.kind != "p"):
                continue
            if block.kind.startswith("h") and any(key in t for t in title_keys if len(key) > 20):
                continue
        if is_junk_block(block) or is_link_block(block):
            continue
        if block.link_chars and _is_shouting(block.text) and block.link_density >= 0.8:
            continue  # ALL-CAPS links to other stories inside the body
        kept.append(block)
    # Trailing headings with nothing under them ("Most popular", a comments header...).
    while kept and kept[-1].kind in ("h2", "h3", "h4"):
        kept.pop()
    return kept
