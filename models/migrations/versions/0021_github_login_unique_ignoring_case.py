"""GitHub logins unique ignoring case

Revision ID: 0021
Revises: 0020
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEX = "uq_members_github_login_lower"


def upgrade() -> None:
    # GitHub treats logins without regard to case, and so does matching its events to members: two members
    # holding `Alice` and `alice` would split one person's work between them.
    shared = op.get_bind().execute(
        sa.text(
            "SELECT lower(github_login), min(id), max(id) FROM members WHERE github_login IS NOT NULL"
            " GROUP BY lower(github_login) HAVING count(*) > 1"
        )
    ).all()
    if shared:
        pairs = "; ".join(f"{login}: members {first} and {last}" for login, first, last in shared)
        raise RuntimeError(
            f"Members share a GitHub login when case is ignored ({pairs}). Clear the wrong one's login, "
            "then migrate again."
        )
    op.create_index(INDEX, "members", [sa.text("lower(github_login)")], unique=True)


def downgrade() -> None:
    op.drop_index(INDEX, table_name="members")
