"""The digest's HTML in headless Chromium at 360 px and 1024 px, light and forced dark:
no horizontal scroll, text inside the screen, large enough and in contrast with what is
behind it, the charts there. An ordinary day (with a title full of markup, a 400-character
headline and an unbroken word) and an empty day.

Needs Debian's `chromium`: skipped locally without it, a failure in CI (`CI` set)."""

from __future__ import annotations

import io
import os
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import upserted
from PIL import Image

from tests.digest.chromium import Chromium, binary
from tests.digest.world import DAY

pytestmark = pytest.mark.browser

METRICS = r"""
(() => {
  const root = document.documentElement;
  const texts = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!node.textContent.replace(/[\s\u00a0]/g, "")) continue;
    const style = getComputedStyle(node.parentElement);
    const range = document.createRange();
    range.selectNodeContents(node);
    for (const r of range.getClientRects()) {
      if (r.width < 1 || r.height < 1) continue;
      texts.push({text: node.textContent.trim().slice(0, 40), size: parseFloat(style.fontSize),
                  left: r.left, right: r.right, top: r.top + scrollY, bottom: r.bottom + scrollY});
    }
  }
  const images = [...document.images].map(i => ({natural: i.naturalWidth, width: i.getBoundingClientRect().width,
                                                 right: i.getBoundingClientRect().right, alt: i.alt}));
  return {scrollWidth: Math.max(root.scrollWidth, document.body.scrollWidth), viewport: innerWidth,
          height: root.scrollHeight, texts, images};
})()
"""


def _need_chromium() -> None:
    if binary() is None:
        if os.environ.get("CI"):
            pytest.fail("chromium wajib ada di CI (apt-get install chromium)", pytrace=False)
        pytest.skip("chromium tidak terpasang (apt-get install chromium)")


@pytest.fixture(scope="module", params=["light", "dark"])
def browser(request) -> Iterator[tuple[str, Chromium]]:
    _need_chromium()
    chromium = Chromium(dark=request.param == "dark")
    yield request.param, chromium
    chromium.close()


def luminance(pixel: tuple[int, ...]) -> float:
    def channel(c: int) -> float:
        v = c / 255
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in pixel[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: float, b: float) -> float:
    return (max(a, b) + 0.05) / (min(a, b) + 0.05)


def check_layout(chromium: Chromium, page: Path, width: int, charts: int) -> dict[str, Any]:
    chromium.open(page, width)
    m = chromium.evaluate(METRICS)
    assert m["viewport"] == width
    assert m["scrollWidth"] <= width, f"horizontal scroll at {width}px: {m['scrollWidth']}"
    assert m["texts"], "no text rendered"
    for t in m["texts"]:
        assert t["left"] >= -1 and t["right"] <= width + 1, f"text outside the screen at {width}px: {t}"
        assert t["size"] >= 12, f"text too small at {width}px: {t}"
    assert len(m["images"]) == charts
    for image in m["images"]:
        assert image["natural"] > 0, "a chart did not load"
        assert 0 < image["width"] <= width and image["right"] <= width + 1 and image["alt"]
    return m


def check_contrast(chromium: Chromium, m: dict[str, Any], width: int, *, dark: bool) -> None:
    """Each run of text, on the screenshot: its darkest or lightest pixel against the colour
    most of its box has (the background) reaches 3:1, the WCAG floor for any text."""
    shot = Image.open(io.BytesIO(chromium.screenshot(width, min(m["height"], 6000)))).convert("RGB")
    page_colour = Counter(shot.get_flattened_data()).most_common(1)[0][0]
    if dark:
        assert luminance(page_colour) < 0.1, f"forced dark mode left the page light: {page_colour}"
    for t in m["texts"]:
        if t["bottom"] > shot.height or t["right"] - t["left"] < 4:
            continue
        box = shot.crop((int(t["left"]), int(t["top"]), int(t["right"]), int(t["bottom"])))
        pixels = [luminance(p) for p in box.get_flattened_data()]
        background = luminance(Counter(box.get_flattened_data()).most_common(1)[0][0])
        ink = max(pixels, key=lambda lum: abs(lum - background))
        assert contrast(ink, background) >= 3, f"text hard to read ({width}px, dark={dark}): {t['text']!r}"


@pytest.fixture
def pages(make_world, tmp_path: Path) -> dict[str, Path]:
    found = {}
    for name, mentions in (("full", True), ("empty", False)):
        world = make_world(mentions=mentions, incident=mentions)
        service = world.service()
        digest = service.render(service.group("pimpinan"), DAY)
        path = tmp_path / f"{name}.html"
        path.write_text(digest.preview_html(), encoding="utf-8")
        found[name] = path
        upserted(world.store, []) if mentions else None
        world.state.close()
        world.store.close()
        (tmp_path / "var").rename(tmp_path / f"var-{name}")
    return found


@pytest.mark.parametrize("width", [360, 1024])
def test_digest_layout_in_chromium(browser, pages, width):
    mode, chromium = browser
    full = check_layout(chromium, pages["full"], width, charts=2)
    check_contrast(chromium, full, width, dark=mode == "dark")
    texts = " ".join(t["text"] for t in full["texts"])
    assert "<script>" in texts  # the markup title is shown as text, not run
    assert chromium.evaluate("document.querySelectorAll('script').length") == 0
    empty = check_layout(chromium, pages["empty"], width, charts=0)
    check_contrast(chromium, empty, width, dark=mode == "dark")
