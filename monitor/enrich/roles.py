"""Who speaks in a mention: the agency itself (its own channels and accounts) or anyone else.

A source marked `role = "official"` (the press-release feed, the ministry's own accounts) makes
every mention it carries official; an account listed in `[agency] accounts` makes its posts
official whichever source found them (a search that also catches the spokesperson's posts).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from monitor.records import OFFICIAL, Mention


def handle(author: str | None) -> str:
    """An account name as `[agency] accounts` holds it: no "@", lower case."""
    return (author or "").strip().removeprefix("@").lower()


@dataclass(frozen=True)
class OfficialVoices:
    sources: frozenset[str] = frozenset()
    accounts: frozenset[str] = frozenset()

    @classmethod
    def of(cls, sources: Iterable[str], accounts: Iterable[str]) -> OfficialVoices:
        return cls(frozenset(sources), frozenset(handle(a) for a in accounts))

    def role(self, mention: Mention) -> str | None:
        # Any source that carried it: the ministry's feed may come second, after a search.
        if any(s in self.sources for s in mention.sources) or (
            self.accounts and handle(mention.author) in self.accounts
        ):
            return OFFICIAL
        return mention.role

    def mark(self, mention: Mention) -> Mention:
        """The mention with its role set (itself when nothing changes)."""
        role = self.role(mention)
        return mention if role == mention.role else replace(mention, role=role)
