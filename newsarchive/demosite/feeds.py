"""Machine-readable pages of the demo site: RSS 2.0 feed, sitemap index + urlset, robots.txt."""

from __future__ import annotations

from email.utils import format_datetime
from xml.sax.saxutils import escape

from newsarchive.demosite.render import SiteContext


def rss(ctx: SiteContext, size: int = 20) -> str:
    """The newest `size` articles, newest first."""
    items = []
    for a in ctx.articles[:size]:
        url = ctx.abs(a.path)
        creators = "".join(f"<dc:creator>{escape(n)}</dc:creator>" for n in a.authors)
        categories = "".join(f"<category>{escape(t)}</category>" for t in [a.section_name, *a.tags])
        items.append(f"""<item>
<title>{escape(a.title)}</title>
<link>{escape(url)}</link>
<guid isPermaLink="true">{escape(url)}</guid>
<pubDate>{format_datetime(a.published)}</pubDate>
<description>{escape(a.dek)}</description>
{creators}{categories}
</item>""")
    newest = ctx.articles[0].updated if ctx.articles else None
    build = f"<lastBuildDate>{format_datetime(newest)}</lastBuildDate>\n" if newest else ""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom">
<channel>
<title>{escape(ctx.site_name)}</title>
<link>{escape(ctx.abs("/"))}</link>
<atom:link href="{escape(ctx.abs("/rss.xml"))}" rel="self" type="application/rss+xml"/>
<description>Local news from Port Harbor, Gull Island and the bay.</description>
<language>en-us</language>
{build}{chr(10).join(items)}
</channel>
</rss>
"""


def sitemap_index(ctx: SiteContext) -> str:
    newest = max((a.updated for a in ctx.articles), default=None)
    lastmod = f"<lastmod>{newest.isoformat()}</lastmod>" if newest else ""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>{escape(ctx.abs("/sitemap-articles.xml"))}</loc>{lastmod}</sitemap>
</sitemapindex>
"""


def sitemap_articles(ctx: SiteContext) -> str:
    urls = "\n".join(f"<url><loc>{escape(ctx.abs(a.path))}</loc><lastmod>{a.updated.isoformat()}</lastmod></url>"
                     for a in ctx.articles)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
{urls}
</urlset>
"""


def robots(ctx: SiteContext) -> str:
    return f"User-agent: *\nDisallow:\n\nSitemap: {ctx.abs('/sitemap.xml')}\n"
