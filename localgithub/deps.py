"""Dependencies declared once: the world, the caller, the renderer, pagination, and load-or-404."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated, TypeVar
from urllib.parse import urlencode

from fastapi import Depends, Query, Request, Response

from localgithub import access, throttle
from localgithub.errors import BadCredentials, NotFound, RequiresAuthentication
from localgithub.shapes import Renderer
from localgithub.state import Account, Repo, State, Team

T = TypeVar("T")


def get_world(request: Request) -> State:
    world: State = request.app.state.world
    return world


WorldDep = Annotated[State, Depends(get_world)]


def get_renderer(request: Request, world: WorldDep) -> Renderer:
    return Renderer(str(request.base_url).rstrip("/"), world)


RenderDep = Annotated[Renderer, Depends(get_renderer)]


def optional_user(request: Request, world: WorldDep) -> Account | None:
    """Anonymous callers are allowed where GitHub allows them; a token no one holds is refused."""
    user = throttle.caller(world, request)
    if user is None and request.headers.get("authorization"):
        raise BadCredentials()
    return user


OptionalUser = Annotated[Account | None, Depends(optional_user)]


def current_user(user: OptionalUser) -> Account:
    if user is None:
        raise RequiresAuthentication()
    return user


CurrentUser = Annotated[Account, Depends(current_user)]


def load_repo(owner: str, repo: str, world: WorldDep, user: OptionalUser) -> Repo:
    with world.lock:
        found = world.repo(owner, repo)
        if not access.can_see(world, found, user):
            raise NotFound()
        return found


RepoDep = Annotated[Repo, Depends(load_repo)]


def load_org(org: str, world: WorldDep) -> Account:
    with world.lock:
        return world.org(org)


OrgDep = Annotated[Account, Depends(load_org)]


def load_team(request: Request, world: WorldDep) -> Team:
    """Resolves the three paths GitHub serves a team on: by org and slug, by id, by org id and id."""
    params = request.path_params
    with world.lock:
        if "slug" in params:
            team = world.org(params["org"]).teams.get(params["slug"])
        elif not params.get("team_id", "").isdigit():
            team = None
        else:
            team = world.team_by_id(int(params["team_id"]))
            if "org_id" in params and str(world.org(team.org).id) != params["org_id"]:
                team = None
        if team is None:
            raise NotFound()
        return team


TeamDep = Annotated[Team, Depends(load_team)]


@dataclass(frozen=True)
class Page:
    """GitHub's page/per_page pagination, with a Link header carrying first/prev/next/last."""

    request: Request
    response: Response
    number: int
    size: int

    def of(self, items: Sequence[T]) -> Sequence[T]:
        last = max((len(items) + self.size - 1) // self.size, 1)
        links = {}
        if self.number > 1:
            links["prev"] = min(self.number - 1, last)
        if self.number < last:
            links |= {"next": self.number + 1, "last": last}
        if self.number > 1:
            links["first"] = 1
        if links:
            self.response.headers["Link"] = ", ".join(
                f'<{self._url(n)}>; rel="{rel}"' for rel, n in links.items()
            )
        start = (self.number - 1) * self.size
        return items[start : start + self.size]

    def _url(self, number: int) -> str:
        query = dict(self.request.query_params) | {"page": str(number), "per_page": str(self.size)}
        return f"{str(self.request.url).split('?')[0]}?{urlencode(query)}"


def page(
    request: Request,
    response: Response,
    page: Annotated[int, Query()] = 1,
    per_page: Annotated[int, Query()] = 30,
) -> Page:
    # GitHub clamps out-of-range values rather than refusing them.
    return Page(request, response, max(page, 1), min(max(per_page, 1), 100))


PageDep = Annotated[Page, Depends(page)]
