"""The text a news site wraps around every story: none of it may reach an archived article.

Every constant here is written into each article page verbatim (no characters that HTML
escaping would change), so a test can look for it in the raw page and in extracted text.
"""

from __future__ import annotations

from newsarchive.demosite.model import SITE_NAME

NEWSROOM_EMAIL = "newsroom@harborgazette.example"
SHARE_LABELS = ("Share on Facebook", "Share on X", "Share by email", "Copy link")
RELATED_HEADING = "Related stories"
READ_MORE_LABEL = "Read more:"
COMMENTS_POLICY = "Comments are reviewed before they appear. Please read our community guidelines."

# (screen name, text): two of these appear under each article, chosen by position.
READER_COMMENTS: tuple[tuple[str, str], ...] = (
    ("HarborWatcher42", "Thirty years in this town and this is the first time I have seen the city get "
                       "something like this right."),
    ("saltmarsh_mom", "Would love a follow-up on this in six months. These things always sound better at the "
                      "announcement."),
    ("Gus from Eastpoint", "Good reporting as usual. My grandfather would not recognize this town anymore."),
    ("quaystreetregular", "Who is paying for all of this? Nobody ever answers that question."),
    ("tidewater_teacher", "Thank you for covering this. The big outlets never pay attention to what happens "
                          "here."),
    ("R. Lindgren", "Went down to see it myself on Sunday. Worth the trip, and the chowder afterward was a "
                    "bonus."),
    ("ferryrider", "Meanwhile the 7:15 boat was late again this morning."),
    ("OldSaltDave", "Same old story. Announce it, cut the ribbon, forget about it."),
    ("cooperage_carla", "This is exactly the kind of local story worth paying for. Keep it up."),
    ("gullislandgirl", "Proud of our little corner of the coast today."),
)


def subscription_pitch(site_name: str = SITE_NAME) -> str:
    return f"Unlock unlimited access to {site_name}. Support local journalism: subscribe for $1 a week."


def newsletter_text(site_name: str = SITE_NAME) -> str:
    return (f"Get the morning briefing: the top stories from {site_name} in your inbox before 7 a.m., "
            "free every weekday.")


def cookie_notice(site_name: str = SITE_NAME) -> str:
    return (f"{site_name} uses cookies to remember your preferences and to measure how our journalism is "
            "read. By continuing to use this site you accept our cookie policy.")


def moderator_comment(site_name: str = SITE_NAME) -> str:
    """A pinned comment shown above the reader comments of every article."""
    return ("Reminder from the moderators: keep comments civil and on topic. Personal attacks and "
            "off-topic posts will be removed.")


def bio_sentence(site_name: str = SITE_NAME) -> str:
    """The closing sentence of every author bio box (the first sentence names the author)."""
    return (f"{site_name} newsroom is independent and locally owned. Send story ideas, tips and "
            f"corrections to {NEWSROOM_EMAIL}.")


def footer_text(site_name: str = SITE_NAME) -> str:
    return (f"{site_name} is published daily by Harbor Gazette Media Company. Material on this site may not "
            "be reproduced, distributed or transmitted without prior written permission.")


COPYRIGHT = "\u00a9 2026 Harbor Gazette Media Company. All rights reserved."


def boilerplate_snippets(site_name: str = SITE_NAME) -> list[str]:
    """Strings found on every article page of a site named `site_name`, never in its stories."""
    return [
        subscription_pitch(site_name),
        newsletter_text(site_name),
        cookie_notice(site_name),
        SHARE_LABELS[0],
        SHARE_LABELS[3],
        RELATED_HEADING,
        moderator_comment(site_name),
        COMMENTS_POLICY,
        bio_sentence(site_name),
        footer_text(site_name),
        COPYRIGHT,
        READ_MORE_LABEL,
    ]


BOILERPLATE_SNIPPETS: list[str] = boilerplate_snippets()
