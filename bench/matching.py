"""10,000 mentees and 2,000 mentors matched (target: under 10 s on this 2-core machine).
Run: `make bench-matching`. The data is synthetic; the same seed gives the same instance."""

from __future__ import annotations

import json
import random
import time

import psutil

from domain.matching import Mentee, Mentor, match

SKILLS = ("python", "react", "sql", "design", "canvassing", "data", "go", "rust", "writing", "ops", "node.js")
ZONES = ("America/New_York", "America/Chicago", "America/Los_Angeles", "Europe/Berlin", "Asia/Kolkata", "UTC")
LANGUAGES = ("en", "es", "fr", "hi")


def main(mentees: int = 10_000, mentors: int = 2_000, seed: int = 1) -> None:
    rng = random.Random(seed)
    mentor_list = [
        Mentor(
            f"m{i}",
            tuple(rng.sample(SKILLS, 3)),
            rng.randint(1, 8),
            rng.choice(ZONES),
            tuple(rng.sample(LANGUAGES, rng.randint(1, 2))),
            (f"c{rng.randint(0, 20)}",),
            (f"p{rng.randint(0, 40)}",),
        )
        for i in range(mentors)
    ]
    mentee_list = [
        Mentee(
            f"e{i}",
            tuple(rng.sample(SKILLS, 2)),
            rng.choice(ZONES),
            (rng.choice(LANGUAGES),),
            f"c{rng.randint(0, 20)}",
            f"p{rng.randint(0, 40)}",
        )
        for i in range(mentees)
    ]
    before = psutil.Process().memory_info().rss
    started = time.perf_counter()
    proposals = match(mentor_list, mentee_list)
    elapsed = time.perf_counter() - started
    placed = [p for p in proposals if p.mentor is not None]
    print(
        json.dumps(
            {
                "mentees": mentees,
                "mentors": mentors,
                "places": sum(m.capacity for m in mentor_list),
                "matched": len(placed),
                "mean_score_of_matched": round(sum(p.score for p in placed) / max(len(placed), 1), 3),
                "seconds": round(elapsed, 2),
                "rss_growth_mb": round((psutil.Process().memory_info().rss - before) / 2**20),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
