"""Card-network gateways (SPEC section 12): the interface in base.py, one module per wire, and a
registry by network name, in the way Paperless-ngx registers its document parsers.

    @register("mastercard")
    def mastercom_gateway() -> NetworkGateway: ...

    gateway_for("mastercard").submit(filing)

Which wire each network uses, and where it points (the simulator or a real sandbox), comes from
settings; the factories read them. Tests may `register` a replacement and restore it.
"""

from collections.abc import Callable

from cases.gateways.base import NetworkGateway

_factories: dict[str, Callable[[], NetworkGateway]] = {}


def register(network: str):
    def decorator(factory: Callable[[], NetworkGateway]):
        _factories[network] = factory
        return factory

    return decorator


def gateway_for(network: str) -> NetworkGateway:
    try:
        factory = _factories[network]
    except KeyError:
        raise LookupError(f"no gateway is registered for network {network!r}") from None
    return factory()


def registered_networks() -> list[str]:
    return sorted(_factories)


# The gateways register themselves on import (settings choose where each one points).
from cases.gateways import mastercom, vrol  # noqa: E402,F401
