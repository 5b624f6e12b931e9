"""`responses`: for each incident of the day, the agency's response: how long after the incident
opened it came, and how the negative share went in the hours after it, against what the trend
would have given (monitor/evaluation/responses.py); or that there is none yet."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from monitor.digest import templating
from monitor.digest.day import DigestDay, Part
from monitor.evaluation.responses import status_line
from monitor.plugin import Plugin, PluginContext, PluginOptions


class Options(PluginOptions):
    pass


HTML = """
{% for a in activity %}
<div class="item">
<div class="item-title">{{ a.incident.title | clip }}</div>
<div class="{{ 'muted' if not a.response or not a.response.first else '' }}">{{ line(a) }}</div>
{% if a.response and a.response.first %}
<div class="muted">{% if a.response.first.url | web_url %}<a href="{{ a.response.first.url | web_url }}">{{ a.response.first.title | clip(100) }}</a>{% else %}{{ a.response.first.title | clip(100) }}{% endif %} · {{ say.time(a.response.first.published_at) }}</div>
{% endif %}
</div>
{% endfor %}
"""

TEXT = """
{% for a in activity %}
- {{ a.incident.title | clip }}
  {{ line(a) }}
{% if a.response and a.response.first %}
  {{ a.response.first.title | clip(100) }}{% if a.response.first.url | web_url %} {{ a.response.first.url | web_url }}{% endif %}

{% endif %}
{% endfor %}
"""


@dataclass(frozen=True)
class ResponsesSection:
    name: str

    def build(self, day: DigestDay) -> Part | None:
        activity = day.incidents.activity(day.since, day.until)
        if not activity:
            return None

        def line(a: Any) -> str:
            return status_line(a.response, day.say) if a.response is not None else day.say("response.none")

        title = day.say("digest.responses.title")
        return templating.part(self.name, title, HTML, TEXT, activity=activity, say=day.say, line=line)


def build(name: str, options: Options, context: PluginContext) -> ResponsesSection:
    return ResponsesSection(name)


PLUGIN = Plugin(Options, build)
