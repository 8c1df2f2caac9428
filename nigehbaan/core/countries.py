"""ISO 3166 alpha-2 country codes and their names, from Babel's CLDR data."""

from __future__ import annotations

from functools import cache

from babel import Locale

from nigehbaan.core.errors import Invalid


@cache
def _territories() -> dict[str, str]:
    return {code: name for code, name in Locale("en").territories.items()
            if len(code) == 2 and code.isalpha()}


def country_name(code: str) -> str:
    return _territories().get(code.upper(), code)


def check_country(code: str, field: str = "country") -> str:
    code = code.strip().upper()
    if code and code not in _territories():
        raise Invalid(f"{field}: '{code}' is not an ISO 3166 two-letter country code")
    return code
