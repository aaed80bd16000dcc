"""Reading HTML form posts into the same pydantic models the JSON API uses."""

from __future__ import annotations

from typing import TypeVar

from fastapi import Request
from pydantic import BaseModel, ValidationError

Model = TypeVar("Model", bound=BaseModel)
CSRF_FIELD = "csrftoken"


async def read_form(request: Request, model: type[Model]) -> Model:
    form = await request.form()
    data = {k: v for k, v in form.items() if k != CSRF_FIELD and isinstance(v, str)}
    return model.model_validate(data)


def field_errors(exc: ValidationError) -> dict[str, str]:
    """One message per field, keyed by the field's name, for showing beside the input."""
    errors: dict[str, str] = {}
    for error in exc.errors():
        field = ".".join(str(part) for part in error["loc"]) or "form"
        errors.setdefault(field, error["msg"].removeprefix("Value error, "))
    return errors
