"""The journey's steps cooked into HTML when the workflow publishes its view, so the page most members see
most often is not rendered on every view (a first view after a change included).

The steps are a function of the view alone, so the worker renders them once per published view with
`templates/journey/_steps.html`, leaving FORM_SLOT where the next step's form goes. The web fills that slot
with the form, which carries the member's CSRF token and profile. The copy also carries the next step (its
id, title and kind: all the form needs of the view), so a page served from it does not parse the view at
all. In-process the page then costs about a tenth less CPU than rendered whole (253 against 289 us), and
skipping the view's parse saves another 30 us (bench/README.md).

Stored as: the stamp, the next step as one line of JSON (`null` when there is none), then the HTML.

A cooked copy is stamped with a digest of the template and the date format it was made with; a web process
whose own differ (a deploy that changed the markup, before each journey republishes) renders the steps
itself, so no page ever shows markup from another release. `perennial migrate`, run on each deploy, cooks
every view again whose copy another release made (or that predates migration 0019), so no page has to wait
for its journey to republish (api/admin.py, recook_journey_steps).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import TypeGuard

from jinja2 import Environment
from markupsafe import Markup

from api.html import WHEN
from domain.journey import JourneyView
from domain.policy import StepKind

TEMPLATE = "journey/_steps.html"
FORM_SLOT = Markup("<!--next-step-form-->")
FORMAT = "2"  # of the stored copy; part of the stamp, so a copy in another format is cooked again


@dataclass(frozen=True, slots=True)
class FormStep:
    """What the next step's form needs of the view's next step."""

    id: str
    title: str
    kind: StepKind


@dataclass(frozen=True, slots=True)
class CookedSteps:
    head: Markup  # up to where the next step's form goes
    tail: Markup
    next_step: FormStep | None


def form_step(view: JourneyView | None) -> FormStep | None:
    if view is None:
        return None
    step = next((s for s in view.steps if s.id == view.next_step_id), None)
    return FormStep(step.id, step.title, step.kind) if step is not None else None


class JourneySteps:
    def __init__(self, env: Environment) -> None:
        self._template = env.get_template(TEMPLATE)
        source, _, _ = env.loader.get_source(env, TEMPLATE)  # type: ignore[union-attr]
        digest = hashlib.sha256(f"{source}\0{WHEN}\0{FORMAT}".encode()).hexdigest()[:16]
        self._stamp = f"<!--journey-steps {digest}-->"

    def cook(self, view: JourneyView) -> str:
        step = form_step(view)
        header = json.dumps([step.id, step.title, step.kind.value] if step is not None else None)
        return f"{self._stamp}{header}\n{self._template.render(journey=view, form_slot=FORM_SLOT)}"

    def made(self, cooked: str | None) -> TypeGuard[str]:
        """Whether this release cooked it: the same template, date format and storage format."""
        return cooked is not None and cooked.startswith(self._stamp)

    def serve(self, cooked: str | None) -> CookedSteps | None:
        """The cooked steps ready for the page, or None when there are none this release can use."""
        if not self.made(cooked):
            return None
        header, _, html = cooked[len(self._stamp) :].partition("\n")  # JSON keeps newlines escaped
        step = json.loads(header)
        head, _, tail = html.partition(FORM_SLOT)
        return CookedSteps(
            Markup(head),  # noqa: S704  (escaped when cooked, by the same templates)
            Markup(tail),  # noqa: S704
            FormStep(step[0], step[1], StepKind(step[2])) if step is not None else None,
        )
