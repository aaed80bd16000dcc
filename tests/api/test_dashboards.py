"""The funder dashboard: aggregates from the ledger with small groups suppressed, CSV downloads, and a
share link that works without an account until it expires or is revoked."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx

from domain.roles import Role
from models import Event, ShareLink
from tests.api.conftest import Site


def contribute(site: Site, member_id: int, at: datetime) -> None:
    with site.db.sessions.begin() as s:
        s.add(
            Event(at=at, kind="contribution.commit", subject_type="member", subject_id=member_id, payload={})
        )


def headers(client: httpx.AsyncClient) -> dict[str, str]:
    return {"x-csrftoken": client.cookies["csrftoken"]}


async def test_small_groups_are_suppressed_and_large_ones_shown(site: Site) -> None:
    funder = await site.member_with_journey("funder@example.org", role=Role.FUNDER)
    start = datetime(2023, 1, 10, tzinfo=UTC)
    people = [site.db.member(f"v{n}@example.org") for n in range(7)]
    for n, person in enumerate(people):
        contribute(site, person.id, start + timedelta(days=n))  # seven in the January 2023 cohort
        if n < 3:
            contribute(site, person.id, start + timedelta(days=400))
    loner = site.db.member("loner@example.org")
    contribute(site, loner.id, datetime(2023, 3, 5, tzinfo=UTC))  # a cohort of one

    async with site.client() as client:
        await site.sign_in_as(client, funder)
        view = (await client.get("/api/dashboards/funder")).json()
        page = await client.get("/dashboards/funder")
        table = await client.get("/dashboards/funder/cohorts.csv")
        missing = await client.get("/dashboards/funder/salaries.csv")

    cohorts = {c["month"]: c for c in view["cohorts"]}
    assert cohorts["2023-01"]["size"] == 7 and cohorts["2023-01"]["retention"][0] == 1.0
    assert cohorts["2023-03"]["size"] is None and cohorts["2023-03"]["retention"] is None
    assert view["ltc"]["1"] == {"eligible": 8, "rate": round(3 / 8, 4)}
    assert page.status_code == 200 and "/static/plotly.min.js" in page.text
    assert table.text.splitlines()[0].startswith("month,size,month_0")
    assert "2023-03," in table.text and ",1.0" not in table.text.split("2023-03,")[1].splitlines()[0]
    assert missing.status_code == 404 and "the tables are" in missing.text
    activity = {a["month"]: a["active"] for a in view["activity"]}
    assert activity["2023-01"] == 7 and activity["2023-03"] is None  # one person: suppressed
    assert view["elections"] == [d.isoformat() for d in sorted(site.settings.policy.retention.elections)]
    assert 'id="activity-chart"' in page.text


async def test_a_small_group_hides_its_size_and_its_median_time_too(site: Site) -> None:
    funder = await site.member_with_journey("funder@example.org", role=Role.FUNDER)
    for n in range(3):  # three people, under the policy's five
        contribute(site, site.db.member(f"few{n}@example.org").id, datetime(2023, 1, 10 + n, tzinfo=UTC))
    async with site.client() as client:
        await site.sign_in_as(client, funder)
        done = await client.post("/api/me/journey/steps/code_of_conduct", json={}, headers=headers(client))
        assert done.status_code == 200, done.text
        view = (await client.get("/api/dashboards/funder")).json()
        page = await client.get("/dashboards/funder")

    assert view["ltc"] == {t: {"eligible": None, "rate": None} for t in ("1", "2", "3")}
    # One person signed up and took the code of conduct: the median time between is theirs alone.
    [rung] = [r for r in view["funnel"] if r["name"] == "code of conduct"]
    assert rung == {"name": "code of conduct", "people": None, "conversion": None, "median_days": None}
    assert page.status_code == 200 and ">None<" not in page.text


async def test_a_share_link_works_without_an_account_until_revoked_or_expired(site: Site) -> None:
    lead = await site.member_with_journey("lead@example.org", role=Role.ORGANIZER)
    async with site.client() as client:
        await site.sign_in_as(client, lead)
        made = (
            await client.post(
                "/api/dashboards/share", json={"label": "Foundation X"}, headers=headers(client)
            )
        ).json()
        other = (
            await client.post("/api/dashboards/share", json={"label": "Old"}, headers=headers(client))
        ).json()
        await client.post(f"/api/dashboards/share/{made['id']}/revoke", headers=headers(client))
    with site.db.sessions.begin() as s:
        s.get(ShareLink, other["id"]).expires_at = datetime.now(UTC) - timedelta(minutes=1)  # type: ignore[union-attr]
    path = made["url"].removeprefix(site.settings.base_url)

    async with site.client() as anonymous:
        before_revoke_check = await anonymous.get(path.replace(path.rsplit("/", 1)[1], "forged"))
        revoked = await anonymous.get(path)
        expired = await anonymous.get(other["url"].removeprefix(site.settings.base_url))

    assert before_revoke_check.status_code == 404
    assert revoked.status_code == 404 and "revoked" in revoked.text
    assert expired.status_code == 404


async def test_a_live_share_link_shows_the_report_and_its_csv(site: Site) -> None:
    lead = await site.member_with_journey("lead@example.org", role=Role.ORGANIZER)
    async with site.client() as client:
        await site.sign_in_as(client, lead)
        made = (
            await client.post(
                "/api/dashboards/share", json={"label": "Board", "days": 7}, headers=headers(client)
            )
        ).json()
    path = made["url"].removeprefix(site.settings.base_url)

    async with site.client() as anonymous:
        page = await anonymous.get(path)
        table = await anonymous.get(f"{path}/ltc.csv")

    assert page.status_code == 200 and "A read-only view shared by the organizers" in page.text
    assert table.status_code == 200 and table.text.startswith("years,eligible,rate")


async def test_organizers_see_the_people_behind_cohorts_and_who_to_reach_out_to(site: Site) -> None:
    lead = await site.member_with_journey("lead@example.org", role=Role.ORGANIZER)
    old = datetime(2022, 1, 10, tzinfo=UTC)
    for n in range(30):  # a year-old history to learn from: a third stayed, with busier first months
        person = site.db.member(f"old{n}@example.org")
        stays = n % 3 == 0
        for week in range(6 if stays else 1):
            contribute(site, person.id, old + timedelta(days=n * 5 + week * 7))
        if stays:
            contribute(site, person.id, old + timedelta(days=n * 5 + 420))
    now = datetime.now(UTC)
    quiet, busy = (
        site.db.member("quiet@example.org", name="Quiet"),
        site.db.member("busy@example.org", name="Busy"),
    )
    contribute(site, quiet.id, now - timedelta(days=60))
    for week in range(6):
        contribute(site, busy.id, now - timedelta(days=60 - week * 7))

    async with site.client() as client:
        await site.sign_in_as(client, lead)
        data = (await client.get("/api/dashboards/organizer")).json()
        page = await client.get("/dashboards/organizer")

    names = [n["name"] for n in data["reach_out"]]
    assert names.index("Quiet") < names.index("Busy")  # the quieter newcomer is nearer the top
    recent = (now - timedelta(days=60)).strftime("%Y-%m")
    assert {c["month"]: c["size"] for c in data["view"]["cohorts"]}[
        recent
    ] == 2  # small groups shown to organizers
    assert any(p["name"] == "old0" for p in data["cohort_people"]["2022-01"])
    assert page.status_code == 200 and "never a penalty" in page.text and "Quiet" in page.text
