"""The rate limit overview."""

from __future__ import annotations

from fastapi import APIRouter, Request

from localgithub import ratelimit, throttle
from localgithub.deps import OptionalUser
from localgithub.shapes import Json

router = APIRouter(tags=["meta"])


@router.get("/rate_limit")
async def get_rate_limit(request: Request, _: OptionalUser) -> Json:
    """Anyone; reading it does not spend the budget."""
    return ratelimit.overview(throttle.current_quota(request))
