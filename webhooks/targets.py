"""Where a webhook may be sent: an https address (http only where a setting allows it) whose host is a
public internet address.

The portal sits inside the secretariat's network; an endpoint pointing at ``127.0.0.1``, a private
range or a cloud metadata address would make it reach what no partner should. The host is resolved and
every address it resolves to is judged on save, and again right before each delivery; the delivery then
connects to the address that was judged, so a name that resolves elsewhere a second later (DNS
rebinding) cannot slip past.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class UnsafeTarget(ValueError):  # noqa: N818 - a refusal, worded for the person, not a programming error
    """The address may not be used; the message says why, in the active language."""


@dataclass(frozen=True)
class Target:
    """An address judged safe: connect to ``address`` and present ``host`` (Host header, TLS name)."""

    scheme: str
    host: str
    port: int
    path: str
    address: str

    @property
    def host_header(self) -> str:
        default = 443 if self.scheme == "https" else 80
        host = f"[{self.host}]" if ":" in self.host else self.host
        return host if self.port == default else f"{host}:{self.port}"


def http_allowed() -> bool:
    return bool(settings.WEBHOOKS_ALLOW_HTTP)


def private_allowed() -> bool:
    return bool(settings.WEBHOOKS_ALLOW_PRIVATE_TARGETS)


def forbidden(address: IPAddress) -> bool:
    """Loopback, private, link-local, reserved, multicast or unspecified: nothing a partner runs."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return forbidden(address.ipv4_mapped)
    return (
        address.is_loopback
        or address.is_private
        or address.is_link_local
        or address.is_reserved
        or address.is_multicast
        or address.is_unspecified
        or not address.is_global
    )


def split(url: str) -> tuple[str, str, int, str]:
    """(scheme, host, port, path with query) of an address, or UnsafeTarget saying what is wrong."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        raise UnsafeTarget(_("Enter a valid address.")) from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise UnsafeTarget(_("The address must begin with https://."))
    if scheme == "http" and not http_allowed():
        raise UnsafeTarget(_("The address must use https: plain http is not accepted."))
    if parts.username or parts.password:
        raise UnsafeTarget(_("The address may not carry a user name or password."))
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise UnsafeTarget(_("Enter a valid address."))
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    return scheme, host, port or (443 if scheme == "https" else 80), path


def resolve(host: str, port: int) -> list[IPAddress]:
    """Every address the host resolves to (an address literal resolves to itself)."""
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        raise UnsafeTarget(_("The address's host name could not be found.")) from None
    found = []
    for _family, _type, _proto, _name, sockaddr in infos:
        address = ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])
        if address not in found:
            found.append(address)
    if not found:
        raise UnsafeTarget(_("The address's host name could not be found."))
    return found


def check(url: str) -> Target:
    """The address judged now, with the one network address to connect to; UnsafeTarget if refused.

    Every address the name resolves to must be public: a name with one public and one private address
    could be steered to the private one."""
    scheme, host, port, path = split(url)
    addresses = resolve(host, port)
    if not private_allowed():
        for address in addresses:
            if forbidden(address):
                raise UnsafeTarget(
                    _(
                        "The address points at a private, local or reserved network address "
                        "(%(address)s); only addresses on the public internet are accepted."
                    )
                    % {"address": address}
                )
    return Target(scheme=scheme, host=host, port=port, path=path, address=str(addresses[0]))
