"""`incidents`: what the crisis team's incidents did during the day (opened, updated,
escalated, acknowledged, resolved), each with a link to its Slack thread."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from monitor.digest import templating
from monitor.digest.day import DigestDay, IncidentActivity, Part
from monitor.i18n import Messages
from monitor.incidents.book import IncidentEvent
from monitor.plugin import Plugin, PluginContext, PluginOptions


class Options(PluginOptions):
    pass


def event_line(say: Messages, event: IncidentEvent) -> str:
    """'Eskalasi 07.30 WIB'; an acknowledgement says who (its logged summary names them)."""
    key = f"event.{event.event}"
    label = say(key) if say.has(key) else event.event
    line = f"{label} {say.time(event.at, with_date=False)}"
    return f"{line} ({templating.clip(event.summary, 80)})" if event.event == "acknowledged" and event.summary else line


HTML = """
{% for a in activity %}
<div class="item">
<div class="item-title"><span class="{{ 'neg' if a.incident.severity.value == 'critical' else 'neu' }}">[{{ say("severity." + a.incident.severity.value) }}]</span> {{ a.incident.title | clip }}</div>
<div class="muted">{% for e in a.events %}{{ event_line(say, e) }}{{ " · " if not loop.last }}{% endfor %}</div>
<div class="muted">{{ say("status." + a.incident.status) }}{% for link in a.links %} · <a href="{{ link }}">{{ say("digest.incidents.slack") }}</a>{% endfor %}</div>
</div>
{% else %}
<p>{{ say("digest.incidents.none") }}</p>
{% endfor %}
"""

TEXT = """
{% for a in activity %}
- [{{ say("severity." + a.incident.severity.value) }}] {{ a.incident.title | clip }}
  {% for e in a.events %}{{ event_line(say, e) }}{{ " · " if not loop.last }}{% endfor %}

  {{ say("status." + a.incident.status) }}
{% for link in a.links %}
  {{ say("digest.incidents.slack") }}: {{ link }}
{% endfor %}
{% else %}
{{ say("digest.incidents.none") }}
{% endfor %}
"""


@dataclass(frozen=True)
class IncidentsSection:
    name: str

    def build(self, day: DigestDay) -> Part:
        activity: list[IncidentActivity] = day.incidents.activity(day.since, day.until)
        title = day.say("digest.incidents.title")
        values: dict[str, Any] = {"activity": activity, "say": day.say, "event_line": event_line}
        return templating.part(self.name, title, HTML, TEXT, **values)


def build(name: str, options: Options, context: PluginContext) -> IncidentsSection:
    return IncidentsSection(name)


PLUGIN = Plugin(Options, build)
