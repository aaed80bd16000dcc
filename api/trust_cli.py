"""`perennial trust`: run the trust metrics on files (used by evaluation scripts; formats are fixed)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from domain.errors import InvalidField, MalformedLines
from domain.trust import advogato, files
from domain.trust import rank as random_walk

app = typer.Typer(no_args_is_help=True, help="Trust metrics over certificate and edge files.")

Seeds = Annotated[str, typer.Option(help="Comma-separated seed accounts, e.g. a,b,c.")]
Out = Annotated[Path, typer.Option(help="Where to write the result.")]


@app.command("advogato")
def advogato_command(
    certs: Annotated[Path, typer.Option(help="Lines giver,recipient,Level.")],
    seeds: Seeds,
    out: Out,
    capacities: Annotated[str, typer.Option(help="Capacity by distance from the seeds.")] = ",".join(
        map(str, advogato.DEFAULT_CAPACITIES)
    ),
) -> None:
    """Levien's Advogato metric: writes `user,Level` for every accepted user."""
    try:
        table = [int(c) for c in capacities.split(",")]
        held = advogato.trust_levels(files.read_certificates(_lines(certs), str(certs)), _seeds(seeds), table)
    except ValueError as exc:
        raise _fail(f"--capacities: {exc}; give whole numbers such as 800,200,200,50,12,4,2,1") from exc
    except (MalformedLines, InvalidField) as exc:
        raise _fail(str(exc)) from exc
    out.write_text(
        "".join(f"{user},{level.label}\n" for user, level in sorted(held.items())), encoding="utf-8"
    )
    typer.echo(f"{len(held)} accepted users written to {out}")


@app.command("rank")
def rank_command(
    edges: Annotated[Path, typer.Option(help="Lines source,target[,weight].")], seeds: Seeds, out: Out
) -> None:
    """Seeded random-walk rank: writes `node,score`, highest first."""
    try:
        scores = random_walk.rank(files.read_edges(_lines(edges), str(edges)), _seeds(seeds))
    except (MalformedLines, InvalidField) as exc:
        raise _fail(str(exc)) from exc
    out.write_text("".join(f"{node},{score:.10g}\n" for node, score in scores), encoding="utf-8")
    typer.echo(f"{len(scores)} scores written to {out}")


def _lines(path: Path) -> list[str]:
    try:
        return path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise _fail(f"{path}: cannot be read ({exc})") from exc


def _seeds(value: str) -> list[str]:
    return [s.strip() for s in value.split(",") if s.strip()]


def _fail(message: str) -> typer.Exit:
    typer.echo(message, err=True)
    return typer.Exit(2)
