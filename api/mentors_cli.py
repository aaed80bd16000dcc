"""`perennial mentors match`: propose mentor pairings from CSV files (used by evaluation scripts; the
formats are fixed)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from domain import matching
from domain.errors import MalformedLines
from domain.matching_files import read_mentees, read_mentors, write_proposals

app = typer.Typer(no_args_is_help=True, help="Mentorship matching.")


@app.command("match")
def match_command(
    mentors: Annotated[Path, typer.Option(help="CSV: id,skills,capacity,timezone,languages.")],
    mentees: Annotated[Path, typer.Option(help="CSV: id,skills,timezone,languages.")],
    out: Annotated[Path, typer.Option(help="Where to write mentee,mentor,score,reasons.")],
) -> None:
    """The assignment with the greatest total fit within every mentor's capacity; unplaced mentees get
    an empty mentor and the reason."""
    try:
        proposals = matching.match(
            read_mentors(_text(mentors), str(mentors)), read_mentees(_text(mentees), str(mentees))
        )
    except MalformedLines as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from exc
    out.write_text(write_proposals(proposals), encoding="utf-8")
    placed = sum(p.mentor is not None for p in proposals)
    typer.echo(f"{placed} of {len(proposals)} mentees matched; written to {out}")


def _text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        typer.echo(f"{path}: cannot be read ({exc})", err=True)
        raise typer.Exit(2) from exc
