"""The query language (docs/search.md): Whoosh's parser configured for newsarchive, made lenient.

A malformed query never raises: what cannot be understood is repaired or searched as plain
words, and every change is described in `ParsedQuery.notices`.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from datetime import date

from whoosh import qparser, query
from whoosh.fields import Schema
from whoosh.qparser import syntax

from search.schema import DEFAULT_FIELDS, TEXT_FIELDS, language_fields

#: What users type -> the index field it means.
FIELD_ALIASES = {"author": "authors", "tag": "tags", "lang": "language"}
USER_FIELDS = {"title", "body", "authors", "author", "source", "tags", "tag", "language", "lang",
               "published", "since", "until", "section", "url"}
OPERATORS = {"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE"}
_DATE_RE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_SINCE_UNTIL = re.compile(r"(?<![\w:])(since|until):(\S*)")
_PUBLISHED = re.compile(r"(?<![\w:])published:(\[[^\]]*\]?|\S*)")
_FIELD = re.compile(r"(?<![\w:])(\w+):")
_WORDS = re.compile(r"\w+")
_EMPTY_FIELD = re.compile(r"(?<![\w:])(\w+):(?=\s|$)\s*")
_TOKEN_OUTSIDE_QUOTES = re.compile(r'"[^"]*"|[^\s"]+')
_WILDCARDS_ONLY = re.compile(r"^([(+-]*)(\w+:)?[*?]+([)]*)$")
_LEADING_WILDCARD = re.compile(r"^([(+-]*)(\w+:)?[*?]+(?=\w)")


@dataclass
class ParsedQuery:
    query: query.Query
    notices: list[str] = field(default_factory=list)
    words: list[str] = field(default_factory=list)  # plain words typed (for "did you mean")


def valid_date(text: str) -> bool:
    """YYYY, YYYY-MM or YYYY-MM-DD naming a real date."""
    if not _DATE_RE.match(text):
        return False
    parts = [int(p) for p in text.split("-")] + [1, 1]
    try:
        date(parts[0], parts[1], parts[2])
    except ValueError:
        return False
    return True


class ExpandFieldsPlugin(qparser.Plugin):
    """`title:` and `body:` search every language's title/body field present in the index."""

    def __init__(self, expansions: dict[str, list[str]]) -> None:
        self.expansions = expansions

    def filters(self, parser: qparser.QueryParser) -> list:
        return [(self.do_expand, 105)]  # after FieldsPlugin (100), before MultifieldPlugin (110)

    def do_expand(self, parser: qparser.QueryParser, group: syntax.GroupNode) -> syntax.GroupNode:
        for i, node in enumerate(group):
            if isinstance(node, syntax.GroupNode):
                group[i] = self.do_expand(parser, node)
            elif node.has_fieldname and node.fieldname in self.expansions:
                names = self.expansions[node.fieldname]
                if len(names) > 1:
                    copies = []
                    for name in names:
                        new = copy.copy(node)
                        new.set_fieldname(name, override=True)
                        copies.append(new)
                    group[i] = syntax.OrGroup(copies)
        return group


class QueryLanguage:
    """Parses user queries against the fields present in one index."""

    def __init__(self, schema: Schema, present: set[str]) -> None:
        self.schema = schema
        expansions = {base: [f for f in language_fields(base) if f in present] or [base]
                      for base in TEXT_FIELDS}
        self.default_fields = [f for base in DEFAULT_FIELDS for f in expansions[base]]
        self.parser = self._make_parser(expansions)
        self.plain_parser = qparser.MultifieldParser(self.default_fields, schema, plugins=[])

    def _make_parser(self, expansions: dict[str, list[str]]) -> qparser.QueryParser:
        parser = qparser.MultifieldParser(self.default_fields, self.schema)
        parser.remove_plugin_class(qparser.PlusMinusPlugin)
        # '-' and '+' only at the start of a word, so "covid-19" stays one word.
        parser.add_plugin(qparser.PlusMinusPlugin(plusexpr=r"(?<![^\s(])\+", minusexpr=r"(?<![^\s(])-"))
        parser.add_plugin(qparser.FuzzyTermPlugin())
        parser.add_plugin(qparser.FieldAliasPlugin({k: [v] for k, v in
                                                    {"authors": "author", "tags": "tag",
                                                     "language": "lang"}.items()}))
        parser.add_plugin(ExpandFieldsPlugin(expansions))
        return parser

    # -- repairs before parsing -------------------------------------------------------
    @staticmethod
    def _dates(text: str, notices: list[str]) -> str:
        def since_until(m: re.Match[str]) -> str:
            name, value = m.group(1), m.group(2)
            if not valid_date(value):
                notices.append(f"ignored {m.group(0)!r}: not a date (use YYYY-MM-DD, YYYY-MM or YYYY)")
                return " "
            return f"published:[{value} TO]" if name == "since" else f"published:[TO {value}]"

        def published(m: re.Match[str]) -> str:
            value = m.group(1)
            if value.startswith("["):
                inner = value[1:-1] if value.endswith("]") else value[1:]
                parts = [p.strip() for p in re.split(r"\bTO\b", inner)]
                ok = len(parts) == 2 and any(parts) and all(not p or valid_date(p) for p in parts)
                if ok:
                    return f"published:[{' TO '.join(parts).strip()}]"
            elif valid_date(value):
                return m.group(0)
            notices.append(f"ignored {m.group(0)!r}: use published:YYYY-MM-DD (or YYYY-MM, YYYY) or "
                           "published:[YYYY-MM-DD TO YYYY-MM-DD]")
            return " "

        text = _SINCE_UNTIL.sub(since_until, text)
        return _PUBLISHED.sub(published, text)

    @staticmethod
    def _empty_fields(text: str, notices: list[str]) -> str:
        """`title: storm` means `title:storm`; a field with nothing after it is dropped."""
        def repair(m: re.Match[str]) -> str:
            name = m.group(1)
            if name.lower() not in USER_FIELDS:
                return m.group(0)  # unknown fields are reported by _fields
            rest = text[m.end():]
            following = rest.split(None, 1)[0] if rest.strip() else ""
            if not following or following in OPERATORS or following.startswith(")") \
                    or _FIELD.match(following):
                notices.append(f"ignored {name + ':'!r}: nothing follows it "
                               f"(write {name.lower()}:word or {name.lower()}:\"a phrase\")")
                return " "
            notices.append(f"read {name + ': ' + following!r} as {name + ':' + following!r}")
            return f"{name}:"

        return _EMPTY_FIELD.sub(repair, text)

    @staticmethod
    def _wildcards(text: str, notices: list[str]) -> str:
        """Only word endings may be left open: a lone `*` or a leading `*` would scan every term."""
        def repair(m: re.Match[str]) -> str:
            token = m.group(0)
            if token.startswith('"'):
                return token
            if _WILDCARDS_ONLY.match(token):
                notices.append(f"ignored {token!r}: a wildcard needs letters before it (e.g. ukrain*)")
                return " "
            lead = _LEADING_WILDCARD.match(token)
            if lead:
                fixed = (lead.group(1) or "") + (lead.group(2) or "") + token[lead.end():]
                notices.append(f"read {token!r} as {fixed!r}: only the end of a word can be left open "
                               "(e.g. ukrain*)")
                return fixed
            return token

        return _TOKEN_OUTSIDE_QUOTES.sub(repair, text)

    @staticmethod
    def _fields(text: str, notices: list[str]) -> str:
        def unknown(m: re.Match[str]) -> str:
            name = m.group(1)
            if name.lower() in USER_FIELDS:
                return m.group(0).lower()
            notices.append(f"unknown field {name + ':'!r}: searched what follows it as plain words "
                           "(fields: title, author, source, tag, lang, published, since, until)")
            return " "

        return _FIELD.sub(unknown, text)

    @staticmethod
    def _balance(text: str, notices: list[str]) -> str:
        if text.count('"') % 2:
            cut = text.rfind('"')
            text = text[:cut] + " " + text[cut + 1:]
            notices.append('ignored an unmatched quote (")')
        out, depth, dropped, in_quote = [], 0, 0, False
        for ch in text:
            if ch == '"':
                in_quote = not in_quote
            elif not in_quote and ch == "(":
                depth += 1
            elif not in_quote and ch == ")":
                if depth == 0:
                    dropped += 1
                    out.append(" ")
                    continue
                depth -= 1
            out.append(ch)
        if dropped or depth:
            notices.append("ignored unmatched parentheses")
            text = "".join(out) + ")" * depth
        else:
            text = "".join(out)
        tokens = text.split()
        cleaned: list[str] = []
        for i, tok in enumerate(tokens):
            if tok in OPERATORS:
                prev_ok = bool(cleaned) and cleaned[-1] not in OPERATORS and not cleaned[-1].endswith("(")
                nxt = tokens[i + 1] if i + 1 < len(tokens) else None
                next_ok = nxt is not None and nxt not in (OPERATORS - {"NOT"}) and not nxt.startswith(")")
                if tok == "NOT":
                    prev_ok = True
                if not (prev_ok and next_ok):
                    notices.append(f"ignored the operator {tok} (it needs a word on each side)")
                    continue
            cleaned.append(tok)
        return " ".join(cleaned)

    # -- parsing --------------------------------------------------------------------------
    def parse(self, text: str) -> ParsedQuery:
        notices: list[str] = []
        original = text or ""
        text = self._dates(original, notices)
        text = self._empty_fields(text, notices)
        text = self._fields(text, notices)
        text = self._balance(text, notices)
        text = self._wildcards(text, notices)
        words = [w for w in re.findall(r'(?<![\w:*~"-])([^\W\d_]{2,})(?![\w:*~])', _strip_fielded(text))
                 if w not in OPERATORS]
        if not text.strip():
            if original.strip():
                notices.append("nothing left to search for")
            return ParsedQuery(query.NullQuery, notices, [])
        try:
            q = self.parser.parse(text)
            error = _first_error(q)
        except Exception as exc:  # noqa: BLE001 - Whoosh's parser can raise many kinds
            q, error = None, str(exc) or type(exc).__name__
        if error is not None or q is None:
            plain = " ".join(w for w in _WORDS.findall(original) if w not in OPERATORS)
            notices.append(f"could not understand the query ({error}); searched for the words: {plain}")
            q = self.plain_parser.parse(plain) if plain else query.NullQuery
        if q is query.NullQuery and original.strip() and not notices:
            if _WORDS.search(original):
                notices.append("the query has only common words (such as 'the', 'and'), which are not indexed")
            else:
                notices.append("nothing to search for: the query has no words")
        return ParsedQuery(q, notices, words)


def _strip_fielded(text: str) -> str:
    """The query without fielded clauses and phrases (the words left are plain words)."""
    text = re.sub(r'"[^"]*"', " ", text)
    return re.sub(r"(?<![\w:])\w+:(\[[^\]]*\]|\"[^\"]*\"|\S+)", " ", text)


def _first_error(q: query.Query) -> str | None:
    for part in q.all_parts() if hasattr(q, "all_parts") else [q]:
        error = getattr(part, "error", None)
        if error:
            return str(error)
    error = getattr(q, "error", None)
    return str(error) if error else None
