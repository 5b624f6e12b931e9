"""Digest sections: one plugin per part of the email (monitor/plugin.py's contract).

Each module exports `PLUGIN = Plugin(Options, build)`; `build` returns a `Section`
(monitor/digest/day.py) whose `build(day)` renders its part from the day's data. A recipient
group lists the sections it gets (`sections = ["numbers", { type = "top_stories", limit = 8 }]`);
without a list it gets DEFAULT_SECTIONS, in this order.
"""

from __future__ import annotations

from monitor.digest.day import Section
from monitor.plugin import Registry

SECTIONS: Registry[Section] = Registry("digest_section", "monitor.digest.sections")

DEFAULT_SECTIONS = (
    "numbers",
    "trend",
    "top_stories",
    "negative_posts",
    "emerging",
    "hoaxes",
    "share_of_voice",
    "incidents",
    "responses",
)
