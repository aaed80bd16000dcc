"""Mentorship: one durable process per pairing. Introduce both → the mentor accepts within days (or the
mentee is matched again) → check-ins on a fortnightly timer, organizers alerted after missed ones,
milestones celebrated → feedback from both at the end → graduated. Pause, resume, end and reassign are
updates with validators."""

from __future__ import annotations

from datetime import datetime, timedelta

from temporalio import workflow
from temporalio.exceptions import ApplicationError
from temporalio.workflow import ParentClosePolicy

with workflow.unsafe.imports_passed_through():
    from activities import mentorship_contracts as acts
    from activities.mentorship_contracts import (
        CheckInAnswered,
        CheckInRound,
        FeedbackGiven,
        MentorshipNotice,
        MilestoneQuery,
        PairingEvent,
    )
    from domain import mentorship as rules
    from domain.mentorship import (
        Acceptance,
        Change,
        CheckInAnswer,
        Feedback,
        MentorshipInput,
        Progress,
        Stage,
    )

from workflows.waiting import refuse_update, reject_update, until

WRITE = timedelta(seconds=30)
# Check-in answers and feedback were once kept only in this workflow's history; runs from before then
# replay without the activities that now record them.
WORDS_RECORDED = "check-in-answers-and-feedback-recorded"


@workflow.defn
class Mentorship:
    @workflow.init
    def __init__(self, inp: MentorshipInput) -> None:
        self._inp = inp
        self._progress = Progress()
        self._opened = 0  # the last round whose check-in rows are written

    @workflow.run
    async def run(self, inp: MentorshipInput) -> str:
        await self._notify("introduction")
        accept_by = workflow.now() + timedelta(days=inp.policy.accept_days)
        decided = await until(
            accept_by,
            lambda: self._progress.stage is not Stage.INTRODUCED or self._progress.ending is not None,
        )
        if not decided:
            await self._record("not-accepted", "The mentor did not accept in time.")
            await self._notify("not_accepted")
            await self._start_next(self._event("rematched", "matched again"))
            return "not-accepted"
        if self._progress.ending is not None:
            return await self._end()
        await self._record("active", "The mentor accepted.")
        finish = workflow.now() + timedelta(weeks=inp.policy.length_weeks)
        while workflow.now() < finish:
            if self._progress.ending is not None:
                return await self._end()
            if self._progress.stage is Stage.PAUSED:
                await workflow.wait_condition(lambda: self._progress.stage is not Stage.PAUSED)
                continue
            await self._check_in_round(
                min(finish, workflow.now() + timedelta(days=inp.policy.check_in_every_days))
            )
        return await self._graduate()

    @workflow.update
    async def accept(self, acceptance: Acceptance) -> str:
        refuse_update(rules.acceptance_refusal(self._progress, acceptance, self._inp.mentor_id))
        self._progress.stage = Stage.ACTIVE
        return "accepted"

    @accept.validator
    def _validate_accept(self, acceptance: Acceptance) -> None:
        reject_update(rules.acceptance_refusal(self._progress, acceptance, self._inp.mentor_id))

    @workflow.update
    async def check_in(self, answer: CheckInAnswer) -> int:
        refuse_update(rules.check_in_refusal(self._progress, answer))
        self._progress.answered.add(answer.side.value)
        round_ = self._progress.round
        if workflow.patched(WORDS_RECORDED):
            await workflow.wait_condition(lambda: self._opened >= round_)
            said = CheckInAnswered(
                mentorship_id=self._inp.mentorship_id,
                round=round_,
                side=answer.side.value,
                went_well=answer.went_well,
                blocked_on=answer.blocked_on,
                at=workflow.now(),
            )
            await workflow.execute_activity(acts.record_check_in_answer, said, start_to_close_timeout=WRITE)
        return round_

    @check_in.validator
    def _validate_check_in(self, answer: CheckInAnswer) -> None:
        reject_update(rules.check_in_refusal(self._progress, answer))

    @workflow.update
    async def pause(self, change: Change) -> str:
        refuse_update(rules.change_refusal(self._progress, change, "pause"))
        self._progress.stage, self._progress.pause = Stage.PAUSED, change
        await self._record("paused", change.reason)
        return "paused"

    @pause.validator
    def _validate_pause(self, change: Change) -> None:
        reject_update(rules.change_refusal(self._progress, change, "pause"))

    @workflow.update
    async def resume(self, change: Change) -> str:
        refuse_update(rules.change_refusal(self._progress, change, "resume"))
        self._progress.stage, self._progress.pause = Stage.ACTIVE, None
        await self._record("active", f"Resumed: {change.reason}")
        return "active"

    @resume.validator
    def _validate_resume(self, change: Change) -> None:
        reject_update(rules.change_refusal(self._progress, change, "resume"))

    @workflow.update
    async def end(self, change: Change) -> str:
        kind = "reassign" if change.new_mentor_id is not None else "end"
        refuse_update(rules.change_refusal(self._progress, change, kind))
        self._progress.ending = change
        await workflow.wait_condition(lambda: self._progress.stage is Stage.ENDED)
        return "reassigned" if change.new_mentor_id is not None else "ended"

    @end.validator
    def _validate_end(self, change: Change) -> None:
        kind = "reassign" if change.new_mentor_id is not None else "end"
        reject_update(rules.change_refusal(self._progress, change, kind))

    @workflow.update
    async def feedback(self, feedback: Feedback) -> str:
        refuse_update(rules.feedback_refusal(self._progress, feedback))
        self._progress.feedback[feedback.side.value] = feedback.text
        if workflow.patched(WORDS_RECORDED):
            given = FeedbackGiven(self._inp.mentorship_id, feedback.side.value, feedback.text)
            await workflow.execute_activity(acts.record_feedback, given, start_to_close_timeout=WRITE)
        return "thank you"

    @feedback.validator
    def _validate_feedback(self, feedback: Feedback) -> None:
        reject_update(rules.feedback_refusal(self._progress, feedback))

    @workflow.query
    def progress(self) -> Progress:
        return self._progress

    async def _check_in_round(self, due: datetime) -> None:
        progress = self._progress
        progress.round, progress.answered = progress.round + 1, set()
        now, key = workflow.now(), f"{self._key}/round/{progress.round}"
        opening = CheckInRound(self._inp.mentorship_id, progress.round, due, now, key)
        await workflow.execute_activity(acts.open_check_in, opening, start_to_close_timeout=WRITE)
        self._opened = progress.round
        await self._notify("check_in", suffix=str(progress.round))
        await until(due, lambda: progress.ending is not None or progress.stage is Stage.PAUSED)
        closing = CheckInRound(
            self._inp.mentorship_id,
            progress.round,
            due,
            workflow.now(),
            f"{key}/close",
            sorted(progress.answered),
        )
        progress.missed_in_a_row = await workflow.execute_activity(
            acts.close_check_in, closing, start_to_close_timeout=WRITE
        )
        if progress.missed_in_a_row >= self._inp.policy.missed_before_alert:
            await self._notify("missed_alert", suffix=str(progress.round))
        milestones = await workflow.execute_activity(
            acts.new_milestones,
            MilestoneQuery(self._inp.mentorship_id, workflow.now()),
            start_to_close_timeout=WRITE,
        )
        for milestone in milestones:
            await self._notify("milestone", suffix=milestone, detail=milestone)

    async def _graduate(self) -> str:
        self._progress.stage = Stage.FEEDBACK
        await self._notify("feedback")
        await until(
            workflow.now() + timedelta(days=self._inp.policy.feedback_days),
            lambda: len(self._progress.feedback) == 2,
        )
        given = ", ".join(sorted(self._progress.feedback)) or "nobody"
        await self._record("graduated", f"Graduated; feedback from {given}.")
        await self._notify("graduated")
        self._progress.stage = Stage.ENDED
        await workflow.wait_condition(workflow.all_handlers_finished)  # the last feedback is recorded
        return "graduated"

    async def _end(self) -> str:
        change = self._progress.ending
        if change is None:
            raise ApplicationError("no ending was asked for", non_retryable=True)
        if change.new_mentor_id is not None:
            await self._record("reassigned", f"Reassigned: {change.reason}")
            await self._start_next(self._event("reassigned", change.reason, mentor=change.new_mentor_id))
            result = "reassigned"
        else:
            await self._record("ended", f"Ended early: {change.reason}")
            result = "ended"
        await self._notify("ended", detail=change.reason)
        self._progress.stage = Stage.ENDED
        await workflow.wait_condition(workflow.all_handlers_finished)  # the caller of `end` has its answer
        return result

    async def _start_next(self, event: PairingEvent) -> None:
        """The mentee's next pairing runs as its own Mentorship, outliving this one."""
        rematched = await workflow.execute_activity(acts.rematch_mentee, event, start_to_close_timeout=WRITE)
        if rematched is None:
            await self._notify("no_mentor_left")
            return
        prefix = self._key.removesuffix(f"mentorship-{self._inp.mentorship_id}")
        await workflow.start_child_workflow(
            Mentorship.run,
            MentorshipInput(
                rematched.mentorship_id, rematched.mentor_id, self._inp.mentee_id, self._inp.policy
            ),
            id=f"{prefix}mentorship-{rematched.mentorship_id}",
            parent_close_policy=ParentClosePolicy.ABANDON,
        )

    @property
    def _key(self) -> str:
        return f"{workflow.info().workflow_id}"

    def _event(self, status: str, reason: str, mentor: int | None = None) -> PairingEvent:
        key = f"{self._key}/{status}/{workflow.uuid4()}"  # a status may recur (active after a pause)
        return PairingEvent(
            self._inp.mentorship_id, status, workflow.now(), key, reason, new_mentor_id=mentor
        )

    async def _record(self, status: str, reason: str) -> None:
        await workflow.execute_activity(
            acts.record_pairing, self._event(status, reason), start_to_close_timeout=WRITE
        )

    async def _notify(self, kind: str, *, suffix: str = "", detail: str = "") -> None:
        key = f"{self._key}/notice/{kind}/{suffix}"
        await workflow.execute_activity(
            acts.send_mentorship_notice,
            MentorshipNotice(self._inp.mentorship_id, kind, workflow.now(), key, detail),
            start_to_close_timeout=timedelta(minutes=1),
        )
