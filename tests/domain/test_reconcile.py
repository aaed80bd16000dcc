"""Drift between the grants and GitHub, and the fix plan's safety rails, at their thresholds."""

from __future__ import annotations

import pytest

from domain.reconcile import (
    Action,
    Desired,
    DriftKind,
    DriftReport,
    Held,
    PlanItem,
    Rails,
    TargetDrift,
    confirmed_fixes,
    drift,
)

DEFAULT = Rails()
REMOVING = Rails(remove_unmanaged=True)


def active(login: str, permission: str = "write") -> Held:
    return Held(login, permission, "active")


def granted(login: str, permission: str = "write", status: str = "active") -> Desired:
    return Desired(login, permission, status)


def kinds(result: TargetDrift) -> dict[str, DriftKind]:
    return {f.login: f.kind for f in result.findings}


def actions(result: TargetDrift) -> dict[str, tuple[Action, bool]]:
    return {i.login: (i.action, i.allowed) for i in result.plan}


def test_a_target_that_matches_its_grants_has_no_findings_and_no_plan() -> None:
    result = drift("repo", "website", [granted("Linus")], [active("linus")], DEFAULT)

    assert result.findings == () and result.plan == () and result.refused is None


def test_a_grant_whose_invitation_is_gone_is_missing_and_invited_again() -> None:
    result = drift("repo", "website", [granted("linus", status="invited")], [], DEFAULT)

    assert kinds(result) == {"linus": DriftKind.MISSING}
    [item] = result.plan
    assert (item.action, item.permission, item.allowed) == (Action.ADD, "write", True)
    assert item.why == "Invite linus to repo website again with write, as the grant says."


@pytest.mark.parametrize("status", ["active", "warned"])
def test_someone_who_left_by_themselves_is_reported_and_not_re_added_unasked(status: str) -> None:
    result = drift("team", "contributors", [granted("grace", status=status)], [], DEFAULT)

    assert kinds(result) == {"grace": DriftKind.LEFT}
    [item] = result.plan
    assert (item.action, item.permission, item.allowed) == (Action.ASK, "write", False)
    assert item.why.startswith("Ask grace before re-adding")


def test_an_invitation_waiting_on_github_is_pending_and_needs_nothing() -> None:
    result = drift(
        "repo", "website", [granted("linus", status="invited")], [Held("linus", "write", "invited")], DEFAULT
    )

    assert kinds(result) == {"linus": DriftKind.PENDING} and result.plan == ()


def test_grants_that_are_not_held_any_more_are_not_desired() -> None:
    result = drift("repo", "website", [granted("linus", status="revoked")], [], DEFAULT)

    assert result.findings == ()


def test_unmanaged_holders_are_left_alone_by_default() -> None:
    result = drift("repo", "website", [], [active("margaret", "triage")], DEFAULT)

    assert kinds(result) == {"margaret": DriftKind.EXTRA}
    [item] = result.plan
    assert (item.action, item.permission, item.allowed) == (Action.LEAVE, "triage", False)
    assert "does not manage margaret's access" in item.why


def test_unmanaged_holders_are_removed_only_when_asked_to() -> None:
    held = [active(f"p{n}") for n in range(4)]
    result = drift("repo", "website", [granted(f"p{n}") for n in range(3)], held, REMOVING)

    assert actions(result) == {"p3": (Action.REMOVE, True)}
    assert result.plan[0].permission == "write"  # what is removed, so the fix can name it


@pytest.mark.parametrize(
    ("holders", "removals", "refused"),
    [(4, 1, False), (3, 1, True), (8, 2, False), (8, 3, True), (1, 1, True)],
)
def test_a_plan_removing_more_than_a_quarter_of_the_holders_is_refused_whole(
    holders: int, removals: int, refused: bool
) -> None:
    keep = holders - removals
    desired = [granted(f"kept{n}") for n in range(keep)] + [granted("late", status="invited")]
    held = [active(f"kept{n}") for n in range(keep)] + [active(f"extra{n}") for n in range(removals)]

    result = drift("repo", "website", desired, held, REMOVING)

    assert (result.refused is not None) is refused
    allowed = {i.login for i in result.plan if i.allowed}
    assert allowed == (set() if refused else {"late"} | {f"extra{n}" for n in range(removals)})
    if refused:
        assert result.refused == (
            f"it would remove {removals} of {holders} holder(s) of repo website, more than the 25% "
            "allowed at once. Remove them by hand, or in smaller steps."
        )
        assert all(i.why.startswith("Refused with the whole plan") for i in result.plan if i.login == "late")


def test_the_removal_share_is_configurable() -> None:
    held = [active("kept"), active("extra")]

    assert drift("repo", "website", [granted("kept")], held, Rails(50, remove_unmanaged=True)).refused is None
    assert drift("repo", "website", [granted("kept")], held, Rails(49, remove_unmanaged=True)).refused


@pytest.mark.parametrize(
    ("admins", "min_admins", "removable"), [(1, 1, 0), (2, 1, 1), (3, 1, 2), (3, 2, 1), (2, 0, 2)]
)
def test_admins_are_never_removed_below_the_minimum(admins: int, min_admins: int, removable: int) -> None:
    held = [active(f"admin{n}", "admin") for n in range(admins)] + [active(f"w{n}") for n in range(12)]
    rails = Rails(max_removal_percent=100, min_admins=min_admins, remove_unmanaged=True)

    result = drift("repo", "infra", [granted(f"w{n}") for n in range(12)], held, rails)

    removed = [i for i in result.plan if i.action is Action.REMOVE and i.allowed]
    assert len(removed) == removable
    refusals = [i.why for i in result.plan if not i.allowed]
    assert len(refusals) == admins - removable
    assert all(f"keep at least {min_admins}" in why for why in refusals)


def test_lowering_the_last_admin_counts_as_removing_an_admin() -> None:
    result = drift("repo", "infra", [granted("ada", "maintain")], [active("ada", "admin")], DEFAULT)

    assert kinds(result) == {"ada": DriftKind.WRONG_PERMISSION}
    [item] = result.plan
    assert (item.action, item.allowed) == (Action.CHANGE, False)
    assert item.why == "Refused: ada is one of 1 admin(s) of infra; keep at least 1."


@pytest.mark.parametrize(
    ("desired", "held", "drifts"),
    [
        ("read", "write", False),
        ("triage", "write", False),
        ("write", "write", False),
        ("maintain", "maintain", False),
        ("admin", "maintain", False),
        ("write", "maintain", True),
        ("maintain", "write", True),
    ],
)
def test_teams_are_compared_by_role_not_permission(desired: str, held: str, drifts: bool) -> None:
    result = drift("team", "contributors", [granted("grace", desired)], [active("grace", held)], DEFAULT)

    assert (kinds(result) == {"grace": DriftKind.WRONG_PERMISSION}) is drifts
    if drifts:
        assert actions(result) == {"grace": (Action.CHANGE, True)}


def test_repositories_compare_the_exact_permission() -> None:
    result = drift("repo", "website", [granted("linus", "triage")], [active("linus", "read")], DEFAULT)

    assert kinds(result) == {"linus": DriftKind.WRONG_PERMISSION}
    assert result.findings[0].why == "linus holds read on GitHub; the grant says triage."


def test_two_grants_for_one_login_want_the_higher_permission() -> None:
    desired = [granted("linus", "triage"), granted("linus", "write")]

    assert drift("repo", "website", desired, [active("linus", "write")], DEFAULT).findings == ()


def report(*targets: TargetDrift) -> DriftReport:
    return DriftReport(targets, DEFAULT)


def test_a_confirmed_fix_applies_only_what_the_report_allowed_and_is_still_needed() -> None:
    invited = [granted(login, status="invited") for login in ("a", "b", "c")]
    seen = drift("repo", "website", invited[:2], [], DEFAULT)
    now = drift("repo", "website", invited, [Held("b", "write", "invited")], DEFAULT)

    apply, skipped = confirmed_fixes(report(seen), report(now))

    assert [i.login for i in apply] == ["a"]  # c was never confirmed; b was invited meanwhile
    assert [(f.item.login, f.done, f.note) for f in skipped] == [
        ("b", False, "Skipped: GitHub already matches the grants.")
    ]


def test_an_item_the_rails_now_refuse_is_skipped_with_the_reason() -> None:
    rails = Rails(max_removal_percent=100, min_admins=1, remove_unmanaged=True)
    seen = drift("repo", "infra", [], [active("x", "admin"), active("y", "admin")], rails)
    now = drift("repo", "infra", [], [active("x", "admin")], rails)

    apply, skipped = confirmed_fixes(DriftReport((seen,), rails), DriftReport((now,), rails))

    assert [(i.login, i.action) for i in DriftReport((seen,), rails).allowed] == [("x", Action.REMOVE)]
    assert apply == []
    assert [f.note for f in skipped] == [
        "Skipped: GitHub changed since the report; the plan now says: "
        "Refused: x is one of 1 admin(s) of infra; keep at least 1."
    ]


def test_plan_items_carry_what_the_fix_needs() -> None:
    [item] = drift("team", "contributors", [granted("grace", status="invited")], [], DEFAULT).plan

    assert item == PlanItem(
        "team",
        "contributors",
        "grace",
        Action.ADD,
        "write",
        True,
        "Invite grace to team contributors again with write, as the grant says.",
    )
