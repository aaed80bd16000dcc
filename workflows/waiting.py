"""Durable waiting and update refusals shared by workflows."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from temporalio import workflow
from temporalio.exceptions import ApplicationError


async def until(deadline: datetime, condition: Callable[[], bool]) -> bool:
    """Wait until `condition` holds (True) or the deadline passes (False)."""
    timeout = deadline - workflow.now()
    if timeout <= timedelta(0):
        return condition()
    try:
        await workflow.wait_condition(condition, timeout=timeout)
    except TimeoutError:
        return False
    return True


def refuse_update(reason: str | None) -> None:
    """Inside an update handler: a refusal the caller receives with its reason."""
    if reason:
        raise ApplicationError(reason, type="Rejected", non_retryable=True)


def reject_update(reason: str | None) -> None:
    """Inside an update validator: reject before anything enters the history."""
    if reason:
        raise ValueError(reason)
