"""Every route states who may call it, and every role gets exactly that."""

from __future__ import annotations

from typing import Any

import httpx
from fastapi.routing import APIRoute

from domain import roles
from domain.api_tokens import Scope
from domain.roles import Role
from models import Member
from tests.api.conftest import Site

FASTAPI_BUILT_INS = {"/openapi.json", "/docs", "/docs/oauth2-redirect", "/redoc"}
EVERYONE, ORGANIZERS, ADMINS = roles.EVERYONE_SIGNED_IN, roles.ORGANIZERS, roles.ADMINS
MAINTAINERS, ACCESS_VIEWERS = roles.MAINTAINERS, roles.ACCESS_VIEWERS
FUNDER_VIEWERS = roles.FUNDER_VIEWERS
# Who may call what: a change here is a change of policy, reviewed as such.
EXPECTED_ACCESS: dict[tuple[str, str], tuple[object, bool]] = {
    ("GET", "/"): ("public", False),
    ("GET", "/healthz"): ("public", False),
    ("GET", "/metrics"): ("scraper", False),
    ("GET", "/readyz"): ("public", False),
    ("GET", "/policy"): (ADMINS, False),
    ("GET", "/signup"): ("public", False),
    ("POST", "/signup"): ("public", False),
    ("POST", "/api/members"): ("public", False),
    ("GET", "/signin"): ("public", False),
    ("POST", "/signin"): ("public", False),
    ("POST", "/api/session/link"): ("public", False),
    ("GET", "/signin/verify"): ("public", False),
    ("POST", "/signin/verify"): ("public", False),
    ("POST", "/signout"): ("public", False),
    ("GET", "/journey"): (EVERYONE, False),
    ("GET", "/api/me/journey"): (EVERYONE, False),
    ("POST", "/journey/steps/{step_id}"): (EVERYONE, False),
    ("POST", "/api/me/journey/steps/{step_id}"): (EVERYONE, False),
    ("GET", "/members"): (ORGANIZERS, False),
    ("GET", "/api/members"): (ORGANIZERS, False),
    ("GET", "/members/{member_id}"): (ORGANIZERS, True),
    ("GET", "/api/members/{member_id}"): (ORGANIZERS, True),
    ("POST", "/members/{member_id}/steps/{step_id}"): (ORGANIZERS, False),
    ("POST", "/api/members/{member_id}/steps/{step_id}"): (ORGANIZERS, False),
    ("POST", "/api/members/{member_id}/vouches"): (EVERYONE, False),
    ("POST", "/api/members/{member_id}/vouches/revoke"): (EVERYONE, False),
    ("GET", "/members/{member_id}/vouch"): (EVERYONE, False),
    ("POST", "/members/{member_id}/vouch"): (EVERYONE, False),
    ("GET", "/api/me/sponsor-suggestions"): (EVERYONE, False),
    ("POST", "/api/me/vouch-asks"): (EVERYONE, False),
    ("GET", "/vouches/ask"): (EVERYONE, False),
    ("POST", "/vouches/ask"): (EVERYONE, False),
    ("GET", "/trust"): (EVERYONE, False),
    ("GET", "/api/me/trust"): (EVERYONE, False),
    ("GET", "/members/{member_id}/vouch-tree"): (ORGANIZERS, True),
    ("GET", "/api/members/{member_id}/vouch-tree"): (ORGANIZERS, True),
    ("POST", "/api/members/{member_id}/suspension"): (ORGANIZERS, False),
    ("POST", "/members/{member_id}/suspension"): (ORGANIZERS, False),
    ("POST", "/api/members/{member_id}/suspension/lift"): (ORGANIZERS, False),
    ("POST", "/members/{member_id}/suspension/lift"): (ORGANIZERS, False),
    ("POST", "/api/members/{member_id}/trust/approval"): (ORGANIZERS, False),
    ("POST", "/api/members/{member_id}/contributions"): (ORGANIZERS, False),
    ("GET", "/reviews"): (ORGANIZERS, False),
    ("GET", "/api/reviews"): (ORGANIZERS, False),
    ("POST", "/api/reviews/{item_id}"): (ORGANIZERS, False),
    ("POST", "/reviews/{item_id}"): (ORGANIZERS, False),
    ("GET", "/access"): (EVERYONE, False),
    ("GET", "/api/me/access"): (EVERYONE, False),
    ("POST", "/api/me/access"): (EVERYONE, False),
    ("POST", "/access/request"): (EVERYONE, False),
    ("GET", "/access/approvals"): (MAINTAINERS, False),
    ("GET", "/access/matrix"): (ACCESS_VIEWERS, False),
    ("GET", "/api/access/matrix"): (ACCESS_VIEWERS, False),
    ("POST", "/api/access/{grant_id}/decision"): (MAINTAINERS, False),
    ("POST", "/access/{grant_id}/decision"): (MAINTAINERS, False),
    ("POST", "/webhooks/github"): ("public", False),
    ("GET", "/access/drift"): (ACCESS_VIEWERS, False),
    ("GET", "/api/access/drift"): (ACCESS_VIEWERS, False),
    ("POST", "/api/access/drift/{report_id}/fix"): (ADMINS, False),
    ("POST", "/access/drift/{report_id}/fix"): (ADMINS, False),
    ("POST", "/api/me/mentor-profile"): (EVERYONE, False),
    ("POST", "/api/me/mentee-needs"): (EVERYONE, False),
    ("GET", "/api/me/mentoring"): (EVERYONE, False),
    ("GET", "/mentoring"): (EVERYONE, False),
    ("POST", "/api/mentorships/{mentorship_id}/accept"): (EVERYONE, False),
    ("POST", "/api/mentorships/{mentorship_id}/check-in"): (EVERYONE, False),
    ("POST", "/api/mentorships/{mentorship_id}/feedback"): (EVERYONE, False),
    ("POST", "/api/mentorships/{mentorship_id}/pause"): (EVERYONE, False),
    ("POST", "/api/mentorships/{mentorship_id}/resume"): (EVERYONE, False),
    ("POST", "/api/mentorships/{mentorship_id}/end"): (EVERYONE, False),
    ("POST", "/mentoring/{mentorship_id}/check-in"): (EVERYONE, False),
    ("POST", "/mentoring/{mentorship_id}/accept"): (EVERYONE, False),
    ("POST", "/mentoring/{mentorship_id}/feedback"): (EVERYONE, False),
    ("POST", "/mentoring/profile"): (EVERYONE, False),
    ("POST", "/mentoring/needs"): (EVERYONE, False),
    ("GET", "/api/mentoring/proposals"): (ORGANIZERS, False),
    ("GET", "/mentoring/match"): (ORGANIZERS, False),
    ("POST", "/api/mentoring/never-pairs"): (ORGANIZERS, False),
    ("POST", "/api/mentoring/confirm"): (ORGANIZERS, False),
    ("POST", "/mentoring/match"): (ORGANIZERS, False),
    ("GET", "/dashboards/funder"): (FUNDER_VIEWERS, False),
    ("GET", "/api/dashboards/funder"): (FUNDER_VIEWERS, False),
    ("GET", "/dashboards/funder/{table}.csv"): (FUNDER_VIEWERS, False),
    ("GET", "/dashboards/organizer"): (ORGANIZERS, False),
    ("GET", "/api/dashboards/organizer"): (ORGANIZERS, False),
    ("POST", "/api/dashboards/share"): (ORGANIZERS, False),
    ("POST", "/api/dashboards/share/{link_id}/revoke"): (ORGANIZERS, False),
    ("GET", "/shared/{token}"): ("public", False),
    ("GET", "/shared/{token}/{table}.csv"): ("public", False),
    ("GET", "/static/plotly.min.js"): ("public", False),
    ("GET", "/static/dashboards.js"): ("public", False),
    ("POST", "/api/campaigns"): (ORGANIZERS, False),
    ("GET", "/api/campaigns"): (ORGANIZERS, False),
    ("GET", "/campaigns/new"): (ORGANIZERS, False),
    ("POST", "/campaigns"): (ORGANIZERS, False),
    ("GET", "/back"): ("public", False),
    ("POST", "/back"): ("public", False),
    ("POST", "/api/contributions"): (ORGANIZERS, False),
    ("GET", "/api/tokens"): (ORGANIZERS, False),
    ("POST", "/api/tokens"): (ORGANIZERS, False),
    ("POST", "/api/tokens/{token_id}/revoke"): (ORGANIZERS, False),
    ("GET", "/tokens"): (ORGANIZERS, False),
    ("POST", "/tokens"): (ORGANIZERS, False),
    ("POST", "/tokens/{token_id}/revoke"): (ORGANIZERS, False),
    ("GET", "/api/hooks"): (ORGANIZERS, False),
    ("POST", "/api/hooks"): (ORGANIZERS, False),
    ("GET", "/api/hooks/{endpoint_id}"): (ORGANIZERS, False),
    ("POST", "/api/hooks/{endpoint_id}/disable"): (ORGANIZERS, False),
    ("POST", "/api/hooks/deliveries/{delivery_id}/replay"): (ORGANIZERS, False),
    ("GET", "/hooks"): (ORGANIZERS, False),
    ("POST", "/hooks"): (ORGANIZERS, False),
    ("GET", "/hooks/{endpoint_id}"): (ORGANIZERS, False),
    ("POST", "/hooks/{endpoint_id}/disable"): (ORGANIZERS, False),
    ("POST", "/hooks/deliveries/{delivery_id}/replay"): (ORGANIZERS, False),
    ("GET", "/api/export/members.csv"): (ORGANIZERS, False),
    ("GET", "/api/export/contributions.csv"): (ORGANIZERS, False),
    ("POST", "/api/import/members"): (ORGANIZERS, False),
    ("POST", "/api/import/contributions"): (ORGANIZERS, False),
    ("GET", "/transfer"): (ORGANIZERS, False),
    ("POST", "/transfer/members"): (ORGANIZERS, False),
    ("POST", "/transfer/contributions"): (ORGANIZERS, False),
    ("GET", "/api/me/data"): (EVERYONE, False),
    ("GET", "/me/data"): (EVERYONE, False),
    ("POST", "/api/me/erasure"): (EVERYONE, False),
    ("POST", "/me/erasure"): (EVERYONE, False),
    ("GET", "/api/members/{member_id}/data"): (ADMINS, False),
    ("POST", "/api/members/{member_id}/erasure"): (ADMINS, False),
}
# Which routes an API token may call, and with which scope; every other route refuses tokens.
EXPECTED_SCOPES: dict[tuple[str, str], Scope] = {
    ("GET", "/api/members"): Scope.READ_MEMBERS,
    ("GET", "/api/members/{member_id}"): Scope.READ_MEMBERS,
    ("POST", "/api/members/{member_id}/contributions"): Scope.WRITE_EVENTS,
    ("POST", "/api/contributions"): Scope.WRITE_EVENTS,
    ("GET", "/api/hooks"): Scope.MANAGE_WEBHOOKS,
    ("POST", "/api/hooks"): Scope.MANAGE_WEBHOOKS,
    ("GET", "/api/hooks/{endpoint_id}"): Scope.MANAGE_WEBHOOKS,
    ("POST", "/api/hooks/{endpoint_id}/disable"): Scope.MANAGE_WEBHOOKS,
    ("POST", "/api/hooks/deliveries/{delivery_id}/replay"): Scope.MANAGE_WEBHOOKS,
    ("GET", "/api/export/members.csv"): Scope.READ_MEMBERS,
    ("GET", "/api/export/contributions.csv"): Scope.READ_MEMBERS,
    ("POST", "/api/import/members"): Scope.WRITE_MEMBERS,
    ("POST", "/api/import/contributions"): Scope.WRITE_EVENTS,
}
# Public, but each call must carry the sender's signature: an unsigned call is refused whoever makes it.
SIGNED_BY_SENDER = {"/webhooks/github"}


def access_check(route: APIRoute) -> Any:
    pending = list(route.dependant.dependencies)
    while pending:
        dependency = pending.pop()
        if hasattr(dependency.call, "allowed_roles"):
            return dependency.call
        pending.extend(dependency.dependencies)
    raise AssertionError(f"{route.methods} {route.path} does not say who may call it")


def declared_access(route: APIRoute) -> tuple[Any, bool]:
    """The roles a route's access dependency admits ("public" for anyone), and whether it admits self."""
    check = access_check(route)
    return check.allowed_roles, getattr(check, "or_self", False)


def routes(site: Site) -> list[APIRoute]:
    found: list[APIRoute] = []
    pending = list(site.app.routes)
    while pending:
        route = pending.pop(0)
        if isinstance(route, APIRoute) and route.path not in FASTAPI_BUILT_INS:
            found.append(route)
        elif hasattr(route, "original_router"):  # FastAPI >= 0.160 keeps included routers whole
            assert not route.include_context.prefix, (
                "the walk below assumes routers are included without a prefix"
            )
            pending.extend(route.original_router.routes)
    return sorted(found, key=lambda r: r.path == "/signout")  # signing out ends the walk's session


async def call(client: httpx.AsyncClient, route: APIRoute, member_id: int) -> httpx.Response:
    path = route.path.format(
        member_id=member_id,
        step_id="code_of_conduct",
        item_id=1,
        grant_id=1,
        report_id=1,
        mentorship_id=1,
        table="cohorts",
        link_id=1,
        token_id=1,
        endpoint_id=1,
        delivery_id=1,
        token="not-a-token",
    )
    method = sorted(route.methods)[0]
    if method == "GET":
        return await client.get(path)
    return await client.request(
        method, path, json={}, headers={"x-csrftoken": client.cookies.get("csrftoken", "")}
    )


async def test_every_route_declares_the_access_the_policy_table_gives_it(site: Site) -> None:
    declared = {(sorted(r.methods)[0], r.path): declared_access(r) for r in routes(site)}
    assert declared == EXPECTED_ACCESS


async def test_only_the_routes_the_scope_table_names_accept_api_tokens(site: Site) -> None:
    declared = {
        (sorted(r.methods)[0], r.path): access_check(r).scope
        for r in routes(site)
        if getattr(access_check(r), "scope", None)
    }
    assert declared == EXPECTED_SCOPES


async def test_every_route_admits_exactly_the_roles_it_declares(site: Site) -> None:
    target = await site.member_with_journey("target@example.org")
    people: dict[Role | None, Member | None] = {None: None}
    for role in Role:
        people[role] = await site.member_with_journey(f"{role.value}@example.org", role=role)

    checked = 0
    for role, person in people.items():
        async with site.client() as client:
            await client.get("/signin")  # picks up the CSRF cookie, as a browser would
            if person is not None:
                await site.sign_in_as(client, person)
            for route in routes(site):
                allowed, or_self = declared_access(route)
                for member_id, is_self in [(target.id, False)] + (
                    [(person.id, True)] if or_self and person else []
                ):
                    response = await call(client, route, member_id)
                    where = f"{sorted(route.methods)[0]} {route.path} as {role} (self={is_self})"
                    assert response.status_code < 500, (
                        f"{where}: {response.status_code} {response.text[:200]}"
                    )
                    if route.path in SIGNED_BY_SENDER:
                        assert response.status_code == 401, where
                    elif allowed == "scraper":  # loopback without a metrics token: any caller
                        assert response.status_code == 200, where
                    elif allowed == "public" or (role in allowed) or (is_self and person is not None):
                        assert response.status_code not in (401, 403), where
                    elif person is None:
                        expected = 401 if route.path.startswith("/api/") else 303
                        assert response.status_code == expected, where
                        if expected == 303:
                            assert response.headers["location"] == "/signin", where
                    else:
                        assert response.status_code == 403, where
                    checked += 1
    assert checked >= len(Role) * len(EXPECTED_ACCESS)
