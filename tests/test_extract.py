"""extract_article on pages written for the project: structure, overrides, cleanup and bad input."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

import pytest

from archive.extract import SelectorConfigError, extract_article, read_page_bytes
from archive.extraction.decode import decode_html
from newsarchive.errors import UserError

STORY = [
    "The harbour authority confirmed on Monday that the old pier will close for repairs next spring, "
    "after engineers found serious corrosion in the steel supports beneath the boardwalk.",
    "Fishermen who use the pier every morning said they had expected the news for years, but worried "
    "about where they would land their catch while the work goes on through the summer season.",
    "The authority said a temporary landing stage would be built on the north quay, and that the "
    "repairs should be finished before the autumn storms arrive on the coast later in the year.",
]
NAV = ('<header><nav><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li>'
       '<li><a href="/sport">Sport</a></li><li><a href="/weather">Weather</a></li></ul></nav></header>')


def page(body: str, head: str = "", lang: str = "en", charset: str = "utf-8") -> str:
    return (f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="{charset}">'
            f"<title>Old pier to close for repairs - Harbour News</title>{head}</head>"
            f"<body>{NAV}{body}<footer><p>About us</p><p>Contact</p></footer></body></html>")


def article(paragraphs: list[str] = STORY, extra: str = "") -> str:
    ps = "".join(f"<p>{p}</p>" for p in paragraphs)
    return f"<article><h1>Old pier to close for repairs</h1>{ps}{extra}</article>"


def test_text_is_paragraphs_separated_by_blank_lines() -> None:
    ex = extract_article(page(article()), "https://harbour.example.com/pier")
    assert ex.ok, ex.reason
    assert ex.text.split("\n\n") == STORY
    assert ex.word_count == len(re.findall(r"\w+", " ".join(STORY)))


def test_html_is_minimal_and_sanitized() -> None:
    extra = ('<h2>What happens next</h2><p>The council will vote on the plan, see '
             '<a href="/council/plan" onclick="x()" class="c">the plan</a> and '
             '<a href="javascript:alert(1)">this</a>, on Thursday evening at the town hall.</p>'
             '<ul><li>Repairs start in March next year</li><li>The pier reopens in October</li></ul>'
             '<blockquote>We have waited long enough for this work to start, said one fisherman.</blockquote>'
             '<script>alert("x")</script><iframe src="https://ads.example.com"></iframe>')
    ex = extract_article(page(article(extra=extra)), "https://harbour.example.com/news/pier")
    assert ex.ok
    tags = set(re.findall(r"<\s*([a-zA-Z0-9]+)", ex.html))
    assert tags <= {"p", "h2", "h3", "h4", "blockquote", "ul", "ol", "li", "figure", "figcaption", "a", "br"}
    assert '<a href="https://harbour.example.com/council/plan">the plan</a>' in ex.html
    assert "javascript" not in ex.html and "onclick" not in ex.html and "class=" not in ex.html
    assert "<h2>What happens next</h2>" in ex.html
    assert "<li>Repairs start in March next year</li>" in ex.html
    assert "alert" not in ex.text


def test_leftovers_are_cleaned() -> None:
    junk = ["Advertisement", "Read more: Ten things to do in the harbour this weekend",
            "Sign up for our newsletter to get the best of Harbour News in your inbox every day.",
            "Share this article", "3 comments", "Click here to get the Harbour News app"]
    paras = [STORY[0], junk[0], STORY[1], junk[1], junk[2], STORY[2], *junk[3:]]
    ex = extract_article(page(article(paras)), "https://harbour.example.com/pier")
    assert ex.ok
    assert ex.text.split("\n\n") == STORY
    assert "Old pier to close" not in ex.text  # the headline is metadata, not body text


def test_a_story_paragraph_mentioning_a_newsletter_is_kept() -> None:
    long = ("The harbour authority also said it would publish a weekly newsletter about the works, so that "
            "fishermen, shop owners and residents can follow the progress of the repairs and plan around "
            "the closures of the quay, the car park and the footpath along the beach.")
    ex = extract_article(page(article([*STORY, long])), "https://harbour.example.com/pier")
    assert ex.text.endswith(long)


def test_body_selector_and_remove_selectors() -> None:
    body = ('<div class="teaser"><p>' + " ".join(["Teaser text about other stories."] * 12) + "</p></div>"
            '<div class="story">' + "".join(f"<p>{p}</p>" for p in STORY)
            + '<div class="promo"><p>Buy a ticket for the harbour festival now, only while stock lasts, '
            "and get a free drink at the quay bar with it.</p></div></div>")
    html = page(body)
    ex = extract_article(html, "https://harbour.example.com/pier", body_selector="div.story",
                         remove_selectors=["div.promo", ".nothing-matches"])
    assert ex.ok
    assert ex.text.split("\n\n") == STORY
    # A selector that matches nothing falls back to automatic extraction.
    fallback = extract_article(html, "https://harbour.example.com/pier", body_selector="div.missing")
    assert fallback.ok and STORY[0] in fallback.text


def test_invalid_selector_is_a_user_error() -> None:
    with pytest.raises(SelectorConfigError) as err:
        extract_article(page(article()), body_selector="div[[")
    assert isinstance(err.value, UserError) and "newsarchive.toml" in str(err.value)


# -- bad input -------------------------------------------------------------------------------------
@pytest.mark.parametrize("data", [b"", b"   \n ", "", b"\x00\x00\x00", b"<html></html>", b"\x1f\x8b\x08garbage"])
def test_empty_or_junk_input_is_no_article(data: bytes | str) -> None:
    ex = extract_article(data, "https://harbour.example.com/x")
    assert not ex.ok and ex.reason


def test_page_with_only_navigation_is_no_article() -> None:
    links = "".join(f'<li><a href="/s/{i}">Section number {i} of the site</a></li>' for i in range(60))
    ex = extract_article(page(f"<nav><ul>{links}</ul></nav>"), "https://harbour.example.com/")
    assert not ex.ok and ex.reason


def test_ten_megabyte_page_does_not_crash() -> None:
    filler = "<div class='c'><span>x</span>" + "<p>Filler text in a comment box. </p>" * 5 + "</div>"
    html = page(article() + filler * (10_000_000 // len(filler)))
    assert len(html) > 10_000_000
    ex = extract_article(html.encode("utf-8"), "https://harbour.example.com/big")
    assert isinstance(ex.ok, bool)
    if ex.ok:
        assert STORY[0] in ex.text
    else:
        assert ex.reason


def test_broken_markup() -> None:
    broken = ("<html><head><title>Old pier</title></head><body><div class=story><article id=a><h1>Old pier to close</h1>"
              "<p>" + STORY[0] + "</b></span><p class=x>" + STORY[1].replace("the pier", "the <b>pier")
              + "<p>" + STORY[2] + "<div><table><tr><td>&nbsp</article")
    ex = extract_article(broken.encode(), "https://harbour.example.com/pier")
    assert ex.ok
    for para in STORY:
        assert para in ex.text


ACCENTED = [
    "Le café du port a rouvert ses portes lundi après trois mois de travaux, au grand plaisir des pêcheurs "
    "qui s’y retrouvent chaque matin avant de prendre la mer pour la journée.",
    "« C’est notre deuxième maison », explique un habitué, naïf et ému, devant la façade repeinte "
    "et la terrasse agrandie qui donne désormais sur la jetée rénovée.",
    "La propriétaire espère que l’été sera bon et que les touristes reviendront nombreux après une "
    "saison difficile marquée par la fermeture du quai principal.",
]


def test_windows_1252_bytes_declared_utf8() -> None:
    html = page(article(ACCENTED), lang="fr", charset="utf-8")
    ex = extract_article(html.encode("cp1252"), "https://port.example.fr/cafe", encoding="utf-8")
    assert ex.ok
    assert ex.text.split("\n\n") == ACCENTED
    assert ex.language == "fr"


def test_utf8_bytes_declared_iso_8859_1() -> None:
    html = page(article(ACCENTED), lang="fr", charset="iso-8859-1")
    ex = extract_article(html.encode("utf-8"), "https://port.example.fr/cafe", encoding="ISO-8859-1")
    assert ex.ok
    assert ex.text.split("\n\n") == ACCENTED
    assert "Ã" not in ex.text


def test_mojibake_in_a_str_is_repaired() -> None:
    text, _ = decode_html("".join(ACCENTED).encode("utf-8").decode("cp1252"))
    assert text == "".join(ACCENTED)


SCRIPTS = {
    "ru": ["Городской совет во вторник утвердил новый бюджет после долгой дискуссии о будущем "
           "общественного транспорта в регионе и о стоимости ремонта старого моста через реку.",
           "Сторонники плана заявили, что он принесёт более частые автобусы в отдалённые районы, "
           "а критики предупредили, что повышение налогов ударит по малому бизнесу города."],
    "ar": ["وافق مجلس المدينة يوم الثلاثاء على ميزانية جديدة بعد نقاش طويل حول مستقبل النقل العام في "
           "المنطقة وتكلفة إصلاح الجسر القديم فوق النهر الذي يربط بين الأحياء الشرقية والغربية.",
           "وقال المؤيدون إن الخطة ستجلب حافلات أكثر تواترا إلى الأحياء البعيدة، بينما حذر المنتقدون من "
           "أن زيادة الضرائب اللازمة لتمويلها ستضر بالشركات الصغيرة والمحلات التجارية في وسط المدينة."],
    "zh": ["市议会周二在经过长时间辩论后批准了新的预算，讨论的焦点是该地区公共交通的未来以及修复河上旧桥的费用。"
           "支持者表示，这项计划将为偏远社区带来更频繁的公交服务，让居民出行更加方便快捷。",
           "批评者则警告说，为此所需的增税将伤害小企业和市中心的商店，市长承诺明年年底前公布新公交网络的初步成果报告。"
           "市长说，这次投票是城市发展的转折点，市政府将认真听取市民的意见和建议。"],
}


@pytest.mark.parametrize("lang", sorted(SCRIPTS))
@pytest.mark.parametrize("declared", [True, False])
def test_other_scripts(lang: str, declared: bool) -> None:
    paras = SCRIPTS[lang]
    html = page(article(paras), lang=lang if declared else "")
    ex = extract_article(html.encode("utf-8"), f"https://news.example.com/{lang}")
    if ex.ok:
        assert ex.text.split("\n\n") == paras
        assert ex.language == lang
    else:  # a CJK page can be short in \w+ words: then it must say why
        assert ex.reason


def test_a_template_lang_attribute_does_not_hide_the_real_language() -> None:
    ex = extract_article(page(article(SCRIPTS["ru"]), lang="en").encode(), "https://news.example.com/ru")
    assert ex.ok and ex.language == "ru"


def test_read_page_bytes_ungzips_by_content(tmp_path: Path) -> None:
    raw = page(article()).encode()
    (tmp_path / "a.html.gz").write_bytes(gzip.compress(raw))
    (tmp_path / "b.html").write_bytes(raw)
    (tmp_path / "c.html").write_bytes(gzip.compress(raw))  # compressed, misleading name
    for name in ("a.html.gz", "b.html", "c.html"):
        assert read_page_bytes(tmp_path / name) == raw
    (tmp_path / "d.gz").write_bytes(b"\x1f\x8b\x08\x00broken")
    with pytest.raises(UserError):
        read_page_bytes(tmp_path / "d.gz")
