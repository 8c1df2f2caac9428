"""Valid, reproducible phone numbers for synthetic people, in the countries our cases touch."""

from __future__ import annotations

import random

import phonenumbers

COUNTRY_WEIGHTS: dict[str, int] = {
    "PK": 60, "ES": 6, "US": 6, "AE": 6, "GB": 5, "SA": 5, "DE": 3, "IT": 3, "CA": 2, "QA": 2,
    "BD": 2,
}


def mobile_number(rng: random.Random, region: str) -> str:
    """An E.164 mobile number valid for `region`: the country's example with random digits."""
    example = phonenumbers.example_number_for_type(region, phonenumbers.PhoneNumberType.MOBILE)
    if example is None:
        raise ValueError(f"no mobile numbering plan known for {region}")
    national = str(example.national_number)
    for _attempt in range(200):
        keep = max(3, len(national) - 6)
        digits = national[:keep] + "".join(rng.choice("0123456789")
                                           for _ in range(len(national) - keep))
        candidate = phonenumbers.PhoneNumber(country_code=example.country_code,
                                             national_number=int(digits))
        if phonenumbers.is_valid_number(candidate):
            return phonenumbers.format_number(candidate, phonenumbers.PhoneNumberFormat.E164)
    return phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.E164)


def pick_country(rng: random.Random) -> str:
    regions = list(COUNTRY_WEIGHTS)
    return rng.choices(regions, weights=[COUNTRY_WEIGHTS[r] for r in regions])[0]
