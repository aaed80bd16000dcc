"""Sponsor suggestions: who could vouch for a member because they actually worked with them.

Each candidate comes with the evidence of shared work (a project, an event, a review, mentoring) and
whether the rules let them vouch now. Those who cannot are left out; those whose chapter would help
meet the "vouches from distinct chapters" rule come first, then those with the most shared work.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from domain.vouching import Vouch, VouchPolicy


@dataclass(frozen=True)
class Candidate:
    member_id: int
    name: str
    chapter_id: int | None
    evidence: tuple[str, ...]
    cannot_vouch: str | None = None  # the rule that stops them vouching now, if any


@dataclass(frozen=True)
class Suggestion:
    member_id: int
    name: str
    evidence: tuple[str, ...]
    adds_chapter: bool


def suggest(
    candidates: Sequence[Candidate], vouches: Sequence[Vouch], policy: VouchPolicy, limit: int = 5
) -> list[Suggestion]:
    have = {v.voucher_id for v in vouches}
    chapters = {v.chapter_id for v in vouches if v.chapter_id is not None}
    need_chapters = len({v.chapter_id for v in vouches}) < policy.distinct_chapters
    suggestions = [
        Suggestion(
            c.member_id,
            c.name,
            c.evidence,
            need_chapters and (c.chapter_id is None or c.chapter_id not in chapters),
        )
        for c in candidates
        if c.evidence and c.cannot_vouch is None and c.member_id not in have
    ]
    suggestions.sort(key=lambda s: (not s.adds_chapter, -len(s.evidence), s.member_id))
    return suggestions[:limit]
