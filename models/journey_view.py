"""The read side of each journey: the view its workflow last published, ready to serve.

Member pages and the status API are the app's hottest reads. Asking the workflow costs a Temporal query
(about 7 ms of CPU across three processes); reading this row costs one indexed lookup. The workflow writes
it whenever its view changes, and before an update that changes it returns, so a member who completes a
step and reloads sees the step done.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import TypeAdapter
from sqlalchemy import ForeignKey, Text
from sqlalchemy.orm import Mapped, mapped_column

from domain.journey import JourneyView
from models.base import Base

# Written by the worker, served as is by the web: one encoding, pydantic's, the same FastAPI uses.
VIEW_JSON: TypeAdapter[JourneyView] = TypeAdapter(JourneyView)


class JourneyViewRecord(Base):
    __tablename__ = "journey_views"

    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), primary_key=True)
    body: Mapped[str] = mapped_column(Text)  # the view as GET /api/me/journey answers it (JSON)
    # The steps as the journey page shows them (api/journey_steps.py); None from before migration 0019.
    html: Mapped[str | None] = mapped_column(Text)
    # Workflow time of the state it shows: a write never replaces a newer one (a retried publish).
    published_at: Mapped[datetime]
