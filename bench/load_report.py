"""Medians over rounds, ratios to the bare endpoint, the verdict on each target, and the table."""

from __future__ import annotations

import statistics
from typing import Any

BARE = "bare FastAPI"
MIN_RATIO = 0.5
MAX_P99_MS = 100.0


def summarize(rounds: list[dict[str, Any]], names: list[str], judged: set[str]) -> dict[str, Any]:
    bare_by_round = {r["round"]: r["requests_per_second"] for r in rounds if r["target"] == BARE}
    targets: dict[str, dict[str, Any]] = {}
    for name in names:
        mine = [r for r in rounds if r["target"] == name]
        median = {
            key: statistics.median(r[key] for r in mine)
            for key in ("requests_per_second", "p50_ms", "p95_ms", "p99_ms")
        }
        # Each round's ratio pairs runs a minute apart, so slow spells on the shared box cancel out.
        ratios = [r["requests_per_second"] / bare_by_round[r["round"]] for r in mine]
        ratio = statistics.median(ratios)
        processes = sorted({k for r in mine for k in r["cpu_ms_per_request"]})
        cpu = {k: statistics.median(r["cpu_ms_per_request"].get(k, 0.0) for r in mine) for k in processes}
        targets[name] = {
            **median,
            "errors": sum(r["errors"] for r in mine),
            "cpu_ms_per_request": {k: round(v, 2) for k, v in cpu.items()},
            "ratio_to_bare": round(ratio, 2),
            "ratios_by_round": [round(x, 2) for x in ratios],
            "rounds": len(mine),
            "judged": name in judged,
            "throughput_target_met": name == BARE or ratio >= MIN_RATIO,
            "p99_target_met": median["p99_ms"] < MAX_P99_MS,
        }
    return {"targets": targets}


def table(runs: list[dict[str, Any]], clients: int) -> str:
    columns = ("req/s", "p50 ms", "p95 ms", "p99 ms", "errors", "x bare", "CPU ms")
    header = f"{'database':9} {'target':14} " + " ".join(f"{c:>7}" for c in columns) + "  verdict"
    lines = [header, "-" * len(header)]
    for run in runs:
        for name, t in run["targets"].items():
            lines.append(
                f"{run['database']:9} {name:14} {t['requests_per_second']:7.0f} {t['p50_ms']:7.1f} "
                f"{t['p95_ms']:7.1f} {t['p99_ms']:7.1f} {t['errors']:7d} {t['ratio_to_bare']:7.2f} "
                f"{sum(t['cpu_ms_per_request'].values()):7.2f}  " + _verdict(name, t)
            )
    rounds = runs[0]["targets"][BARE]["rounds"] if runs else 0
    lines.append(
        f"medians of {rounds} rounds; targets: >= {MIN_RATIO} x bare throughput, p99 < {MAX_P99_MS:.0f} ms"
    )
    # Little's law for a closed loop: mean latency = clients / throughput, so the p99 target is also a
    # throughput target, whatever the code does.
    lines.append(
        f"{clients} closed-loop clients: mean latency = {clients} / throughput, so p99 < {MAX_P99_MS:.0f} ms "
        f"needs well over {clients / MAX_P99_MS * 1000:.0f} req/s"
    )
    return "\n".join(lines)


def _verdict(name: str, t: dict[str, Any]) -> str:
    missed = []
    if not t["throughput_target_met"]:
        missed.append(f"throughput MISSED ({t['ratio_to_bare']:.2f} < {MIN_RATIO})")
    if not t["p99_target_met"]:
        missed.append(f"p99 MISSED ({t['p99_ms']:.0f} ms)")
    if t["errors"]:
        missed.append(f"{t['errors']} ERRORS")
    kind = "baseline" if name == BARE else "" if t["judged"] else "diagnostic, not a target"
    if not missed:
        return kind or "met"
    return (f"{kind}: " if kind else "") + "; ".join(missed)
