"""The baseline for `make bench-load`: a bare FastAPI endpoint served exactly as `perennial web` serves
the real app (see `api.cli.web`), so the difference measured is our stack and not the server."""

from __future__ import annotations

import argparse

import uvicorn
from fastapi import FastAPI

from api.logs import uvicorn_log_config
from api.settings import Settings

app = FastAPI()


@app.get("/status")
async def status() -> dict[str, object]:
    return {"member_id": 1, "status": "active", "next_step_id": "profile"}


def serve(port: int, workers: int) -> None:
    # Keep these arguments in step with api.cli.web: same workers, loop, HTTP parser and logging.
    uvicorn.run(
        "bench.load_bare:app",
        host="127.0.0.1",
        port=port,
        workers=workers,
        proxy_headers=True,
        log_config=uvicorn_log_config(Settings().log_format),
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--workers", type=int, default=1)
    arguments = parser.parse_args()
    serve(arguments.port, arguments.workers)
