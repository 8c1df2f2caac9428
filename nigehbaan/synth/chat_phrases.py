"""What synthetic members say: everyday chit-chat and the planted request phrases, per language.

Everything here is invented and benign. The request phrases are the kind a reviewable,
data-driven pattern list catches ("send pics", "bhejo pics", "تصویر بھیجو", "manda fotos",
"let's meet"); the chit-chat deliberately avoids every word they use, so a test can assert that a
request phrase occurs only where one was planted.
"""

from __future__ import annotations

import random
import string
from collections.abc import Mapping, Sequence

Language = str  # "en" | "ur_roman" | "ur" | "es"

CHIT_CHAT: Mapping[Language, Sequence[str]] = {
    "en": (
        "good morning everyone", "how is everyone doing", "did anyone watch the match yesterday",
        "traffic is terrible today", "happy birthday bro", "thanks", "ok", "haha", "👍",
        "anyone know a good mechanic near the market", "it is raining here", "congrats!",
        "what time is the cricket final", "i am at work, talk later", "lol", "same here",
        "can someone share the bus timings", "eid mubarak to all", "so hot today 🥵",
        "my phone battery is dying", "who won?", "good night all",
    ),
    "ur_roman": (
        "assalam o alaikum sab ko", "kya haal hai sab ka", "jumma mubarak", "shukriya bhai",
        "theek hai", "match dekha kal?", "aaj bohat garmi hai", "khana kha liya?",
        "bhai kahan ho aaj kal", "hahaha", "acha", "inshallah", "mubarak ho!",
        "bijli phir chali gayi", "kal chutti hai?",
    ),
    "ur": (
        "السلام علیکم", "سب کیسے ہیں؟", "جمعہ مبارک", "شکریہ", "آج بہت گرمی ہے",
        "ٹھیک ہے", "مبارک ہو", "کل چھٹی ہے؟",
    ),
    "es": (
        "buenos días a todos", "qué tal el finde", "gracias!", "vale", "jajaja",
        "hoy hace mucho calor", "alguien vio el partido?", "feliz cumpleaños!", "de acuerdo",
        "llego tarde, hay mucho tráfico", "qué bien", "buenas noches", "enhorabuena!",
        "alguien sabe a qué hora abre la farmacia?",
    ),
}

REQUEST_MEDIA: Mapping[Language, Sequence[str]] = {
    "en": ("send pics", "send more pics", "send videos"),
    "ur_roman": ("bhejo pics", "pics bhejo", "video bhejo"),
    "ur": ("تصویر بھیجو", "ویڈیو بھیجو"),
    "es": ("manda fotos", "envía fotos", "manda videos"),
}
REQUEST_MEETING: Mapping[Language, Sequence[str]] = {
    "en": ("let's meet", "let's meet tomorrow"),
    "ur_roman": ("milte hain", "kal milte hain"),
    "ur": ("ملتے ہیں",),
    "es": ("quedamos mañana", "nos vemos mañana"),
}

WELCOME: Mapping[Language, str] = {
    "en": "welcome", "ur_roman": "khush amdeed", "ur": "خوش آمدید", "es": "bienvenido",
}
THANKS: Mapping[Language, str] = {
    "en": "thanks for adding me", "ur_roman": "shukriya add karne ka", "ur": "شکریہ",
    "es": "gracias por añadirme",
}
LINK_INTRO: Mapping[Language, str] = {
    "en": "join this one", "ur_roman": "is mein aa jao", "ur": "اس میں آ جاؤ", "es": "únete a este",
}
NUMBER_INTRO: Mapping[Language, str] = {
    "en": "new number", "ur_roman": "naya number", "ur": "نیا نمبر", "es": "número nuevo",
}
LOOKALIKE_TEXT = ("bring the charger", "practice at 5", "shop closed today", "bus is late")
LOOKALIKE_INTRO = ("copying what he wrote:", "see below", "from the other chat")

_LANGUAGES_BY_COUNTRY: Mapping[str, Sequence[Language]] = {
    "PK": ("ur_roman", "ur_roman", "en", "ur"),
    "ES": ("es",),
}


def language_for(country: str, rng: random.Random) -> Language:
    """Pakistani members mix Roman Urdu, English and Urdu script; Spaniards write Spanish."""
    return rng.choice(_LANGUAGES_BY_COUNTRY.get(country, ("en",)))


def chit_chat(rng: random.Random, language: Language) -> str:
    return rng.choice(CHIT_CHAT[language])


def request_phrase(rng: random.Random, language: Language, meeting: bool) -> str:
    table = REQUEST_MEETING if meeting else REQUEST_MEDIA
    return rng.choice(table[language])


def all_request_phrases() -> tuple[str, ...]:
    """Every planted request phrase: what the pattern list under test is expected to catch."""
    return tuple(
        phrase for table in (REQUEST_MEDIA, REQUEST_MEETING)
        for phrases in table.values() for phrase in phrases
    )


def group_link(rng: random.Random) -> str:
    """An invite link to another group, in one of the shapes people paste."""
    alphabet = string.ascii_letters + string.digits
    code = "".join(rng.choice(alphabet) for _ in range(22))
    shape = rng.randrange(3)
    if shape == 0:
        return f"https://chat.whatsapp.com/{code}"
    if shape == 1:
        return f"https://t.me/+{code[:16]}"
    return f"t.me/joinchat/{code[:16]}"
