"""Who may do what: a person's role, and which roles a route admits."""

import enum


class Role(enum.StrEnum):
    MEMBER = "member"
    ORGANIZER = "organizer"
    MAINTAINER = "maintainer"
    FUNDER = "funder"
    ADMIN = "admin"


def acting_role(role: Role, suspended: bool) -> Role:
    """The role a person's requests are judged by: a suspension takes away what a role adds (organizing,
    approving, seeing others' data) until it is lifted, whoever lifts it."""
    return Role.MEMBER if suspended else role


EVERYONE_SIGNED_IN = frozenset(Role)
ORGANIZERS = frozenset({Role.ORGANIZER, Role.ADMIN})
ADMINS = frozenset({Role.ADMIN})
MAINTAINERS = frozenset({Role.MAINTAINER, Role.ADMIN})
ACCESS_VIEWERS = frozenset({Role.MAINTAINER, Role.ORGANIZER, Role.ADMIN})
FUNDER_VIEWERS = frozenset({Role.FUNDER, Role.ORGANIZER, Role.ADMIN})
