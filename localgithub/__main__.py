"""`python -m localgithub --port 8030 --seed PATH`: a local GitHub for development and demos."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from localgithub.app import EXAMPLE_SEED, serve

cli = typer.Typer(add_completion=False, help="Serve a local, in-memory GitHub REST API for PyGithub.")


@cli.command()
def main(
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8030,
    host: Annotated[
        str, typer.Option(help="Address to listen on; the control API has no authentication.")
    ] = ("127.0.0.1"),
    seed: Annotated[
        Path, typer.Option(exists=True, dir_okay=False, help="Seed file, TOML or JSON.")
    ] = EXAMPLE_SEED,
) -> None:
    serve(host, port, seed)


if __name__ == "__main__":
    cli()
