"""Seeds: the example loads, names are checked, both file formats and both permission vocabularies work."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from pydantic import ValidationError

from localgithub.app import EXAMPLE_SEED
from localgithub.models import seed
from localgithub.permissions import Permission
from localgithub.state import State


def test_the_example_seed_has_the_demo_organization_and_its_template() -> None:
    world = State.from_file(EXAMPLE_SEED)
    assert world.org("perennial-demo").members["perennial-bot"] == "admin"
    assert world.repo("perennial-demo", "sandbox-template").is_template


def test_a_json_seed_loads_with_either_permission_vocabulary(tmp_path: Path) -> None:
    path = tmp_path / "seed.json"
    path.write_text(
        json.dumps(
            {
                "users": [{"login": "a", "tokens": ["t"]}, {"login": "b"}],
                "repos": [{"owner": "a", "name": "r", "collaborators": {"b": "write"}}],
            }
        )
    )
    world = State.from_file(path)
    assert world.repo("a", "r").collaborators == {"b": Permission.PUSH}
    assert world.user_for_token("t") is world.user("A")


@pytest.mark.parametrize(
    ("data", "complaint"),
    [
        ({"orgs": [{"login": "o", "members": ["ghost"]}]}, "names users that are not in [[users]]: ghost"),
        ({"repos": [{"owner": "ghost", "name": "r"}]}, "repo ghost/r has an unknown owner"),
        (
            {"users": [{"login": "a", "tokens": ["t"]}, {"login": "b", "tokens": ["t"]}]},
            "tokens must be unique",
        ),
        (
            {
                "users": [{"login": "a"}],
                "repos": [{"owner": "a", "name": "r", "collaborators": {"a": "owner"}}],
            },
            "permission must be one of",
        ),
    ],
)
def test_a_seed_naming_the_unknown_is_refused_with_the_name(data: dict[str, object], complaint: str) -> None:
    with pytest.raises(ValidationError, match=re.escape(complaint)):
        seed.Seed.model_validate(data)
