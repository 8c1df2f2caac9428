"""The portal's catalogues: every shown word translated, both directions right, documented."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from fastapi.testclient import TestClient

from nigehbaan.intake.config import PortalConfig
from nigehbaan.intake.i18n import LOCALE_DIR, languages

INTAKE = Path(__file__).resolve().parents[2] / "nigehbaan" / "intake"
README = (INTAKE.parents[1] / "README.md").read_text("utf-8")


def shown_words() -> set[str]:
    """Every message in the portal templates (`_()`) and in the code (`N_()`)."""
    method_map = [("templates/portal/**.html", "jinja2"), ("**.py", "python")]
    options = {"templates/portal/**.html": {"extensions": "jinja2.ext.i18n"}, "**.py": {}}
    return {message for _, _, message, _, _ in extract_from_dir(
        str(INTAKE), method_map, options, keywords={"_": None, "N_": None})
        if isinstance(message, str)}


@pytest.mark.parametrize("code", ["ur"])
def test_every_shown_word_is_translated(code: str) -> None:
    with (LOCALE_DIR / code / "LC_MESSAGES" / "portal.po").open("rb") as source:
        catalogue = read_po(source)
    translated = {m.id for m in catalogue if m.id and m.string and not m.fuzzy}
    missing = sorted(shown_words() - translated)
    assert missing == []


def test_the_template_catalogue_is_current() -> None:
    with (LOCALE_DIR / "portal.pot").open("rb") as source:
        template = {m.id for m in read_po(source) if m.id}
    assert template == shown_words()


def test_languages_come_from_the_locale_folder() -> None:
    found = languages()
    assert list(found)[:2] == ["ur", "en"]
    assert (found["ur"].direction, found["en"].direction) == ("rtl", "ltr")
    assert found["ur"].name == "اردو"
    assert found["ur"].translations.gettext("Yes") == "ہاں"


@pytest.mark.parametrize("path", ["/", "/ur/", "/ur/report", "/ur/return",
                                  "/ur/help/keep-evidence"])
def test_urdu_pages_are_right_to_left_with_urdu_words(portal: TestClient, path: str) -> None:
    page = portal.get(path).text
    assert '<html lang="ur" dir="rtl">' in page
    assert "رپورٹ" in page


def test_first_screen_offers_both_languages_in_their_own_words(portal: TestClient) -> None:
    page = portal.get("/").text
    assert 'href="/ur/"' in page and 'href="/en/"' in page
    assert "اردو میں جاری رکھیں" in page and "Continue in this language" in page
    assert 'lang="ur" dir="rtl"' in page and 'lang="en" dir="ltr"' in page


def test_every_form_control_has_a_label(portal: TestClient) -> None:
    for path in ("/en/report", "/ur/report", "/en/return"):
        page = portal.get(path).text
        ids = re.findall(r'<(?:input|textarea|select)(?![^>]*type="(?:hidden|radio|checkbox)")'
                         r'[^>]*\bid="([^"]+)"', page)
        for control in ids:
            assert f'for="{control}"' in page, (path, control)
        assert 'class="skip" href="#main"' in page


def test_portal_settings_are_documented() -> None:
    missing = [name for name in PortalConfig.model_fields
               if f"NIGEHBAAN_PORTAL_{name.upper()}" not in README]
    assert missing == []
