"""GitHub's five repository roles, their order, and the three vocabularies the API uses for them."""

from __future__ import annotations

import enum
from typing import Annotated

from pydantic import BeforeValidator


class Permission(enum.StrEnum):
    PULL = "pull"
    TRIAGE = "triage"
    PUSH = "push"
    MAINTAIN = "maintain"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        return list(Permission).index(self)

    def includes(self, other: Permission) -> bool:
        return self.rank >= other.rank

    @property
    def role_name(self) -> str:
        """The name in `role_name` and in invitations: read, triage, write, maintain, admin."""
        return _ROLE_NAMES[self]

    @property
    def legacy_name(self) -> str:
        """The name in `.../collaborators/{user}/permission`, which folds maintain and triage away."""
        return {Permission.ADMIN: "admin", Permission.MAINTAIN: "write", Permission.PUSH: "write"}.get(
            self, "read"
        )

    def flags(self) -> dict[str, bool]:
        return {permission.value: self.includes(permission) for permission in reversed(Permission)}


_ROLE_NAMES = {
    Permission.PULL: "read",
    Permission.TRIAGE: "triage",
    Permission.PUSH: "write",
    Permission.MAINTAIN: "maintain",
    Permission.ADMIN: "admin",
}
_ALIASES = {
    **{role: permission for permission, role in _ROLE_NAMES.items()},
    **{p.value: p for p in Permission},
}


def parse(name: str) -> Permission:
    """Accepts both vocabularies: pull/push (the REST parameters) and read/write (roles, invitations)."""
    try:
        return _ALIASES[name.lower()]
    except KeyError:
        raise ValueError(f"permission must be one of {', '.join(sorted(_ALIASES))}, not {name!r}") from None


def highest(*candidates: Permission | None) -> Permission | None:
    present = [permission for permission in candidates if permission is not None]
    return max(present, key=lambda permission: permission.rank, default=None)


def flags(permission: Permission | None) -> dict[str, bool]:
    return permission.flags() if permission else {p.value: False for p in reversed(Permission)}


# A pydantic field type: either vocabulary in, a Permission out, a 422 naming the choices otherwise.
PermissionName = Annotated[
    Permission, BeforeValidator(lambda value: parse(value) if isinstance(value, str) else value)
]
