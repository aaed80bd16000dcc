"""File contents on the default branch: read one, and create or update one (one commit per write)."""

from __future__ import annotations

import base64
import hashlib
from typing import Annotated

from fastapi import APIRouter, Body, Request
from fastapi.responses import JSONResponse

from localgithub import access
from localgithub.deps import CurrentUser, OptionalUser, RepoDep, WorldDep
from localgithub.errors import NotFound
from localgithub.permissions import Permission
from localgithub.shapes import Json
from localgithub.state import Repo

router = APIRouter(prefix="/repos/{owner}/{repo}/contents", tags=["contents"])


@router.get("/{path:path}")
async def get_file(repo: RepoDep, path: str, user: OptionalUser, request: Request) -> Json:
    """Anyone who can see the repository."""
    if path not in repo.files:
        raise NotFound()
    return _file(repo, path, str(request.base_url).rstrip("/"), with_content=True)


@router.put("/{path:path}")
async def put_file(
    repo: RepoDep,
    path: str,
    user: CurrentUser,
    world: WorldDep,
    request: Request,
    message: Annotated[str, Body()],
    content: Annotated[str, Body()],
    sha: Annotated[str | None, Body()] = None,
) -> JSONResponse:
    """Push access; updating needs the current blob's sha, as on GitHub."""
    with world.lock:
        access.require(world, repo, user, Permission.PUSH)
        exists = path in repo.files
        if exists and sha != _sha(repo.files[path]):
            return JSONResponse({"message": f"{path} does not match {sha}"}, status_code=409)
        repo.files[path] = base64.b64decode(content)
        base = str(request.base_url).rstrip("/")
        commit = {"sha": hashlib.sha1(f"{path}{message}".encode()).hexdigest(), "message": message}  # noqa: S324
        body = {"content": _file(repo, path, base, with_content=False), "commit": commit}
        return JSONResponse(body, status_code=200 if exists else 201)


def _sha(data: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()  # noqa: S324  (git's blob id)


def _file(repo: Repo, path: str, base: str, *, with_content: bool) -> Json:
    data = repo.files[path]
    url = f"{base}/repos/{repo.full_name}/contents/{path}"
    shape: Json = {
        "type": "file",
        "name": path.rsplit("/", 1)[-1],
        "path": path,
        "sha": _sha(data),
        "size": len(data),
        "url": url,
        "html_url": f"{base}/{repo.full_name}/blob/{repo.default_branch}/{path}",
        "git_url": f"{base}/repos/{repo.full_name}/git/blobs/{_sha(data)}",
        "download_url": None,
        "_links": {"self": url},
    }
    if with_content:
        shape |= {"encoding": "base64", "content": base64.b64encode(data).decode()}
    return shape
