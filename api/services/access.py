"""Access grants as the web app sees them: start one, act on one through its workflow, read the record."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from temporalio.client import Client, WorkflowUpdateFailedError
from temporalio.common import WorkflowIDConflictPolicy, WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.service import RPCError, RPCStatusCode

from api.services.journeys import rejected
from api.settings import Settings
from domain import access
from domain.access import Permission
from domain.errors import Conflict, InvalidField, NotFound, Rejected
from domain.grants import GrantInput
from domain.roles import Role
from models import AccessGrant, GrantStatus, Member, Project
from workflows.access_grant import AccessGrant as AccessGrantWorkflow

OPEN = (
    GrantStatus.AWAITING_APPROVAL,
    GrantStatus.APPLYING,
    GrantStatus.INVITED,
    GrantStatus.ACTIVE,
    GrantStatus.WARNED,
)


async def request(
    session: AsyncSession,
    temporal: Client,
    settings: Settings,
    member: Member,
    target_key: str,
    permission: str,
    requested_by: Member,
) -> str:
    """Start the grant's workflow; the policy check runs inside it and its reason lands on the record."""
    policy = settings.policy.access
    target = policy.target(target_key)
    if target is None:
        known = ", ".join(t.key for t in policy.targets)
        raise InvalidField("target", f"Unknown target '{target_key}'; choose one of: {known}.")
    if permission not in {p.value for p in Permission}:
        raise InvalidField(
            "permission", f"Unknown permission '{permission}'; use read, triage, write, maintain or admin."
        )
    workflow_id = access.grant_workflow_id(settings.workflow_id_prefix, member.id, target_key)
    runs = await session.scalar(
        select(func.count(AccessGrant.id)).where(AccessGrant.workflow_id == workflow_id)
    )
    try:
        await temporal.start_workflow(
            AccessGrantWorkflow.run,
            GrantInput(member.id, target_key, permission, requested_by.id, int(runs or 0) + 1),
            id=workflow_id,
            task_queue=settings.temporal_task_queue,
            id_conflict_policy=WorkflowIDConflictPolicy.FAIL,
            id_reuse_policy=WorkflowIDReusePolicy.ALLOW_DUPLICATE,
        )
    except WorkflowAlreadyStartedError as exc:
        raise Conflict(f"A grant for {target_key} is already in progress; act on it instead.") from exc
    return workflow_id


async def act(temporal: Client, grant: AccessGrant, update: Any, arg: object) -> Any:
    handle = temporal.get_workflow_handle(grant.workflow_id)
    try:
        return await handle.execute_update(update, arg)
    except WorkflowUpdateFailedError as exc:
        raise rejected(exc) from exc
    except RPCError as exc:
        if exc.status is RPCStatusCode.NOT_FOUND:  # its workflow has finished: denied, revoked, expired
            raise Rejected(f"Grant {grant.id} is closed; ask again to open a new one.") from exc
        raise


async def get(session: AsyncSession, grant_id: int) -> AccessGrant:
    grant = await session.get(AccessGrant, grant_id)
    if grant is None:
        raise NotFound(f"There is no access grant {grant_id}.")
    return grant


async def require_maintainer(
    session: AsyncSession, settings: Settings, grant: AccessGrant, me: Member
) -> None:
    """Admins decide on any target; maintainers on targets of the projects they maintain."""
    if me.acting_role is Role.ADMIN:
        return
    target = settings.policy.access.target(f"{grant.target_kind.value}-{grant.target}")
    projects = await session.scalars(select(Project))
    if target is None or not any(
        access.project_covers(p.repositories, settings.policy.access.org, target) and me in p.maintainers
        for p in projects
    ):
        raise Rejected(
            f"You do not maintain {grant.target_kind.value} {grant.target}; its maintainers decide."
        )


async def of_member(session: AsyncSession, member_id: int) -> list[AccessGrant]:
    query = (
        select(AccessGrant)
        .where(AccessGrant.member_id == member_id)
        .order_by(AccessGrant.requested_at.desc())
    )
    return list(await session.scalars(query))


async def awaiting_approval(session: AsyncSession) -> list[tuple[AccessGrant, str]]:
    rows = await session.execute(
        select(AccessGrant, Member.display_name)
        .join(Member, Member.id == AccessGrant.member_id)
        .where(AccessGrant.status == GrantStatus.AWAITING_APPROVAL)
        .order_by(AccessGrant.requested_at)
    )
    return [(grant, name) for grant, name in rows]


async def matrix(session: AsyncSession) -> list[tuple[AccessGrant, str]]:
    """Who holds what, since when, why and until when."""
    rows = await session.execute(
        select(AccessGrant, Member.display_name)
        .join(Member, Member.id == AccessGrant.member_id)
        .where(AccessGrant.status.in_([GrantStatus.ACTIVE, GrantStatus.WARNED, GrantStatus.INVITED]))
        .order_by(AccessGrant.target_kind, AccessGrant.target, Member.display_name)
    )
    return [(grant, name) for grant, name in rows]


async def active_workflows(session: AsyncSession, member_id: int) -> list[str]:
    query = select(AccessGrant.workflow_id).where(
        AccessGrant.member_id == member_id, AccessGrant.status.in_(OPEN)
    )
    return list(await session.scalars(query))
