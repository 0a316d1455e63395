"""Outbound HTTP to an address someone else supplied (a browser's web push endpoint): only to
public hosts, checked on the name's resolved addresses and again on the socket actually opened.

String checks on a host name miss `127.1`, `2130706433` and `0x7f.0.0.1` (all 127.0.0.1 to the
system's resolver) and any DNS name pointing inwards; so the resolver's answers are judged with
`ipaddress`, and the connection itself refuses a peer that is not public, which also covers a
name whose DNS answer changes between the check and the connection (DNS rebinding).
"""

from __future__ import annotations

import ipaddress
import socket
import urllib.parse
from collections.abc import Iterable
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

MAX_URL_LENGTH = 1000


class UnsafeAddress(ValueError):
    """The URL is malformed, not https, not an allowed service, or reaches a non-public host."""


class Unresolvable(OSError):
    """The host name has no address now (DNS down or the name gone): may work later."""


def is_public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """Reachable on the public internet: not loopback, private, link-local, multicast,
    reserved, unspecified, shared (CGNAT) or documentation space, and not IPv4-mapped IPv6."""
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None or address.sixtofour is not None:
            return False
        if address.teredo is not None:
            return False
    return address.is_global and not (
        address.is_multicast
        or address.is_reserved
        or address.is_loopback
        or address.is_link_local
        or address.is_private
        or address.is_unspecified
    )


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address:
    return ipaddress.ip_address(text.split("%", 1)[0])  # drop an IPv6 scope id


def resolve(host: str, port: int) -> list[str]:
    """Every address the system's resolver gives for `host` (tests patch this)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise Unresolvable(f"cannot resolve the host ({type(exc).__name__})") from None
    return [str(info[4][0]) for info in infos]


def _host_allowed(host: str, allowed_hosts: Iterable[str]) -> bool:
    suffixes = [h.lower().strip(".") for h in allowed_hosts if h.strip(".")]
    return not suffixes or any(host == s or host.endswith("." + s) for s in suffixes)


def check_url(
    url: str, *, allow_private: bool = False, allowed_hosts: Iterable[str] = ()
) -> list[str]:
    """The URL's resolved addresses, once every one is public; `UnsafeAddress` otherwise.

    `allowed_hosts` (host names or parent domains) limits the services when not empty.
    `allow_private` lets plain http and non-public addresses through: for a test against a fake
    service on loopback only (settings refuse it in production).
    """
    if len(url) > MAX_URL_LENGTH:
        raise UnsafeAddress("the address is too long")
    try:
        parts = urllib.parse.urlsplit(url)
        port = parts.port
    except ValueError:
        raise UnsafeAddress("the address is malformed") from None
    schemes = ("https", "http") if allow_private else ("https",)
    host = (parts.hostname or "").lower()
    if parts.scheme not in schemes or not host or parts.username or parts.password:
        raise UnsafeAddress("the address must be https:// with a host name and no password")
    if not _host_allowed(host, allowed_hosts):
        raise UnsafeAddress("the host is not one of the allowed push services")
    addresses = resolve(host, port or (443 if parts.scheme == "https" else 80))
    if not addresses:
        raise Unresolvable("the host has no address")
    if not allow_private:
        for text in addresses:
            if not is_public(_address(text)):
                raise UnsafeAddress("the host resolves to a non-public address")
    return addresses


def _check_peer(sock: socket.socket) -> None:
    peer = sock.getpeername()[0]
    if not is_public(_address(str(peer))):
        sock.close()
        raise UnsafeAddress("the connection reached a non-public address")


class _PublicHTTPSConnection(HTTPSConnection):
    def _new_conn(self) -> socket.socket:
        sock = super()._new_conn()
        _check_peer(sock)
        return sock


class _PublicHTTPConnection(HTTPConnection):
    def _new_conn(self) -> socket.socket:
        sock = super()._new_conn()
        _check_peer(sock)
        return sock


class _PublicHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _PublicHTTPSConnection


class _PublicHTTPPool(HTTPConnectionPool):
    ConnectionCls = _PublicHTTPConnection


class _PublicOnlyAdapter(HTTPAdapter):
    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {
            "http": _PublicHTTPPool,
            "https": _PublicHTTPSPool,
        }


def public_session(*, allow_private: bool = False) -> requests.Session:
    """A requests session whose connections refuse any peer that is not public.

    It ignores proxy environment variables: through a proxy, the peer checked would be the proxy.
    """
    session = requests.Session()
    session.trust_env = False
    if not allow_private:
        adapter = _PublicOnlyAdapter()
        session.mount("https://", adapter)
        session.mount("http://", adapter)
    return session
