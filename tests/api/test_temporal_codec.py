"""What Perennial writes into Temporal's histories is encrypted: payloads, and also failures' messages and
stack traces, which can quote what failed (an SMTP refusal its recipient, a database error its values)."""

from __future__ import annotations

from temporalio.api.common.v1 import Payloads
from temporalio.api.failure.v1 import Failure
from temporalio.exceptions import ApplicationError

from api.settings import Settings
from api.temporal import data_converter

EMAIL = "linus@example.org"


async def test_a_failure_message_and_trace_are_encrypted_in_the_history(settings: Settings) -> None:
    converter = data_converter(settings)
    try:
        raise ApplicationError(f"The mail server refused {EMAIL}", type="SMTPRecipientsRefused")
    except ApplicationError as raised:
        error = raised
    failure = Failure()
    await converter.encode_failure(error, failure)

    assert EMAIL.encode() not in failure.SerializeToString()
    assert failure.message == "Encoded failure" and failure.stack_trace == ""
    decoded = await converter.decode_failure(failure)
    assert isinstance(decoded, ApplicationError) and decoded.type == "SMTPRecipientsRefused"
    assert decoded.message == f"The mail server refused {EMAIL}"


async def test_payloads_are_encrypted(settings: Settings) -> None:
    converter = data_converter(settings)
    payloads = Payloads(payloads=await converter.encode([{"email": EMAIL}]))
    assert EMAIL.encode() not in payloads.SerializeToString()
    assert await converter.decode(payloads.payloads) == [{"email": EMAIL}]
