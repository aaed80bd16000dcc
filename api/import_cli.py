"""`perennial import ...`: bring contributions recorded elsewhere into the ledger."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from api.settings import Settings

app = typer.Typer(no_args_is_help=True, help="Bring contributions recorded elsewhere into the ledger.")


@app.command("git")
def import_git(
    path: Annotated[Path, typer.Argument(help="A local clone; merges are left out.")],
    project: Annotated[str | None, typer.Option(help="The project these commits belong to.")] = None,
) -> None:
    """Record a clone's commits once each: members matched by email, other authors as claimable identities."""
    from api.git_import import import_git_log
    from domain.errors import InvalidField
    from models.base import make_engine, session_factory

    settings = Settings()
    engine = make_engine(settings.database_url)
    try:
        counts = import_git_log(
            session_factory(engine), path, project, settings.policy.retention.bot_suffixes
        )
    except InvalidField as exc:
        raise typer.BadParameter(str(exc), param_hint="PATH") from exc
    finally:
        engine.dispose()
    typer.echo(
        f"{counts.commits} commits read: {counts.matched} recorded for members, {counts.unclaimed} for "
        f"{counts.unclaimed_identities} unclaimed identities; {counts.already_imported} imported before, "
        f"{counts.bots} by bots"
    )


@app.command("github")
def import_github(org: Annotated[str, typer.Option(help="The GitHub organization to read.")]) -> None:
    """Record every merged pull request and review of the organization's repositories, once each."""
    from activities.github_client import github_from_settings
    from api.github_import import import_github as run_import
    from models.base import make_engine, session_factory

    settings = Settings()
    client = github_from_settings(
        base_url=settings.github_base_url,
        token=settings.github_token,
        app_id=settings.github_app_id,
        private_key_path=settings.github_app_private_key_path,
        installation_id=settings.github_app_installation_id,
    )
    engine = make_engine(settings.database_url)
    try:
        counts = run_import(session_factory(engine), client, org, settings.policy.retention.bot_suffixes)
    finally:
        engine.dispose()
        client.close()
    typer.echo(
        f"{counts.repositories} repositories read: {counts.recorded} contributions recorded, "
        f"{counts.already_recorded} recorded before, {counts.bots} by bots left out"
    )
