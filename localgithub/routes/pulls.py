"""Pull requests and their reviews, read-only: the server is seeded with them."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter

from localgithub.deps import OptionalUser, PageDep, RenderDep, RepoDep
from localgithub.errors import NotFound
from localgithub.shapes import Json
from localgithub.state import Pull

router = APIRouter(prefix="/repos/{owner}/{repo}/pulls", tags=["pulls"])


@router.get("")
async def list_pulls(
    repo: RepoDep,
    _: OptionalUser,
    render: RenderDep,
    page: PageDep,
    state: Literal["open", "closed", "all"] = "open",
    direction: Literal["asc", "desc"] = "desc",
) -> list[Json]:
    """Anyone who can see the repository; newest first unless `direction=asc`, as on GitHub."""
    with render.state.lock:
        chosen = [pull for pull in repo.pulls.values() if state in ("all", pull.state)]
        chosen.sort(key=lambda pull: (pull.created_at, pull.number), reverse=direction == "desc")
        return [render.pull(repo, pull) for pull in page.of(chosen)]


@router.get("/{number}")
async def get_pull(repo: RepoDep, number: int, _: OptionalUser, render: RenderDep) -> Json:
    """Anyone who can see the repository."""
    with render.state.lock:
        return render.pull(repo, _pull(repo.pulls, number), detail=True)


@router.get("/{number}/reviews")
async def list_reviews(
    repo: RepoDep, number: int, _: OptionalUser, render: RenderDep, page: PageDep
) -> list[Json]:
    """Anyone who can see the repository; oldest first, as on GitHub."""
    with render.state.lock:
        pull = _pull(repo.pulls, number)
        reviews = sorted(pull.reviews, key=lambda review: (review.submitted_at, review.id))
        return [render.review(repo, pull, review) for review in page.of(reviews)]


def _pull(pulls: dict[int, Pull], number: int) -> Pull:
    if number not in pulls:
        raise NotFound()
    return pulls[number]
