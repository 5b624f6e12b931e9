"""Jinja2 for the digest: the page frames in templates/, each section's own template strings.

HTML templates autoescape: everything taken from posts (titles, authors, texts) is text, never
markup, so a title full of tags or a 400-character headline cannot break the layout or run a
script. Links are kept only when they are http(s).
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any
from urllib.parse import urlsplit

from jinja2 import Environment, PackageLoader, StrictUndefined, Template
from markupsafe import Markup

from monitor.digest.day import Image, Part

_SPACE = re.compile(r"\s+")
# Long enough for a headline, short enough for a phone screen.
TITLE_CHARS = 160


def clip(text: str | None, limit: int = TITLE_CHARS) -> str:
    """One line, at most `limit` characters, cut at a word when there is one near the end."""
    line = _SPACE.sub(" ", text or "").strip()
    if len(line) <= limit:
        return line
    cut = line[: limit - 1]
    space = cut.rfind(" ")
    return (cut[:space] if space > limit * 0.6 else cut).rstrip(" ,.;:-") + "…"


def web_url(url: str | None) -> str | None:
    """The URL when it is a web link; None for javascript:, data: and anything else."""
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    return url.strip() if parts.scheme in ("http", "https") and parts.netloc else None


def environment(package: str = "monitor.digest", *, autoescape: bool = True) -> Environment:
    """Jinja2 over a package's `templates/` folder with the digest's filters (`clip`, `web_url`);
    other reports (the monthly evaluation) render with their own templates this way."""
    env = Environment(
        loader=PackageLoader(package, "templates"),
        autoescape=autoescape,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )
    env.filters["clip"] = clip
    env.filters["web_url"] = web_url
    return env


@cache
def _env(kind: str) -> Environment:
    return environment(autoescape=kind == "html")


@cache
def _compiled(kind: str, source: str) -> Template:
    return _env(kind).from_string(source)


def html(source: str, **values: Any) -> Markup:
    """A section's HTML template rendered (autoescaped)."""
    return Markup(_compiled("html", source).render(**values))


def text(source: str, **values: Any) -> str:
    """A section's plain-text template rendered."""
    return _compiled("text", source).render(**values).strip("\n")


def page(name: str, **values: Any) -> str:
    """A page frame from templates/ (`digest.html.j2` autoescaped, `digest.txt.j2` not)."""
    kind = "html" if name.endswith(".html.j2") else "text"
    return _env(kind).get_template(name).render(**values)


def part(
    name: str, title: str, html_source: str, text_source: str, *, images: tuple[Image, ...] = (), **values: Any
) -> Part:
    """A section's Part from its two templates; both get `values` and `images`."""
    return Part(
        name,
        title,
        html(html_source, images=images, **values),
        text(text_source, images=images, **values),
        images,
    )
