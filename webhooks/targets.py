"""Where a webhook may be sent: an https address (http only where a setting allows it) whose host is a
public internet address.

The portal sits inside the secretariat's network; an endpoint pointing at ``127.0.0.1``, a private
range or a cloud metadata address would make it reach what no partner should. The host is resolved and
every address it resolves to is judged on save, and again right before each delivery; the delivery then
connects to the address that was judged, so a name that resolves elsewhere a second later (DNS
rebinding) cannot slip past.

An IPv6 address that carries an IPv4 one (IPv4-mapped, 6to4, Teredo, the NAT64 prefix) is judged by the
address it carries as well, since a relay on the way would deliver to that one. Only the usual web ports
are accepted (443 and 8443, and 80 where plain http is allowed): a partner's receiver is a web server,
and any other port would let an endpoint probe mail, database or admin services on a public host. Where
private targets are allowed (a developer's machine, the tests; never in production) any port is, so a
local receiver on a random port can be reached.
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


HTTPS_PORTS = (443, 8443)
HTTP_PORT = 80
# Ranges the standard library may still call global, yet no partner's server lives in: the IETF
# protocol assignments (192.0.0.0/24, which holds relay anycast addresses such as 192.0.0.9).
ALSO_FORBIDDEN = (ipaddress.ip_network("192.0.0.0/24"),)
NAT64 = ipaddress.ip_network("64:ff9b::/96")  # the well-known NAT64 prefix: its last 32 bits are IPv4


def allowed_ports() -> set[int]:
    return {*HTTPS_PORTS, *((HTTP_PORT,) if http_allowed() else ())}


def _carried(address: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    """The IPv4 addresses an IPv6 address carries: a relay or translator on the way delivers to them."""
    carried = []
    if address.ipv4_mapped is not None:
        carried.append(address.ipv4_mapped)
    if address.sixtofour is not None:
        carried.append(address.sixtofour)
    if address.teredo is not None:
        carried.extend(address.teredo)  # (server, client): the client is where it arrives
    if address in NAT64:
        carried.append(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
    return carried


def forbidden(address: IPAddress) -> bool:
    """Loopback, private, link-local, reserved, multicast or unspecified, or an IPv6 address wrapping
    one of those: nothing a partner runs."""
    if isinstance(address, ipaddress.IPv6Address):
        wrapped = _carried(address)
        if any(forbidden(inner) for inner in wrapped):
            return True
        if address.ipv4_mapped is not None:
            return False  # judged by the address it maps, above
    if any(address in network for network in ALSO_FORBIDDEN if network.version == address.version):
        return True
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
    port = port or (443 if scheme == "https" else 80)
    if not private_allowed() and port not in allowed_ports():
        raise UnsafeTarget(
            _("Port %(port)s is not accepted: use 443 or 8443, or leave the port out.") % {"port": port}
        )
    return scheme, host, port, path


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


def _literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def check(url: str) -> Target:
    """The address judged now, with the one network address to connect to; UnsafeTarget if refused.

    Every address the name resolves to must be public: a name with one public and one private address
    could be steered to the private one. The refusal names the address only when the URL itself gave
    it: what a host name resolves to inside the portal's network is not for a partner to learn (the
    message is kept on the attempt, which the API shows)."""
    scheme, host, port, path = split(url)
    addresses = resolve(host, port)
    if not private_allowed():
        for address in addresses:
            if not forbidden(address):
                continue
            if _literal(host):
                raise UnsafeTarget(
                    _(
                        "The address points at a private, local or reserved network address "
                        "(%(address)s); only addresses on the public internet are accepted."
                    )
                    % {"address": address}
                )
            raise UnsafeTarget(
                _(
                    "The address's host name resolves to a private, local or reserved network address; "
                    "only addresses on the public internet are accepted."
                )
            )
    return Target(scheme=scheme, host=host, port=port, path=path, address=str(addresses[0]))
