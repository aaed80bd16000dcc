"""A demo community for `make run DEMO=1`: people part-way through their journeys, made the real way."""

from __future__ import annotations

from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession
from temporalio.client import Client

from api.schemas import SignupRequest
from api.services import journeys, members
from api.settings import Settings
from api.temporal import connect
from domain import sign_in
from domain.journey import CompletedBy, StepCompletion
from domain.roles import Role
from models import Chapter, Community, Member, Project, ProjectStatus
from models.base import async_session_factory, make_async_engine
from models.community import chapter_organizers

DOMAIN = "demo.example.org"
CHAPTERS = ["Philadelphia", "Detroit", "Data for Democracy"]
PROJECTS = [
    ("Spoke", ["MoveOnOrg/Spoke"], ["react", "node", "graphql"], ProjectStatus.ACTIVE),
    ("Polling Place Finder", ["perennial-demo/polling-places"], ["python", "data"], ProjectStatus.ACTIVE),
    ("Volunteer Scheduler", ["perennial-demo/scheduler"], ["django"], ProjectStatus.HIBERNATING),
]
# (name, chapter index, steps done): a spread across the playbook so every page has something to show.
PEOPLE = [
    ("Rosa Alvarez", 0, 4),
    ("Malik Johnson", 0, 3),
    ("Priya Natarajan", 1, 2),
    ("Tom Becker", 1, 1),
    ("Ayesha Rahman", 2, 0),
    ("Jordan Lee", 2, 3),
    ("Sam Okafor", 0, 1),
    ("Wen Zhou", 1, 0),
]


async def seed(settings: Settings) -> None:
    engine = make_async_engine(settings.database_url)
    temporal = await connect(settings)
    async with async_session_factory(engine)() as session:
        if await session.scalar(select(func.count(Member.id))):
            print("demo: the database already has members; nothing seeded")
            return
        admin = await _join(session, temporal, settings, "Alex Admin", None, Role.ADMIN)
        chapters = await _chapters(session)
        organizers = [
            await _join(session, temporal, settings, f"Organizer {c.name}", c.id, Role.ORGANIZER)
            for c in chapters
        ]
        await session.execute(
            insert(chapter_organizers),
            [{"chapter_id": c.id, "member_id": o.id} for c, o in zip(chapters, organizers, strict=True)],
        )
        projects = await _projects(session, chapters[0].community_id)
        await session.commit()
        for name, chapter_index, steps_done in PEOPLE:
            person = await _join(session, temporal, settings, name, chapters[chapter_index].id, Role.MEMBER)
            await _walk(
                temporal,
                settings,
                person,
                steps_done,
                projects[chapter_index % 2].id,
                organizers[chapter_index].id,
            )
        print("demo: seeded; sign in as the admin with this one-time link (30 minutes):")
        print("  " + _link(settings, admin))
    await engine.dispose()


async def _join(
    session: AsyncSession, temporal: Client, settings: Settings, name: str, chapter_id: int | None, role: Role
) -> Member:
    email = name.lower().replace(" ", ".") + "@" + DOMAIN
    member = await members.sign_up(
        session,
        temporal,
        settings,
        SignupRequest(email=email, display_name=name, chapter_id=chapter_id, reminders=True),
    )
    member.role = role
    await session.commit()
    return member


async def _chapters(session: AsyncSession) -> list[Chapter]:
    community = await session.scalar(select(Community).order_by(Community.id))
    assert community is not None, "run `perennial migrate` first"
    chapters = [Chapter(community_id=community.id, name=name) for name in CHAPTERS]
    session.add_all(chapters)
    await session.flush()
    return chapters


async def _projects(session: AsyncSession, community_id: int) -> list[Project]:
    projects = [
        Project(community_id=community_id, name=n, repositories=r, skills_needed=s, status=st)
        for n, r, s, st in PROJECTS
    ]
    session.add_all(projects)
    await session.flush()
    return projects


async def _walk(
    temporal: Client, settings: Settings, person: Member, steps: int, project_id: int, organizer_id: int
) -> None:
    forms = {
        "code_of_conduct": {},
        "profile": {
            "display_name": person.display_name,
            "time_zone": "America/New_York",
            "skills": "python, outreach",
        },
        "pick_project": {"project_id": str(project_id)},
        "meet_organizer": {},
    }
    for step_id, form in list(forms.items())[:steps]:
        by = CompletedBy.ORGANIZER if step_id == "meet_organizer" else CompletedBy.SELF
        actor = organizer_id if by is CompletedBy.ORGANIZER else person.id
        await journeys.complete_step(temporal, settings, person.id, StepCompletion(step_id, actor, by, form))


def _link(settings: Settings, member: Member) -> str:
    token = sign_in.issue_token(settings.secret_key, sign_in.SignInClaim(member.id, member.sign_in_nonce))
    return f"{settings.base_url}/signin/verify?token={token}"
