"""`perennial report retention`: the retention numbers as JSON (used by evaluation scripts; keep exact)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, time
from typing import Annotated

import typer

from api.settings import Settings

app = typer.Typer(no_args_is_help=True, help="Reports computed from the event ledger.")


@app.command("retention")
def retention(
    project: Annotated[str | None, typer.Option(help="Only this project's contributions.")] = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="YYYY-MM-DD; default today (UTC).")] = None,
    output: Annotated[str, typer.Option("--format", help="json")] = "json",
) -> None:
    """Cohorts, long-term contributor rates, survival, absence factor and the core/regular/casual split."""
    from api.retention_source import contributions
    from domain.retention import report
    from models.base import make_engine, session_factory

    if output != "json":
        raise typer.BadParameter("only json is supported", param_hint="--format")
    try:
        day = datetime.now(UTC).date() if as_of is None else datetime.strptime(as_of, "%Y-%m-%d").date()
    except ValueError as exc:
        raise typer.BadParameter(f"{as_of!r} is not a date like 2024-09-30", param_hint="--as-of") from exc
    moment = datetime.combine(day, time.max, tzinfo=UTC)  # the whole as-of day counts
    engine = make_engine(Settings().database_url)
    try:
        with session_factory(engine)() as session:
            result = report(list(contributions(session, project)), moment)
    finally:
        engine.dispose()
    typer.echo(json.dumps(result))


@app.command("rebuild-rollups")
def rebuild_rollups() -> None:
    """Rebuild the dashboards' rollups from the whole ledger (after an upgrade on a large ledger, or a
    restore). Without it, the first dashboard read after an upgrade or a calendar change builds them."""
    import time as clock

    from models.base import make_engine
    from models.rollup_build import Calendar, rebuild

    settings = Settings()
    policy = settings.policy.retention
    engine = make_engine(settings.database_url)
    began = clock.perf_counter()
    try:
        with engine.begin() as conn:
            rebuild(conn, Calendar.of(policy))
    finally:
        engine.dispose()
    typer.echo(f"rollups rebuilt from the ledger in {clock.perf_counter() - began:.1f} s")
