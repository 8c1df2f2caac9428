"""The portal's languages: gettext catalogues read from the `.po` files at start-up.

Why `.po` at run time and not compiled `.mo`? A clean `pip install -e .` (or a wheel) then works
without a compile step that someone forgets; Babel reads the catalogue and writes the `.mo` into
memory once per process, which takes milliseconds. A unit adds a language by adding
`locale/<code>/LC_MESSAGES/portal.po`: the list of languages, their own names and their writing
direction come from the folder and from Babel's locale data, not from code.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from babel import Locale
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "portal"
ORDER = ("ur", "en")
"""Urdu first: the portal's first screen lists languages in this order, then the others."""


@dataclass(frozen=True)
class Language:
    code: str
    name: str
    direction: str
    translations: Translations


def _load(code: str, path: Path) -> Language:
    with path.open("rb") as source:
        catalogue = read_po(source, locale=code, domain=DOMAIN)
    buffer = io.BytesIO()
    write_mo(buffer, catalogue)
    buffer.seek(0)
    locale = Locale.parse(code)
    direction = "rtl" if locale.character_order == "right-to-left" else "ltr"
    name = locale.get_display_name(locale) or code
    return Language(code, name, direction, Translations(buffer, domain=DOMAIN))


@cache
def languages() -> dict[str, Language]:
    found = {path.parent.parent.name: path
             for path in LOCALE_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.po")}
    codes = [code for code in ORDER if code in found] + sorted(set(found) - set(ORDER))
    return {code: _load(code, found[code]) for code in codes}
