"""The application: GitHub's routes behind the throttle, the control API beside them."""

from __future__ import annotations

from pathlib import Path

import uvicorn
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from localgithub import throttle
from localgithub.errors import DOCUMENTATION_URL, GitHubError
from localgithub.faults import Faults, FaultSettings
from localgithub.ratelimit import Budgets
from localgithub.routes import contents, control, invitations, meta, orgs, pulls, repos, teams, users
from localgithub.state import State

# Where FastAPI says a parameter came from; GitHub names only the field.
LOCATIONS = {"body", "query", "path", "header"}
EXAMPLE_SEED = Path(__file__).with_name("seed.example.toml")


def create_app(state: State, faults: FaultSettings | None = None) -> FastAPI:
    app = FastAPI(title="Local GitHub", version="0.1.0")
    app.state.world = state
    app.state.initial_faults = faults or FaultSettings()
    app.state.faults = Faults(app.state.initial_faults)
    app.state.budgets = Budgets()
    routers = (users, orgs, repos, contents, invitations, pulls, meta)
    for router in (module.router for module in routers):
        app.include_router(router)
    for prefix in teams.PREFIXES:
        app.include_router(teams.router, prefix=prefix)
    app.include_router(control.router)
    _answer_errors_as_github(app)
    throttle.install(app)
    return app


def _answer_errors_as_github(app: FastAPI) -> None:
    @app.exception_handler(GitHubError)
    async def github_error(request: Request, error: GitHubError) -> JSONResponse:
        return JSONResponse(error.body(), status_code=error.status)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, error: HTTPException) -> JSONResponse:
        message = "Not Found" if error.status_code == 404 else str(error.detail)
        body = {"message": message, "documentation_url": DOCUMENTATION_URL, "status": str(error.status_code)}
        return JSONResponse(body, status_code=error.status_code, headers=error.headers)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, error: RequestValidationError) -> JSONResponse:
        errors = [
            {
                "resource": "Request",
                "field": ".".join(str(part) for part in problem["loc"] if part not in LOCATIONS),
                "code": "invalid",
                "message": problem["msg"],
            }
            for problem in error.errors()
        ]
        body = {"message": "Invalid request.", "errors": errors, "documentation_url": DOCUMENTATION_URL}
        return JSONResponse(body | {"status": "422"}, status_code=422)


def serve(host: str = "127.0.0.1", port: int = 8030, seed_path: Path = EXAMPLE_SEED) -> None:
    """Serves until interrupted; fault settings come from LOCALGITHUB_FAULT_* variables."""
    state = State.from_file(seed_path)
    uvicorn.run(create_app(state, FaultSettings()), host=host, port=port)
