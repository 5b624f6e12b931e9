"""One group's digest of one day: sections built, page frames rendered, CSS inlined.

Mail clients ignore most `<style>` blocks, so the CSS is inlined into every element with
css-inline; the dark-mode media query stays in a `<style>` for the clients that honour it.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import css_inline

from monitor.config import DigestGroupConfig
from monitor.digest import templating
from monitor.digest.day import DigestDay, Image, Part, Section
from monitor.digest.sections import DEFAULT_SECTIONS, SECTIONS
from monitor.plugin import PluginContext
from monitor.values import Sentiment


@dataclass(frozen=True)
class RenderedDigest:
    group: str
    day: date
    language: str
    subject: str
    # The email's HTML: CSS inlined, charts referenced as cid:<Image.cid>.
    html: str
    text: str
    images: tuple[Image, ...]
    total: int
    sections: tuple[str, ...]

    def preview_html(self) -> str:
        """The HTML with the charts embedded as data: URLs, for a browser (never for mail:
        Outlook shows no base64 images)."""
        page = self.html
        for image in self.images:
            data = base64.b64encode(image.png).decode("ascii")
            page = page.replace(f'src="cid:{image.cid}"', f'src="data:image/png;base64,{data}"')
        return page


def build_sections(group: DigestGroupConfig, context: PluginContext) -> list[Section]:
    """The group's sections (DEFAULT_SECTIONS when it lists none), each built by its plugin."""
    if not group.sections:
        return [SECTIONS.build(name, name, SECTIONS.validate(name, {}), context) for name in DEFAULT_SECTIONS]
    return [SECTIONS.build(entry.type, entry.type, entry.validated(), context) for entry in group.sections]


def compose(day: DigestDay, sections: Sequence[Section]) -> RenderedDigest:
    say = day.say
    parts: list[Part] = [part for section in sections if (part := section.build(day)) is not None]
    zone = day.since.astimezone(say.zone).strftime("%Z")
    scope = (
        say("digest.scope.watchlists", names=", ".join(day.watchlists)) if day.watchlists else say("digest.scope.all")
    )
    negative = day.sentiment_counts(day.filter())[Sentiment.NEGATIVE.value]
    subject = say("digest.subject", date=day.date_text(), total=say.number(day.total), negative=say.number(negative))
    values = {
        "language": say.language,
        "subject": subject,
        "heading": say("digest.heading"),
        "date": day.date_text(),
        "scope": scope,
        "footer": say("digest.footer", group=day.group, zone=zone),
        "parts": parts,
    }
    inliner = css_inline.CSSInliner(keep_at_rules=True, load_remote_stylesheets=False)
    return RenderedDigest(
        group=day.group,
        day=day.day,
        language=say.language,
        subject=subject,
        html=inliner.inline(templating.page("digest.html.j2", **values)),
        text=templating.page("digest.txt.j2", **values).strip() + "\n",
        images=tuple(image for part in parts for image in part.images),
        total=day.total,
        sections=tuple(part.name for part in parts),
    )
