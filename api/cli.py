"""The `perennial` command: production entry points and development helpers."""

from __future__ import annotations

import asyncio
import logging
import signal
from typing import Annotated

import typer
import uvicorn

from api import backup_cli, import_cli, mentors_cli, report_cli, trust_cli
from api.settings import Settings
from domain.roles import Role

app = typer.Typer(no_args_is_help=True, help="Perennial: durable journeys for volunteer tech communities.")
app.add_typer(trust_cli.app, name="trust")
app.add_typer(import_cli.app, name="import")
app.add_typer(mentors_cli.app, name="mentors")
app.add_typer(report_cli.app, name="report")
app.add_typer(backup_cli.app, name="backup")


def _settings() -> Settings:
    from api.logs import configure_logging

    settings = Settings()
    configure_logging(settings.log_format)
    return settings


@app.command()
def migrate() -> None:
    """Bring the database schema up to date, record the community named in the policy file, and cook the
    journey pages' steps again where an earlier release cooked them."""
    from api.admin import prepare_database

    recooked = prepare_database(_settings())
    typer.echo(f"database is up to date; journey pages cooked again for this release: {recooked}")


@app.command()
def web(host: str = "127.0.0.1", port: int = 8000, workers: int = 1) -> None:
    """Serve the web app and JSON API."""
    settings = _settings()
    settings.policy  # noqa: B018  (refuse an invalid policy before binding the port)
    from api.logs import uvicorn_log_config

    uvicorn.run(
        "api.main:app",
        host=host,
        port=port,
        workers=workers,
        proxy_headers=True,
        # A worker that has not answered the supervisor in time is killed; importing the app takes
        # 5-10 s of CPU (scipy, scikit-learn, pandas), so the default 5 s never lets --workers 2 start.
        timeout_worker_healthcheck=60,
        log_config=uvicorn_log_config(settings.log_format),
    )


@app.command()
def worker() -> None:
    """Run a Temporal worker: the workflows and their activities."""
    asyncio.run(_run_worker(_settings()))


async def _run_worker(settings: Settings) -> None:
    from api.schedules import ensure_trust_schedule
    from api.telemetry import configure_tracing, serve_worker_metrics
    from api.temporal import connect
    from api.worker import build_worker

    configure_tracing(settings, "worker")
    serve_worker_metrics(settings)
    client = await connect(settings)
    await ensure_trust_schedule(client, settings)
    from api.services.drift import ensure_schedule as ensure_reconcile_schedule

    await ensure_reconcile_schedule(client, settings)
    running = build_worker(client, settings)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    from api.webhook_nudger import nudging

    async with running, nudging(client, settings):
        logging.getLogger(__name__).info("worker polling task queue %s", settings.temporal_task_queue)
        await stop.wait()


@app.command()
def outbox() -> None:
    """Development mail: an SMTP sink and a page listing every message it received."""
    from api.outbox import Outbox, outbox_page, start_sink

    settings = _settings()
    box = Outbox(settings.outbox_dir)
    sink = start_sink(box, settings.smtp_host, settings.smtp_port)
    try:
        uvicorn.run(outbox_page(box), host="127.0.0.1", port=settings.outbox_port, log_level="warning")
    finally:
        sink.stop()


@app.command()
def dev(demo: Annotated[bool, typer.Option(help="Seed a demo community on first start.")] = False) -> None:
    """Start everything on one machine: Temporal dev server, outbox, worker and web app."""
    from api.devserver import run_all

    raise typer.Exit(run_all(_settings(), demo=demo))


@app.command("seed-demo")
def seed_demo() -> None:
    """Create a demo community: chapters, projects, organizers and members part-way through their journeys."""
    from api.demo import seed

    asyncio.run(seed(_settings()))


@app.command("set-role")
def set_role(email: str, role: Role) -> None:
    """Give a member a role (member, organizer, maintainer, funder, admin)."""
    from api.admin import assign_role

    assign_role(_settings(), email, role)
    typer.echo(f"{email} is now {role.value}")


@app.command("sign-in-link")
def sign_in_link(email: str) -> None:
    """Print a one-time sign-in link for a member (development only; in production they ask by email)."""
    from api.admin import development_sign_in_link

    typer.echo(development_sign_in_link(_settings(), email))


@app.command("add-chapter")
def add_chapter(
    name: str, organizer_email: Annotated[list[str] | None, typer.Option("--organizer")] = None
) -> None:
    """Add a chapter (a geographic or interest group), optionally naming its organizers."""
    from api.admin import create_chapter

    create_chapter(_settings(), name, organizer_email or [])
    typer.echo(f"chapter {name!r} added")


@app.command("add-project")
def add_project(
    name: str,
    repository: Annotated[list[str] | None, typer.Option("--repo")] = None,
    skill: Annotated[list[str] | None, typer.Option("--skill")] = None,
) -> None:
    """Add a project members can pick, with its repositories and the skills it needs."""
    from api.admin import create_project

    create_project(_settings(), name, repository or [], skill or [])
    typer.echo(f"project {name!r} added")


@app.command("bench")
def bench(members: int = 1000, concurrency: int = 32, rounds: int = 3) -> None:
    """Measure signups per second against a bare Temporal baseline, and worker memory per journey."""
    from bench.journey import main

    main(members=members, concurrency=concurrency, rounds=rounds)


if __name__ == "__main__":
    app()
