"""IANA time zones: the ones this machine knows (zoneinfo's database), read once."""

import functools
import zoneinfo

# Files in the zone database that are not zones a person or a program sits in: the machine's own
# setting (whatever the server happens to use) and tzdata's placeholder for "unknown".
NOT_ZONES = frozenset({"localtime", "Factory", "posixrules"})


@functools.cache
def known_time_zones() -> frozenset[str]:
    """Every IANA zone name zoneinfo can load here (`available_timezones` walks the files: cached)."""
    return frozenset(zoneinfo.available_timezones()) - NOT_ZONES


def is_time_zone(value: object) -> bool:
    return isinstance(value, str) and value in known_time_zones()
