"""A reproducible register of invented cases across years and channels.

Everything derives from `random.Random(seed)` and a fixed `as_of` date, so one seed always gives
the same bytes. Names are invented from neutral word lists; nothing describes abuse.
"""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from nigehbaan.cases.channels import Channel
from nigehbaan.cases.lifecycle import Status
from nigehbaan.synth.phones import mobile_number, pick_country

AS_OF = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
FIRST_NAMES = ["Ali", "Sara", "Bilal", "Ayesha", "Usman", "Hina", "Omar", "Zara", "Hamza", "Noor",
               "Lucia", "Mateo", "John", "Emily", "Khalid", "Fatima", "Ravi", "Anna", "Yusuf"]
LAST_NAMES = ["Khan", "Ahmed", "Malik", "Qureshi", "Siddiqui", "Garcia", "Lopez", "Smith",
              "Brown", "Al Nuaimi", "Hussain", "Butt", "Chaudhry", "Rossi", "Schmidt"]
REGIONS = ["Punjab", "Sindh", "Khyber Pakhtunkhwa", "Balochistan", "Islamabad", "Gilgit-Baltistan"]
AGENCIES = {"ES": "Embassy of Spain (Policía Nacional liaison)", "US": "US Embassy (HSI attaché)",
            "GB": "UK National Crime Agency", "AE": "UAE Ministry of Interior",
            "DE": "Bundeskriminalamt", "IT": "Polizia Postale", "CA": "RCMP NCECC"}
TITLES = {
    Channel.INTERNATIONAL_REFERRAL: "Referral: national reported as member of an abuse ring",
    Channel.PUBLIC_PORTAL: "Portal report: child added to unknown group",
    Channel.WALK_IN: "Walk-in complaint by family: images of child shared",
    Channel.PLATFORM_REPORT: "Platform report: upload flagged by service provider",
    Channel.PROACTIVE_MONITORING: "Monitoring: group distributing known material",
}
OFFENCES = {
    Channel.INTERNATIONAL_REFERRAL: ["PECA-2016-22", "PPC-292B"],
    Channel.PUBLIC_PORTAL: ["PECA-2016-21"],
    Channel.WALK_IN: ["PECA-2016-21", "PPC-292A"],
    Channel.PLATFORM_REPORT: ["PECA-2016-22"],
    Channel.PROACTIVE_MONITORING: ["PECA-2016-22", "PPC-292B", "PPC-292C"],
}
WORK_PATH = [Status.INQUIRY, Status.EVIDENCE_AUTHENTICATION, Status.SUSPECT_TRACING,
             Status.REGISTERED, Status.PROSECUTION, Status.CLOSED]
CASES_PER_YEAR = {2016: 1, 2017: 1, 2018: 15, 2019: 9, 2020: 12, 2021: 10, 2022: 11, 2023: 8,
                  2024: 9, 2025: 8, 2026: 10}


def _person(rng: random.Random, role: str, *, minor: bool = False,
            country: str = "") -> dict[str, Any]:
    region = country or pick_country(rng)
    return {
        "role": role, "full_name": f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
        "is_minor": minor,
        "identifiers": [{"kind": "phone", "value": mobile_number(rng, region)}],
    }


def _received_at(rng: random.Random, year: int) -> datetime:
    start = datetime(year, 1, 1, tzinfo=UTC)
    end = min(datetime(year + 1, 1, 1, tzinfo=UTC), AS_OF - timedelta(days=2))
    seconds = int((end - start).total_seconds())
    return start + timedelta(seconds=rng.randrange(max(seconds, 1)))


def _moves(rng: random.Random, case: dict[str, Any], received: datetime,
           year: int) -> list[dict[str, Any]]:
    recent = year >= 2026 and rng.random() < 0.5
    steps = 0 if recent else rng.randint(1, len(WORK_PATH))
    at = received + timedelta(hours=rng.randint(2, 20))
    moves: list[dict[str, Any]] = []
    for status in WORK_PATH[:steps]:
        if status == Status.INQUIRY and rng.random() < 0.1:
            moves.append({"to": "declined", "reason": "no offence disclosed after inquiry",
                          "at": at.isoformat()})
            return moves
        move = {"to": status.value, "reason": f"{status.value.replace('_', ' ')} begun",
                "at": at.isoformat()}
        if status == Status.REGISTERED:
            move["police_reference"] = f"FIR {rng.randint(10, 999)}/{at.year}"
            if case["channel"] == Channel.PROACTIVE_MONITORING:
                case["approval"] = {"reason": "approved after review of monitoring log",
                                    "at": at.isoformat()}
        moves.append(move)
        at += timedelta(days=rng.randint(3, 60))
        if at > AS_OF:
            break
    return moves


def _case(rng: random.Random, year: int) -> dict[str, Any]:
    channel = rng.choices(list(Channel), weights=[3, 3, 3, 2, 2])[0]
    received = _received_at(rng, year)
    victim = _person(rng, "victim", minor=rng.random() < 0.8, country="PK")
    case: dict[str, Any] = {
        "title": TITLES[channel], "channel": channel.value,
        "summary": "Synthetic case generated for demonstration and testing.",
        "offences": OFFENCES[channel], "priority": rng.choice(["normal", "normal", "high"]),
        "region": rng.choice(REGIONS), "received_at": received.isoformat(),
        "safeguarding": channel in (Channel.PUBLIC_PORTAL, Channel.WALK_IN) and rng.random() < .3,
        "persons": [victim, _person(rng, "suspect")],
    }
    if channel != Channel.PROACTIVE_MONITORING:
        case["persons"].insert(0, _person(rng, "complainant", country="PK"))
    if channel == Channel.INTERNATIONAL_REFERRAL:
        country = rng.choice(sorted(AGENCIES))
        case.update(referring_agency=AGENCIES[country], referring_country=country,
                    referring_reference=f"{country}-{year}-{rng.randint(1000, 9999)}")
    case["moves"] = _moves(rng, case, received, year)
    return case


def _share_identifiers(rng: random.Random, cases: list[dict[str, Any]]) -> None:
    """Plant the same suspect phone in pairs of cases, as repeat offenders leave them."""
    for _ in range(max(1, len(cases) // 10)):
        first, second = rng.sample(range(len(cases)), 2)
        suspect = next(p for p in cases[first]["persons"] if p["role"] == "suspect")
        shared = dict(suspect, identifiers=list(suspect["identifiers"]))
        cases[second]["persons"].append(shared)


def build(seed: int) -> dict[str, Any]:
    rng = random.Random(seed)
    cases = [_case(rng, year) for year, count in CASES_PER_YEAR.items() for _ in range(count)]
    cases.sort(key=lambda case: case["received_at"])
    _share_identifiers(rng, cases)
    return {"seed": seed, "as_of": AS_OF.isoformat(), "cases": cases}


def write(out: Path, seed: int) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    path = out / "scenario.json"
    path.write_text(json.dumps(build(seed), indent=1, ensure_ascii=False) + "\n", "utf-8")
    return path
