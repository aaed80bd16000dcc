"""One way to connect to Temporal, for the web app, the worker and the command line."""

from __future__ import annotations

import asyncio
import logging

from temporalio.client import Client, TLSConfig
from temporalio.contrib.opentelemetry import TracingInterceptor
from temporalio.contrib.pydantic import PydanticJSONPlainPayloadConverter
from temporalio.converter import (
    CompositePayloadConverter,
    DataConverter,
    DefaultFailureConverterWithEncodedAttributes,
    DefaultPayloadConverter,
    JSONPlainPayloadConverter,
)
from temporalio.service import RPCError

from api.codec import EncryptionCodec
from api.settings import Settings
from api.telemetry import temporal_runtime

log = logging.getLogger(__name__)


_JSON = PydanticJSONPlainPayloadConverter()


class SharedPydanticPayloadConverter(CompositePayloadConverter):
    """Pydantic conversion built once per process, not once per workflow activation.

    The SDK constructs a payload converter for every activation and the sandbox for every new
    workflow; sharing one JSON converter keeps its TypeAdapter cache warm (the library's own
    per-instance cache was always empty: 8% of worker CPU went to rebuilding the input schema).
    """

    def __init__(self) -> None:
        super().__init__(
            *(
                _JSON if isinstance(c, JSONPlainPayloadConverter) else c
                for c in DefaultPayloadConverter.default_encoding_payload_converters
            )
        )


def data_converter(settings: Settings) -> DataConverter:
    return DataConverter(
        payload_converter_class=SharedPydanticPayloadConverter,
        payload_codec=EncryptionCodec.from_base64(settings.payload_key),
        # A failure's message and stack trace go into the history too, and can quote what failed (a
        # database error its parameters, an SMTP refusal its recipient): encrypted like the payloads.
        failure_converter_class=DefaultFailureConverterWithEncodedAttributes,
    )


def _tls(settings: Settings) -> TLSConfig | bool:
    if settings.temporal_tls_cert or settings.temporal_tls_ca:
        return TLSConfig(
            server_root_ca_cert=settings.temporal_tls_ca.read_bytes() if settings.temporal_tls_ca else None,
            client_cert=settings.temporal_tls_cert.read_bytes() if settings.temporal_tls_cert else None,
            client_private_key=settings.temporal_tls_key.read_bytes() if settings.temporal_tls_key else None,
        )
    return settings.temporal_tls or settings.temporal_api_key is not None


async def connect(settings: Settings, *, wait_seconds: float = 60.0) -> Client:
    """Connect, retrying while the server starts (make run launches everything at once)."""
    deadline = asyncio.get_running_loop().time() + wait_seconds
    delay = 0.2
    while True:
        try:
            return await Client.connect(
                settings.temporal_address,
                namespace=settings.temporal_namespace,
                api_key=settings.temporal_api_key,
                tls=_tls(settings),
                data_converter=data_converter(settings),
                # Traces follow each call into workflows and activities; the worker inherits it.
                interceptors=[TracingInterceptor()],
                runtime=temporal_runtime(settings),
            )
        except (RPCError, RuntimeError) as exc:
            if asyncio.get_running_loop().time() > deadline:
                raise RuntimeError(
                    f"cannot reach Temporal at {settings.temporal_address} "
                    f"(namespace {settings.temporal_namespace}): {exc}. Is the server running?"
                ) from exc
            log.info("waiting for Temporal at %s", settings.temporal_address)
            await asyncio.sleep(delay)
            delay = min(delay * 2, 2.0)
