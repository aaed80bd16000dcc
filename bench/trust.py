"""`make bench-trust`: attack resistance on Bitcoin OTC, and the scale targets of the trust metrics."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from bench import trust_attack, trust_rings, trust_scale

RESULTS = Path(__file__).resolve().parent / "results"


def main() -> None:
    result = {
        "attack_resistance": trust_attack.run(),
        "ring_flags": trust_rings.run(),
        "scale": trust_scale.main(),
    }
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"trust-{datetime.now(UTC):%Y%m%dT%H%M%S}.json"
    path.write_text(json.dumps(result, indent=2))
    print(json.dumps(result, indent=2))
    print(f"saved {path}")


if __name__ == "__main__":
    main()
