"""The SSRF guard against every IANA special-purpose range, bare and in every IPv6 wrapping (issue 17).

6to4 (2002::/16) addresses wrapping 127/8, 10/8 and 169.254/16 used to pass: a connection to one
reaches the IPv4 host through a relay. Each IPv4 range is tried at its first, a middle and its last
address, as itself and wrapped as IPv4-mapped, IPv4-compatible, IPv4-translated, 6to4, Teredo
(server and obfuscated client), NAT64 and local-use NAT64; each IPv6 range at its edges.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable

import pytest

from newsdesk.ingest.fetch_policy import IPV4_SPECIAL, IPV6_SPECIAL, blocked_reason

V4 = ipaddress.IPv4Address
V6 = ipaddress.IPv6Address

# The registries as published (https://www.iana.org/assignments/iana-ipv4-special-registry and
# iana-ipv6-special-registry), written out here independently of the guard's own tables.
IANA_V4 = [
    "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
    "192.0.0.0/24", "192.0.0.0/29", "192.0.0.8/32", "192.0.0.9/32", "192.0.0.10/32", "192.0.0.170/31",
    "192.0.2.0/24", "192.31.196.0/24", "192.52.193.0/24", "192.88.99.0/24", "192.168.0.0/16",
    "192.175.48.0/24", "198.18.0.0/15", "198.51.100.0/24", "203.0.113.0/24", "240.0.0.0/4",
    "255.255.255.255/32",
]  # fmt: skip
IANA_V6_NOT_WRAPPERS = [
    "::1/128", "::/128", "64:ff9b:1::/48", "100::/64", "100:0:0:1::/64", "2001::/23", "2001::/32",
    "2001:1::1/128", "2001:1::2/128", "2001:1::3/128", "2001:2::/48", "2001:3::/32", "2001:4:112::/48",
    "2001:10::/28", "2001:20::/28", "2001:30::/28", "2001:db8::/32", "2620:4f:8000::/48", "3fff::/20",
    "5f00::/16", "fc00::/7", "fe80::/10",
]  # fmt: skip


def _mapped(v4: V4) -> V6:
    return V6((0xFFFF << 32) | int(v4))


def _compatible(v4: V4) -> V6:
    return V6(int(v4))


def _translated(v4: V4) -> V6:
    return V6((0xFFFF << 48) | int(v4))


def _sixtofour(v4: V4) -> V6:
    return V6((0x2002 << 112) | (int(v4) << 80) | 1)


def _teredo_client(v4: V4) -> V6:
    server = int(V4("65.54.227.120"))  # a public Teredo server
    return V6((0x20010000 << 96) | (server << 64) | (0x8000 << 48) | (0x63BF << 32) | (int(v4) ^ 0xFFFFFFFF))


def _teredo_server(v4: V4) -> V6:
    return V6((0x20010000 << 96) | (int(v4) << 64) | (int(V4("8.8.8.8")) ^ 0xFFFFFFFF))


def _nat64(v4: V4) -> V6:
    return V6((0x64FF9B << 96) | int(v4))


def _nat64_local(v4: V4) -> V6:
    n = int(v4)
    return V6((0x0064FF9B0001 << 80) | ((n >> 16) << 64) | ((n & 0xFFFF) << 40))


WRAPPINGS: dict[str, Callable[[V4], ipaddress.IPv4Address | V6]] = {
    "bare": lambda v4: v4,
    "IPv4-mapped": _mapped,
    "IPv4-compatible": _compatible,
    "IPv4-translated": _translated,
    "6to4": _sixtofour,
    "Teredo client": _teredo_client,
    "Teredo server": _teredo_server,
    "NAT64": _nat64,
    "NAT64 local-use": _nat64_local,
}


def _samples(net: ipaddress.IPv4Network | ipaddress.IPv6Network) -> list[ipaddress.IPv4Address | V6]:
    return list(dict.fromkeys([net[0], net[net.num_addresses // 2], net[-1]]))


@pytest.mark.parametrize("wrapping", list(WRAPPINGS))
@pytest.mark.parametrize("network", IANA_V4)
def test_every_ipv4_special_range_is_refused_in_every_wrapping(network: str, wrapping: str) -> None:
    for v4 in _samples(ipaddress.IPv4Network(network)):
        address = WRAPPINGS[wrapping](V4(int(v4)))
        assert blocked_reason(address) is not None, f"{address} ({wrapping} of {v4}) passed"


@pytest.mark.parametrize("network", [*IANA_V6_NOT_WRAPPERS, "ff00::/8", "fec0::/10"])
def test_every_ipv6_special_range_is_refused(network: str) -> None:
    for address in _samples(ipaddress.IPv6Network(network)):
        assert blocked_reason(address) is not None, f"{address} passed"


def test_the_guard_tables_cover_the_registries() -> None:
    assert {str(n) for n in IPV4_SPECIAL} >= set(IANA_V4)
    assert {str(n) for n in IPV6_SPECIAL} >= set(IANA_V6_NOT_WRAPPERS)


@pytest.mark.parametrize("wrapping", ["bare", "IPv4-mapped", "6to4", "NAT64"])
def test_public_addresses_pass_bare_and_through_transparent_wrappings(wrapping: str) -> None:
    for public in ("8.8.8.8", "151.101.1.67", "93.184.215.14"):
        assert blocked_reason(WRAPPINGS[wrapping](V4(public))) is None
    assert blocked_reason(ipaddress.ip_address("2a04:4e42::81")) is None


def test_6to4_reports_what_it_wraps_and_allow_list_still_works() -> None:
    reason = blocked_reason(_sixtofour(V4("169.254.169.254")))
    assert reason is not None and "metadata" in reason and "6to4" in reason
    allow = (ipaddress.ip_network("127.0.0.0/8"),)
    assert blocked_reason(_sixtofour(V4("127.0.0.1")), allow) is None
