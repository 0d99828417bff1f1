"""HTML pages of the demo site: every article wrapped in the chrome of a real news site."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from html import escape

from newsarchive.demosite import boilerplate as bp
from newsarchive.demosite.model import AUTHORS, SECTIONS, DemoArticle, slugify

AP_MONTHS = ("Jan.", "Feb.", "March", "April", "May", "June", "July", "Aug.", "Sept.", "Oct.", "Nov.", "Dec.")
ZONE_NAMES = {-4 * 3600: "EDT", -5 * 3600: "EST", 0: "UTC"}

STYLE = """
body{font-family:Georgia,serif;margin:0;color:#222;background:#fff}
.cookie-banner{background:#333;color:#eee;padding:.6em 1em;font:14px sans-serif}
.site-header{border-bottom:3px double #222;padding:1em;text-align:center}
.logo{font-size:2.2em;font-weight:bold;color:#111;text-decoration:none}
.main-nav ul,.site-footer ul{list-style:none;padding:0}
.main-nav li,.site-footer li{display:inline;margin:0 .6em}
main{max-width:46em;margin:0 auto;padding:1em}
.byline,.kicker,.share-tools,.comment-meta{font:14px sans-serif;color:#555}
.ad-slot{background:#f3f3f3;text-align:center;padding:2em;font:12px sans-serif;color:#999}
.newsletter-signup,.author-bio,.related-stories{border-top:1px solid #ccc;margin-top:1.5em;padding-top:.5em}
.subscribe-pitch{font-style:italic}
.site-footer{background:#f5f5f5;padding:1em;font:13px sans-serif;margin-top:2em}
"""


def ap_date(dt: datetime) -> str:
    """'May 14, 2025, 7:45 a.m. EDT' (Associated Press style, as US papers print it)."""
    hour = dt.hour % 12 or 12
    ampm = "a.m." if dt.hour < 12 else "p.m."
    offset = dt.utcoffset()
    zone = ZONE_NAMES.get(int(offset.total_seconds()), dt.tzname() or "") if offset is not None else ""
    return f"{AP_MONTHS[dt.month - 1]} {dt.day}, {dt.year}, {hour}:{dt.minute:02d} {ampm} {zone}".strip()


def ap_day(dt: datetime) -> str:
    return f"{AP_MONTHS[dt.month - 1]} {dt.day}, {dt.year}"


def staff_path(name: str) -> str:
    return f"/staff/{slugify(name)}/"


@dataclass
class SiteContext:
    """What every page needs to know about the running site."""

    base_url: str
    site_name: str
    articles: list[DemoArticle]  # newest first

    def abs(self, path: str) -> str:
        return self.base_url.rstrip("/") + path


def _json_ld(data: dict) -> str:
    text = json.dumps(data, ensure_ascii=False, indent=1).replace("</", "<\\/")
    return f'<script type="application/ld+json">\n{text}\n</script>'


def layout(ctx: SiteContext, *, title: str, body: str, head: str = "", canonical: str = "",
           description: str = "") -> str:
    """The chrome every page shares: cookie banner, masthead, section nav, footer."""
    nav = "".join(f'<li><a href="/section/{key}/">{escape(name)}</a></li>' for key, name in SECTIONS.items())
    meta_desc = f'<meta name="description" content="{escape(description)}">\n' if description else ""
    link_canonical = f'<link rel="canonical" href="{escape(canonical)}">\n' if canonical else ""
    site = escape(ctx.site_name)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)}</title>
{meta_desc}{link_canonical}<link rel="alternate" type="application/rss+xml" title="{site}" href="/rss.xml">
{head}<style>{STYLE}</style>
</head>
<body>
<div class="cookie-banner" id="cookie-consent" role="region" aria-label="Cookie notice">
<p>{bp.cookie_notice(ctx.site_name)}</p>
<button type="button" class="cookie-accept">Accept</button> <a href="/privacy/">Privacy policy</a>
</div>
<header class="site-header">
<div class="masthead"><a class="logo" href="/">{site}</a>
<span class="tagline">News of Port Harbor and the bay since 1887</span></div>
<nav class="main-nav" aria-label="Sections"><ul><li><a href="/">Home</a></li>{nav}<li><a href="/about/">About</a></li></ul></nav>
<div class="header-actions"><a class="btn-subscribe" href="/subscribe/">Subscribe</a></div>
</header>
<main id="main">
{body}
</main>
<footer class="site-footer">
<nav aria-label="Footer"><ul>
<li><a href="/about/">About</a></li><li><a href="/about/#contact">Contact</a></li>
<li><a href="/privacy/">Privacy policy</a></li><li><a href="/terms/">Terms of use</a></li>
<li><a href="/rss.xml">RSS</a></li></ul></nav>
<p class="legal">{bp.footer_text(ctx.site_name)}</p>
<p class="copyright">{bp.COPYRIGHT}</p>
</footer>
</body>
</html>
"""


def _byline(article: DemoArticle, microdata: bool) -> str:
    parts = []
    for name in article.authors:
        prop = (' itemprop="author" itemscope itemtype="https://schema.org/Person"' if microdata else "")
        name_html = f'<span itemprop="name">{escape(name)}</span>' if microdata else escape(name)
        parts.append(f'<a class="author" rel="author" href="{staff_path(name)}"{prop}>{name_html}</a>, '
                     f'<span class="author-title">{escape(article.author_title(name))}</span>')
    names = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + ", and " + parts[-1]
    pub_prop = ' itemprop="datePublished"' if microdata else ""
    html = (f'<div class="byline"><span class="byline-authors">By {names}</span> '
            f'<span class="byline-sep">|</span> <time class="published" datetime="{article.published.isoformat()}"'
            f'{pub_prop}>{ap_date(article.published)}</time>')
    if article.modified:
        mod_prop = ' itemprop="dateModified"' if microdata else ""
        html += (f' <span class="updated">Updated <time datetime="{article.modified.isoformat()}"{mod_prop}>'
                 f'{ap_date(article.modified)}</time></span>')
    return html + "</div>"


def _share_tools(url: str) -> str:
    buttons = "".join(f'<button type="button" class="share-btn" data-network="{label.split()[-1].lower()}" '
                      f'data-url="{escape(url)}">{label}</button>' for label in bp.SHARE_LABELS)
    return f'<div class="share-tools" aria-label="Share this story">{buttons}</div>'


def _newsletter_box(ctx: SiteContext) -> str:
    return f"""<aside class="newsletter-signup" aria-labelledby="nl-title">
<h2 id="nl-title">The Morning Briefing</h2>
<p>{bp.newsletter_text(ctx.site_name)}</p>
<form action="/newsletter/" method="post"><label for="nl-email">Email address</label>
<input id="nl-email" type="email" name="email" placeholder="you@example.com" required>
<button type="submit">Sign up</button></form>
</aside>"""


def _body(ctx: SiteContext, article: DemoArticle, related: list[DemoArticle], microdata: bool) -> str:
    """Story paragraphs with the junk real sites weave in: an ad slot, a "Read more:" line, the
    newsletter box, and the subscription pitch as the last paragraph."""
    out = []
    for i, para in enumerate(article.paragraphs):
        if i in article.subheads:
            out.append(f"<h2>{escape(article.subheads[i])}</h2>")
        out.append(f"<p>{escape(para)}</p>")
        if i == 1:
            out.append('<div class="ad-slot" aria-label="Advertisement"><span class="ad-label">Advertisement'
                       "</span></div>")
        if i == 2 and related:
            out.append(f'<p class="read-more"><strong>{bp.READ_MORE_LABEL}</strong> '
                       f'<a href="{escape(ctx.abs(related[0].path))}">{escape(related[0].title)}</a></p>')
        if i == 4:
            out.append(_newsletter_box(ctx))
    out.append(f'<p class="subscribe-pitch">{bp.subscription_pitch(ctx.site_name)} '
               '<a href="/subscribe/">Subscribe now</a></p>')
    prop = ' itemprop="articleBody"' if microdata else ""
    return f'<div class="article-body"{prop}>\n' + "\n".join(out) + "\n</div>"


def _author_bio(ctx: SiteContext, article: DemoArticle) -> str:
    lines = []
    for name in article.authors:
        bio = AUTHORS.get(name, ("", f"{name} is a contributor."))[1]
        link = f'<a href="{staff_path(name)}"><strong>{escape(name)}</strong></a>'
        text = escape(bio).replace(escape(name), link, 1) if name in bio else f"{link}. {escape(bio)}"
        lines.append(f'<p class="bio">{text}</p>')
    return (f'<section class="author-bio"><h2>About the author{"s" if len(article.authors) > 1 else ""}</h2>\n'
            + "\n".join(lines) + f"\n<p>{bp.bio_sentence(ctx.site_name)}</p></section>")


def _related(ctx: SiteContext, related: list[DemoArticle]) -> str:
    items = "".join(f'<li><a href="{escape(ctx.abs(a.path))}">{escape(a.title)}</a> '
                    f'<span class="date">{ap_day(a.published)}</span></li>' for a in related)
    return (f'<aside class="related-stories"><h2>{bp.RELATED_HEADING}</h2>'
            f'<ul class="related-list">{items}</ul></aside>')


def _comments(ctx: SiteContext, article: DemoArticle, index: int) -> str:
    picks = [bp.READER_COMMENTS[(index * 3) % len(bp.READER_COMMENTS)],
             bp.READER_COMMENTS[(index * 3 + 5) % len(bp.READER_COMMENTS)]]
    items = [("Gazette Moderators", bp.moderator_comment(ctx.site_name), article.published, " pinned")]
    for n, (who, text) in enumerate(picks, start=1):
        items.append((who, text, article.published + timedelta(hours=2 * n + 1), ""))
    lis = "".join(f'<li class="comment{extra}"><p class="comment-meta"><span class="comment-author">'
                  f'{escape(who)}</span> <time datetime="{when.isoformat()}">{ap_date(when)}</time></p>'
                  f'<p class="comment-body">{escape(text)}</p></li>' for who, text, when, extra in items)
    return f"""<section id="comments" class="comments" aria-label="Reader comments">
<h2>Comments ({len(items)})</h2>
<p class="comments-policy">{bp.COMMENTS_POLICY}</p>
<ol class="comment-list">{lis}</ol>
<form class="comment-form" action="/comments/" method="post"><label for="comment-text">Join the conversation</label>
<textarea id="comment-text" name="text" rows="3"></textarea><button type="submit">Post comment</button></form>
</section>"""


def _head_metadata(ctx: SiteContext, article: DemoArticle) -> str:
    url = ctx.abs(article.path)
    image = ctx.abs(f"/images/{article.slug}.png")
    if article.metadata == "microdata":
        return ""
    og = [("og:site_name", ctx.site_name), ("og:type", "article"), ("og:locale", "en_US"),
          ("og:title", article.title), ("og:description", article.dek), ("og:url", url), ("og:image", image),
          ("article:published_time", article.published.isoformat())]
    if article.modified:
        og.append(("article:modified_time", article.modified.isoformat()))
    og.append(("article:section", article.section_name))
    og += [("article:tag", tag) for tag in article.tags]
    lines = [f'<meta property="{p}" content="{escape(v)}">' for p, v in og]
    lines.append('<meta name="twitter:card" content="summary_large_image">')
    lines.append(f'<meta name="twitter:title" content="{escape(article.title)}">')
    if article.metadata == "jsonld":
        data = {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": article.title,
            "description": article.dek,
            "url": url,
            "mainEntityOfPage": {"@type": "WebPage", "@id": url},
            "image": [image],
            "datePublished": article.published.isoformat(),
            **({"dateModified": article.modified.isoformat()} if article.modified else {}),
            "author": [{"@type": "Person", "name": n, "jobTitle": article.author_title(n),
                        "url": ctx.abs(staff_path(n))} for n in article.authors],
            "publisher": {"@type": "NewsMediaOrganization", "name": ctx.site_name, "url": ctx.abs("/"),
                          "logo": {"@type": "ImageObject", "url": ctx.abs("/images/logo.png")}},
            "articleSection": article.section_name,
            "keywords": list(article.tags),
            "inLanguage": "en",
        }
        lines.append(_json_ld(data))
    return "\n".join(lines) + "\n"


def related_for(ctx: SiteContext, article: DemoArticle, count: int = 4) -> list[DemoArticle]:
    """Other stories of the same section first (newest first), then the newest of the rest."""
    others = [a for a in ctx.articles if a.slug != article.slug]
    same = [a for a in others if a.section == article.section]
    rest = [a for a in others if a.section != article.section]
    return (same + rest)[:count]


def article_page(ctx: SiteContext, article: DemoArticle, index: int) -> str:
    microdata = article.metadata == "microdata"
    url = ctx.abs(article.path)
    related = related_for(ctx, article)
    scope = ' itemscope itemtype="https://schema.org/NewsArticle"' if microdata else ""
    micro_meta = ""
    if microdata:
        micro_meta = (f'<meta itemprop="articleSection" content="{escape(article.section_name)}">'
                      f'<meta itemprop="keywords" content="{escape(", ".join(article.tags))}">'
                      f'<link itemprop="mainEntityOfPage" href="{escape(url)}">'
                      f'<meta itemprop="inLanguage" content="en">')
    headline_prop = ' itemprop="headline"' if microdata else ""
    dek_prop = ' itemprop="description"' if microdata else ""
    body = f"""<article class="story"{scope}>
{micro_meta}<header class="story-header">
<p class="kicker"><a href="/section/{article.section}/">{escape(article.section_name)}</a></p>
<h1 class="headline"{headline_prop}>{escape(article.title)}</h1>
<p class="dek"{dek_prop}>{escape(article.dek)}</p>
{_byline(article, microdata)}
{_share_tools(url)}
</header>
{_body(ctx, article, related, microdata)}
{_author_bio(ctx, article)}
</article>
{_related(ctx, related)}
{_comments(ctx, article, index)}"""
    return layout(ctx, title=f"{article.title} - {ctx.site_name}", body=body, canonical=url,
                  description=article.dek, head=_head_metadata(ctx, article))


def _teaser(article: DemoArticle) -> str:
    authors = " and ".join(escape(n) for n in article.authors)
    return (f'<li class="teaser"><h3><a href="{article.path}">{escape(article.title)}</a></h3>'
            f'<p class="teaser-dek">{escape(article.dek)}</p>'
            f'<p class="teaser-meta">By {authors} | <time datetime="{article.published.isoformat()}">'
            f"{ap_day(article.published)}</time></p></li>")


def home_page(ctx: SiteContext, count: int = 12) -> str:
    teasers = "".join(_teaser(a) for a in ctx.articles[:count])
    sections = "".join(f'<li><a href="/section/{key}/">More {escape(name)} news</a></li>'
                       for key, name in SECTIONS.items())
    body = (f'<h1 class="visually-hidden">{escape(ctx.site_name)}</h1>\n<section class="latest"><h2>Latest news</h2>'
            f'<ul class="teasers">{teasers}</ul></section>\n<section class="more"><h2>Sections</h2>'
            f"<ul>{sections}</ul></section>")
    return layout(ctx, title=f"{ctx.site_name} - News of Port Harbor and the bay", body=body,
                  canonical=ctx.abs("/"), description="Local news from Port Harbor, Gull Island and the bay.")


def section_page(ctx: SiteContext, key: str) -> str:
    name = SECTIONS[key]
    items = [a for a in ctx.articles if a.section == key]
    teasers = "".join(_teaser(a) for a in items) or "<li>No stories yet.</li>"
    body = f'<h1>{escape(name)}</h1>\n<ul class="teasers">{teasers}</ul>'
    return layout(ctx, title=f"{name} - {ctx.site_name}", body=body, canonical=ctx.abs(f"/section/{key}/"),
                  description=f"{name} news from {ctx.site_name}.")


def staff_page(ctx: SiteContext, name: str) -> str:
    title, bio = AUTHORS.get(name, ("Contributor", f"{name} is a contributor."))
    items = "".join(_teaser(a) for a in ctx.articles if name in a.authors)
    body = (f'<h1>{escape(name)}</h1><p class="staff-title">{escape(title)}</p><p>{escape(bio)}</p>'
            f'<h2>Stories</h2><ul class="teasers">{items}</ul>')
    return layout(ctx, title=f"{name} - {ctx.site_name}", body=body, canonical=ctx.abs(staff_path(name)))


STATIC_PAGES: dict[str, tuple[str, str]] = {
    "/about/": ("About us", """<p>The Harbor Gazette has covered Port Harbor, Gull Island and the towns of the
bay since 1887. It is a fictional newspaper, written for the newsarchive project as a demonstration site:
every person, business and event on it is invented.</p>
<p>Our newsroom on Front Street has a staff of 14 reporters and editors. We publish every day online and
print a weekend edition on Saturdays.</p>
<h2 id="contact">Contact</h2>
<p>Newsroom: newsroom@harborgazette.example. Customer service: help@harborgazette.example.
Mail: 12 Front Street, Port Harbor.</p>"""),
    "/privacy/": ("Privacy policy", """<p>We keep the email address you give us for our newsletters and
nothing else. Our cookies remember your preferences and count page views. We do not sell data.</p>"""),
    "/terms/": ("Terms of use", """<p>You may read, print and link to our articles for personal use. Please
ask before republishing them.</p>"""),
    "/subscribe/": ("Subscribe", """<p>Digital access costs $1 a week for the first year, then $4 a week.
Cancel at any time. Print delivery on Saturdays is available in Port Harbor and on Gull Island.</p>"""),
}


def static_page(ctx: SiteContext, path: str) -> str:
    title, html = STATIC_PAGES[path]
    return layout(ctx, title=f"{title} - {ctx.site_name}", body=f"<h1>{escape(title)}</h1>\n{html}",
                  canonical=ctx.abs(path))


def not_found_page(ctx: SiteContext) -> str:
    body = ('<h1>Page not found</h1><p>Sorry, we could not find that page. It may have moved, or the address '
            'may be mistyped.</p><p><a href="/">Go to the home page</a></p>')
    return layout(ctx, title=f"Page not found - {ctx.site_name}", body=body)
