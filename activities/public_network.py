"""An HTTP client for webhook deliveries that reaches public addresses only, checked on the addresses each
connection is made to.

Checking a name's addresses first and then letting the client connect by name resolves the name twice. A
receiver's DNS can answer a public address to the check and a private one (127.0.0.1, the cloud metadata
service at 169.254.169.254) to the connection: DNS rebinding. Here the name is resolved once per
connection, every address it gave is checked, and the socket connects to those same addresses. TLS still
verifies the certificate against the name, since httpcore passes the origin's host as the server name.
"""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterable
from typing import Any

import httpcore
import httpx

from domain.webhooks import private_address

# getaddrinfo's shape: (host, port, family, type) -> [(family, type, proto, canonname, sockaddr), ...]
Resolve = Callable[..., list[tuple[Any, ...]]]
# The first address that may not be reached, or None when all may (domain.webhooks.private_address).
FirstRefused = Callable[[Iterable[str]], "str | None"]


class AddressRefused(httpcore.ConnectError):
    """The receiver's name resolves to an address a delivery must not reach; httpx raises it as ConnectError
    with this message, caused by this exception."""


class CheckedAddresses(httpcore.SyncBackend):
    """httpcore's own network backend, but connecting only to addresses it resolved and checked itself."""

    def __init__(self, first_refused: FirstRefused, resolve: Resolve = socket.getaddrinfo) -> None:
        self._first_refused = first_refused
        self._resolve = resolve

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        try:
            found = self._resolve(host, port, type=socket.SOCK_STREAM)
        except OSError as exc:
            raise httpcore.ConnectError(f"could not resolve {host}") from exc
        addresses = list(dict.fromkeys(str(sockaddr[0]) for *_, sockaddr in found))
        refused = self._first_refused(addresses)
        if refused is not None:
            raise AddressRefused(f"refused: {host} resolves to a private address ({refused})")
        failure: httpcore.ConnectError | None = None
        for address in addresses:  # in the resolver's order, as socket.create_connection tries them
            try:
                return super().connect_tcp(address, port, timeout, local_address, socket_options)
            except httpcore.ConnectError as exc:
                failure = exc
        raise failure or httpcore.ConnectError(f"{host} has no addresses")


def webhook_client(may_reach_private_addresses: bool) -> httpx.Client:
    """The deliveries' client: public addresses only, unless the operator allowed private ones (development,
    or receivers inside the operator's own network)."""
    if may_reach_private_addresses:
        return httpx.Client(follow_redirects=False)
    return client_reaching(CheckedAddresses(private_address))


def client_reaching(backend: CheckedAddresses) -> httpx.Client:
    """An httpx client whose connections go through `backend`; redirects are not followed, since a receiver
    must not bounce a delivery to another address."""
    transport = httpx.HTTPTransport()
    # httpx takes no network backend yet (encode/httpx#3749), so its pool is rebuilt with httpx's defaults
    # and ours; httpcore documents network backends as public API for custom DNS handling.
    transport._pool = httpcore.ConnectionPool(
        ssl_context=httpx.create_ssl_context(),
        max_connections=100,
        max_keepalive_connections=20,
        keepalive_expiry=5.0,
        network_backend=backend,
    )
    return httpx.Client(transport=transport, follow_redirects=False)
