"""WhatsApp's wording per locale and its header layouts, kept as data.

The wording follows `formats/whatsapp.md` (the Spanish from third-party fixtures: likely, not
certain). A locale is one `WaLocale` value and a layout one `WaLayout`, so adding either is a
data change, just as the parsers are meant to work.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime

LRM = "\u200e"
NNBSP = "\u202f"
NBSP = "\u00a0"


@dataclass(frozen=True, slots=True)
class WaLocale:
    """System wording; `{a}` actor, `{t}` targets, `{g}` group, `{o}`/`{n}` old/new subject."""

    encryption: str
    created: str
    you_created: str
    added: str
    you_added: str
    added_you: str
    removed: str
    you_removed: str
    left: str
    joined_link: str
    subject: str
    you_subject: str
    icon: str
    you_icon: str
    admin_self: str
    and_word: str
    media_omitted: str
    attached: str
    deleted: str
    you_deleted: str
    edited: str
    you: str
    txt_name: str
    zip_name: str
    ios_attached: str = "<attached: {f}>"
    ios_omitted: tuple[tuple[str, str], ...] = (("image", "image omitted"),
                                                ("video", "video omitted"))


ENGLISH = WaLocale(
    encryption="Messages and calls are end-to-end encrypted. No one outside of this chat, not "
               "even WhatsApp, can read or listen to them. Tap to learn more.",
    created='{a} created group "{g}"', you_created='You created group "{g}"',
    added="{a} added {t}", you_added="You added {t}", added_you="{a} added you",
    removed="{a} removed {t}", you_removed="You removed {t}", left="{a} left",
    joined_link="{a} joined using this group's invite link",
    subject='{a} changed the subject from "{o}" to "{n}"',
    you_subject='You changed the subject from "{o}" to "{n}"',
    icon="{a} changed this group's icon", you_icon="You changed this group's icon",
    admin_self="You're now an admin", and_word=" and ", media_omitted="<Media omitted>",
    attached="{f} (file attached)", deleted="This message was deleted",
    you_deleted="You deleted this message", edited=" <This message was edited>", you="You",
    txt_name="WhatsApp Chat with {g}.txt", zip_name="WhatsApp Chat with {g}.zip",
)

SPANISH = WaLocale(
    encryption="Los mensajes y las llamadas están cifrados de extremo a extremo. Nadie fuera de "
               "este chat, ni siquiera WhatsApp, puede leerlos ni escucharlos. Toca para obtener "
               "más información.",
    created='{a} creó el grupo "{g}"', you_created='Creaste el grupo "{g}"',
    added="{a} añadió a {t}", you_added="Añadiste a {t}", added_you="{a} te añadió",
    removed="{a} eliminó a {t}", you_removed="Eliminaste a {t}", left="{a} salió del grupo",
    joined_link="{a} se unió usando el enlace de invitación de este grupo",
    subject='{a} cambió el asunto de "{o}" a "{n}"',
    you_subject='Cambiaste el asunto de "{o}" a "{n}"',
    icon="{a} cambió el ícono de este grupo", you_icon="Cambiaste el ícono de este grupo",
    admin_self="Ahora eres admin. del grupo", and_word=" y ",
    media_omitted="<Multimedia omitido>", attached="{f} (archivo adjunto)",
    deleted="Se eliminó este mensaje.", you_deleted="Eliminaste este mensaje.",
    edited=" <Se editó este mensaje.>", you="",
    txt_name="Chat de WhatsApp con {g}.txt", zip_name="Chat de WhatsApp con {g}.zip",
    ios_attached="<adjunto: {f}>",
    ios_omitted=(("image", "imagen omitida"), ("video", "video omitido")),
)

IOS_ENGLISH = replace(
    ENGLISH, created="{a} created group “{g}”", you_created="You created group “{g}”",
    subject="{a} changed the subject from “{o}” to “{n}”",
    you_subject="You changed the subject from “{o}” to “{n}”", zip_name="WhatsApp Chat - {g}.zip",
)
IOS_SPANISH = replace(
    SPANISH, created="{a} creó el grupo “{g}”", you_created="Creaste el grupo “{g}”",
    subject="{a} cambió el asunto de “{o}” a “{n}”",
    you_subject="Cambiaste el asunto de “{o}” a “{n}”", zip_name="Chat de WhatsApp - {g}.zip",
)


def _h12(when: datetime) -> tuple[int, bool]:
    hour = when.hour % 12
    return (hour or 12), when.hour < 12


def android_day_first_24h(when: datetime) -> str:
    """`31/12/2023, 23:59 - `"""
    return f"{when.day:02d}/{when.month:02d}/{when.year}, {when.hour:02d}:{when.minute:02d} - "


def android_spanish(when: datetime) -> str:
    """`01/02/22 3:45 p. m. - `, no-break spaces inside the marker, no comma after the date."""
    hour, am = _h12(when)
    marker = f"{'a' if am else 'p'}.{NBSP}m."
    return (f"{when.day:02d}/{when.month:02d}/{when.year % 100:02d} "
            f"{hour}:{when.minute:02d}{NBSP}{marker} - ")


def ios_month_first_12h(when: datetime) -> str:
    """`[10/31/23, 3:34:33 PM] ` with U+202F before the marker."""
    hour, am = _h12(when)
    return (f"[{when.month}/{when.day}/{when.year % 100:02d}, {hour}:{when.minute:02d}:"
            f"{when.second:02d}{NNBSP}{'AM' if am else 'PM'}] ")


def ios_day_first_24h(when: datetime) -> str:
    """`[31/12/2023, 23:59:59] `"""
    return f"[{when:%d/%m/%Y, %H:%M:%S}] "


@dataclass(frozen=True, slots=True)
class WaLayout:
    """How one app build writes lines: header shape, locale, and the iOS conventions."""

    key: str
    locale: WaLocale
    header: Callable[[datetime], str]
    ios: bool
    header_regex: str


ANDROID_EN = WaLayout("whatsapp-android-en", ENGLISH, android_day_first_24h, False,
                      r"^\d{2}/\d{2}/\d{4}, \d{2}:\d{2} - ")
ANDROID_ES = WaLayout("whatsapp-android-es", SPANISH, android_spanish, False,
                      r"^\d{2}/\d{2}/\d{2} \d{1,2}:\d{2}\u00a0[ap]\.\u00a0m\. - ")
IOS_EN = WaLayout("whatsapp-ios-en", IOS_ENGLISH, ios_month_first_12h, True,
                  r"^\u200e?\[\d{1,2}/\d{1,2}/\d{2}, \d{1,2}:\d{2}:\d{2}\u202f[AP]M\] ")
IOS_ES = WaLayout("whatsapp-ios-es", IOS_SPANISH, ios_day_first_24h, True,
                  r"^\u200e?\[\d{2}/\d{2}/\d{4}, \d{2}:\d{2}:\d{2}\] ")
WA_LAYOUTS = {layout.key: layout for layout in (ANDROID_EN, ANDROID_ES, IOS_EN, IOS_ES)}
