"""WhatsApp layouts from formats/whatsapp.md, written as small invented exports."""

from __future__ import annotations

import zipfile
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

import pytest

from nigehbaan.chats import (
    AmbiguousDateOrder,
    ChatFormat,
    EventKind,
    MediaKind,
    Message,
    SystemEvent,
    detect,
    parse,
)
from nigehbaan.chats.whatsapp import parser as wa_parser
from tests.chats.groups import FSI, PDI, write

NNBSP, NBSP, LRM = "\u202f", "\u00a0", "\u200e"
ENCRYPTION = (
    "Messages and calls are end-to-end encrypted. No one outside of this chat, not even "
    "WhatsApp, can read or listen to them. Tap to learn more."
)


def messages(export_records: Sequence[object]) -> list[Message]:
    return [r for r in export_records if isinstance(r, Message)]


def events(export_records: Sequence[object]) -> list[SystemEvent]:
    return [r for r in export_records if isinstance(r, SystemEvent)]


ANDROID_DMY = [
    f"31/12/2023, 23:50 - {ENCRYPTION}",
    '31/12/2023, 23:51 - You created group "Book club"',
    "31/12/2023, 23:52 - You added \u202a+92 300 1234567\u202c, Bob and Carol",
    "31/12/2023, 23:53 - Ali Khan: hello everyone",
    "who has read chapter two?",
    "01/01/2024, 00:01 - \u202a+92 300 1234567\u202c: <Media omitted>",
    "01/01/2024, 00:02 - Bob: IMG-20240101-WA0001.jpg (file attached)",
    "the cover",
    "01/01/2024, 00:03 - Bob: thanks @923001234567",
    "01/01/2024, 00:04 - Carol: This message was deleted",
    "01/01/2024, 00:05 - Carol: see you at six <This message was edited>",
    "01/01/2024, 00:06 - Bob left",
]


def test_android_day_first_24h(tmp_path: Path) -> None:
    path = write(tmp_path, "WhatsApp Chat with Book club.txt", ANDROID_DMY)
    export = parse(path)
    assert export.format is ChatFormat.WHATSAPP
    assert export.title == "Book club" and export.chat_type == "group"
    assert [e.kind for e in events(export.records)] == [
        EventKind.ENCRYPTION_NOTICE, EventKind.CREATED, EventKind.ADDED, EventKind.LEFT,
    ]  # fmt: skip
    added = events(export.records)[2]
    assert added.actor is not None and added.actor.is_owner
    assert [t.key for t in added.targets] == ["tel:+923001234567", "name:Bob", "name:Carol"]
    assert added.targets[0].country == "PK"
    first, omitted, attached, mention, deleted, edited = messages(export.records)
    assert first.text == "hello everyone\nwho has read chapter two?" and first.position == 4
    assert first.raw == "31/12/2023, 23:53 - Ali Khan: hello everyone\nwho has read chapter two?"
    assert first.timestamp == datetime(2023, 12, 31, 23, 53) and first.local_time
    assert omitted.media is not None and omitted.media.not_hashable is not None
    assert omitted.sender is not None and omitted.sender.phone_e164 == "+923001234567"
    assert attached.media is not None and attached.media.kind is MediaKind.IMAGE
    assert attached.media.file_name == "IMG-20240101-WA0001.jpg" and attached.text == "the cover"
    assert [m.key for m in mention.mentions] == ["tel:+923001234567"]
    assert deleted.deleted and not deleted.text
    assert edited.edited and edited.text == "see you at six"
    report = export.report
    assert (report.lines_read, report.messages, report.events) == (12, 6, 4)
    assert report.unparsed_lines == 2 and report.date_order == "dmy" and report.locale == "en"
    assert report.first_timestamp == datetime(2023, 12, 31, 23, 50)


def test_android_month_first_12h_with_narrow_space(tmp_path: Path) -> None:
    path = write(tmp_path, "chat.txt", [
        f"9/25/23, 2:22{NNBSP}PM - Ana: hi",
        f"9/25/23, 11:05{NNBSP}PM - Ben: good night",
        f"9/26/23, 12:01{NNBSP}AM - Ana: late",
    ])  # fmt: skip
    stamps = [m.timestamp for m in parse(path).records]
    assert stamps == [datetime(2023, 9, 25, 14, 22), datetime(2023, 9, 25, 23, 5),
                      datetime(2023, 9, 26, 0, 1)]  # fmt: skip


def test_android_spanish_with_p_m(tmp_path: Path) -> None:
    path = write(tmp_path, "Chat de WhatsApp con Amigos.txt", [
        f"13/02/22 3:45 p.{NBSP}m. - Lucía creó el grupo \"Amigos\"",
        "13/02/22 3:46 p. m. - Lucía añadió a Mateo y Sofía",
        "13/02/22 3:47 p. m. - Mateo: <Multimedia omitido>",
        "14/02/22 9:00 a. m. - Sofía salió del grupo",
    ])  # fmt: skip
    export = parse(path)
    assert export.title == "Amigos" and export.report.locale == "es"
    created, added, left = events(export.records)
    assert created.timestamp == datetime(2022, 2, 13, 15, 45)
    assert [t.label for t in added.targets] == ["Mateo", "Sofía"]
    assert left.kind is EventKind.LEFT and left.timestamp == datetime(2022, 2, 14, 9, 0)
    (media,) = messages(export.records)
    assert media.media is not None and media.media.not_hashable is not None


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("03.08.21, 12:30 - Jana: Hallo", datetime(2021, 8, 3, 12, 30)),
        ("13.6.2018 klo 21.25.15 - Aino: Moi", datetime(2018, 6, 13, 21, 25, 15)),
    ],
)
def test_german_and_finnish_layouts(tmp_path: Path, line: str, expected: datetime) -> None:
    export = parse(write(tmp_path, "chat.txt", [line]), date_order="dmy")
    assert export.records[0].timestamp == expected
    assert isinstance(export.records[0], Message) and export.records[0].text in ("Hallo", "Moi")


def test_ios_day_first_with_sender_before_system_lines(tmp_path: Path) -> None:
    path = write(tmp_path, "_chat.txt", [
        f"[31/12/2023, 23:59:01] Book club: {LRM}{ENCRYPTION}",
        f"[31/12/2023, 23:59:02] Book club: {LRM}Ali created group “Book club”",
        f"[31/12/2023, 23:59:03] Ali: {LRM}Ali added Bob",
        "[31/12/2023, 23:59:04] Bob: Ali added Bob",
        f"{LRM}[31/12/2023, 23:59:05] Bob: {LRM}image omitted",
    ])  # fmt: skip
    export = parse(path)
    kinds = [r.kind for r in export.records if isinstance(r, SystemEvent)]
    assert kinds == [EventKind.ENCRYPTION_NOTICE, EventKind.CREATED, EventKind.ADDED]
    typed, image = messages(export.records)
    assert typed.text == "Ali added Bob"
    assert image.media is not None and image.media.kind is MediaKind.IMAGE
    assert export.title == "Book club"


PHOTO = "00000042-PHOTO-2023-10-31-15-35-00.jpg"


def test_ios_month_first_12h_with_marks_and_attachment(tmp_path: Path) -> None:
    path = write(tmp_path, "_chat.txt", [
        f"{LRM}[10/31/23, 3:34:33{NNBSP}PM] Group: {LRM}You created group “Walkers”",
        f"[10/31/23, 3:35:00{NNBSP}PM] ~{NNBSP}Sam: {LRM}<attached: {PHOTO}>",
        f"[10/31/23, 3:36:00{NNBSP}PM] Sam: {LRM}video omitted",
    ])  # fmt: skip
    export = parse(path)
    created = export.records[0]
    assert isinstance(created, SystemEvent) and created.new_value == "Walkers"
    assert created.timestamp == datetime(2023, 10, 31, 15, 34, 33)
    photo = export.records[1]
    assert isinstance(photo, Message) and photo.media is not None
    assert photo.media.file_name == PHOTO
    assert photo.media.kind is MediaKind.IMAGE and photo.media.attached
    assert photo.media.path is None and photo.media.not_hashable is not None


ENGLISH_EVENTS = [
    (ENCRYPTION, EventKind.ENCRYPTION_NOTICE),
    ("Messages to this group are now secured with end-to-end encryption. Tap for more info.",
     EventKind.ENCRYPTION_NOTICE),
    ('Ali created group "G"', EventKind.CREATED),
    ('You created group "G"', EventKind.CREATED),
    ("Ali created this group", EventKind.CREATED),
    ("Ali added Bob", EventKind.ADDED),
    ("Ali added Bob, Carol and Dan", EventKind.ADDED),
    ("Ali added you", EventKind.ADDED),
    ("You were added", EventKind.ADDED),
    ("Ali removed Bob", EventKind.REMOVED),
    ("Ali removed you", EventKind.REMOVED),
    ("Bob left", EventKind.LEFT),
    ("Bob joined using this group's invite link", EventKind.JOINED_BY_LINK),
    ("Bob joined using a group link", EventKind.JOINED_BY_LINK),
    ("Bob joined from the community", EventKind.JOINED_BY_LINK),
    ('Ali changed the subject from "A" to "B"', EventKind.SUBJECT_CHANGED),
    ('Ali changed the group name from "A" to "B"', EventKind.SUBJECT_CHANGED),
    ("Ali changed this group's icon", EventKind.ICON_CHANGED),
    ("Ali changed the group description", EventKind.DESCRIPTION_CHANGED),
    ("You're now an admin", EventKind.ADMIN_GRANTED),
    ("You're no longer an admin", EventKind.ADMIN_REVOKED),
    ("+92 300 1111111 changed to +92 300 2222222", EventKind.NUMBER_CHANGED),
    ("Ali changed their phone number to a new number. Tap to message or add the new number.",
     EventKind.NUMBER_CHANGED),
    ("Ali changed this group's settings to allow only admins to send messages to this group",
     EventKind.SETTINGS_CHANGED),
    ("Ali changed this group's settings to allow only admins to edit this group's info",
     EventKind.SETTINGS_CHANGED),
    ("Ali changed the settings so all members can edit the group settings",
     EventKind.SETTINGS_CHANGED),
    ("Ali reset this group's invite link", EventKind.SETTINGS_CHANGED),
    ("Ali turned on admin approval to join this group", EventKind.SETTINGS_CHANGED),
    ("Ali pinned a message", EventKind.PINNED),
    ("Ali turned on disappearing messages. New messages will disappear from this chat 7 days "
     "after they're sent.", EventKind.OTHER),
    ("Ali started a video call", EventKind.OTHER),
]  # fmt: skip
SPANISH_EVENTS = [
    ("Los mensajes y las llamadas están cifrados de extremo a extremo. Nadie fuera de este chat "
     "puede leerlos ni escucharlos.", EventKind.ENCRYPTION_NOTICE),
    ('Ali creó el grupo "G"', EventKind.CREATED),
    ('Creaste el grupo "G"', EventKind.CREATED),
    ("Ali añadió a Bob", EventKind.ADDED),
    ("Añadiste a Bob", EventKind.ADDED),
    ("Ali te añadió", EventKind.ADDED),
    ("Ali eliminó a Bob", EventKind.REMOVED),
    ("Ali te eliminó", EventKind.REMOVED),
    ("Bob salió del grupo", EventKind.LEFT),
    ("Saliste del grupo", EventKind.LEFT),
    ("Bob se unió usando el enlace de invitación de este grupo", EventKind.JOINED_BY_LINK),
    ('Ali cambió el asunto de "A" a "B"', EventKind.SUBJECT_CHANGED),
    ("Ali cambió el ícono de este grupo", EventKind.ICON_CHANGED),
    ("Ahora eres admin. del grupo", EventKind.ADMIN_GRANTED),
    ("Ali cambió su número de teléfono. Toca para enviarle un mensaje o añadir el número nuevo.",
     EventKind.NUMBER_CHANGED),
]  # fmt: skip


@pytest.mark.parametrize(("text", "kind"), ENGLISH_EVENTS + SPANISH_EVENTS)
def test_every_system_event_by_wording(tmp_path: Path, text: str, kind: EventKind) -> None:
    android = parse(write(tmp_path, "a.txt", [f"13/01/2024, 10:00 - {text}"]))
    ios = parse(write(tmp_path, "i.txt", [f"[13/01/2024, 10:00:00] G: {LRM}{text}"]))
    for export in (android, ios):
        (event,) = export.records
        assert isinstance(event, SystemEvent) and event.kind is kind
        assert not any("not recognised" in w for w in export.report.warnings)  # a wording met


def test_subject_values_and_owner(tmp_path: Path) -> None:
    export = parse(write(tmp_path, "a.txt", [
        "13/01/2024, 10:00 - Ali added you",
        '13/01/2024, 10:01 - Ali changed the subject from "Old: one" to "New"',
        "13/01/2024, 10:02 - Me Myself: You deleted this message",
        "13/01/2024, 10:03 - Me Myself: hi",
    ]))  # fmt: skip
    added, subject, deleted, hello = export.records
    assert isinstance(added, SystemEvent) and added.targets[0].is_owner
    assert isinstance(subject, SystemEvent) and (subject.old_value, subject.new_value) == (
        "Old: one", "New",
    )  # fmt: skip
    assert export.title == "New"
    assert isinstance(hello, Message) and hello.sender is not None and hello.sender.is_owner
    assert isinstance(deleted, Message) and deleted.deleted
    owner = next(m for m in export.members if m.ref.is_owner)
    assert set(owner.labels) == {"you", "Me Myself"} and owner.messages == 2


def test_ambiguous_date_order_asks(tmp_path: Path) -> None:
    path = write(tmp_path, "a.txt", ["01/02/2024, 10:00 - Ali: hi", "03/04/2024, 10:00 - Bo: yo"])
    with pytest.raises(AmbiguousDateOrder, match='date_order="dmy"'):
        parse(path)
    assert parse(path, date_order="mdy").records[1].timestamp == datetime(2024, 3, 4, 10, 0)
    assert parse(path, date_order="dmy").records[1].timestamp == datetime(2024, 4, 3, 10, 0)


def test_day_above_twelve_on_the_last_line_decides(tmp_path: Path) -> None:
    lines = [f"0{d}/01/2024, 10:00 - Ali: hi" for d in range(1, 10)] + [
        "13/01/2024, 10:00 - Ali: last"
    ]
    export = parse(write(tmp_path, "a.txt", lines))
    assert export.report.date_order == "dmy"
    assert export.records[0].timestamp == datetime(2024, 1, 1, 10, 0)


def test_header_shaped_line_inside_a_message_stays_text(tmp_path: Path) -> None:
    export = parse(write(tmp_path, "a.txt", [
        "13/01/2024, 10:00 - Ali: I copied this:",
        "13/01/2024, 09:00 - Bob: an old line",
        "13/01/2024, 10:05 - Bob: ok",
    ]))  # fmt: skip
    first, second = export.records
    assert isinstance(first, Message) and first.text.endswith("09:00 - Bob: an old line")
    assert second.position == 3
    assert any("line 2" in w for w in export.report.warnings)


def test_time_that_really_runs_backwards_is_kept_with_a_warning(tmp_path: Path) -> None:
    lines = ["13/01/2024, 10:00 - Ali: before"] + [
        f"13/01/2024, 09:0{i} - Bob: after {i}" for i in range(6)
    ]
    export = parse(write(tmp_path, "a.txt", lines))
    assert len(export.records) == 7
    assert [r.position for r in export.records] == list(range(1, 8))
    assert any("time runs backwards" in w for w in export.report.warnings)
    assert export.report.unparsed_lines == 0


def test_name_containing_colon_space(tmp_path: Path) -> None:
    export = parse(write(tmp_path, "a.txt", [
        "13/01/2024, 10:00 - Ali added Dr: Sara",
        "13/01/2024, 10:01 - Dr: Sara: hello: all",
    ]))  # fmt: skip
    message = export.records[1]
    assert isinstance(message, Message) and message.sender is not None
    assert message.sender.label == "Dr: Sara" and message.text == "hello: all"


def test_zip_with_media_lists_attachments(tmp_path: Path) -> None:
    path = tmp_path / "WhatsApp Chat with Walkers.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("WhatsApp Chat with Walkers.txt", "\n".join([
            "13/01/2024, 10:00 - Ali: IMG-20240113-WA0001.jpg (file attached)",
            "13/01/2024, 10:01 - Ali: VID-20240113-WA0002.mp4 (file attached)",
        ]))  # fmt: skip
        zf.writestr("IMG-20240113-WA0001.jpg", b"\xff\xd8 invented bytes")
    assert detect(path).format is ChatFormat.WHATSAPP
    export = parse(path)
    assert [a.name for a in export.attachments] == ["IMG-20240113-WA0001.jpg"]
    image, video = export.records
    assert isinstance(image, Message) and image.media is not None
    assert image.media.path == "IMG-20240113-WA0001.jpg" and image.media.not_hashable is None
    assert isinstance(video, Message) and video.media is not None
    assert video.media.kind is MediaKind.VIDEO and video.media.path is None
    assert video.media.not_hashable is not None


def test_export_cap_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(wa_parser, "_CAP_WITHOUT_MEDIA", 3)
    lines = [f"13/01/2024, 10:0{i} - Ali: m{i}" for i in range(4)]
    export = parse(write(tmp_path, "a.txt", lines))
    assert any("most recent part" in w for w in export.report.warnings)


def test_unknown_system_line_and_orphans_are_counted(tmp_path: Path) -> None:
    export = parse(write(tmp_path, "a.txt", [
        "stray text before any header",
        "13/01/2024, 10:00 - Something new happened",
    ]))  # fmt: skip
    (event,) = export.records
    assert isinstance(event, SystemEvent) and event.kind is EventKind.OTHER
    assert export.report.unparsed_lines == 1
    assert any("not recognised" in w for w in export.report.warnings)


SCAN_LINES = [
    "13.6.2018 klo 21.25.15 - Aino: Moi", f"{LRM}[10/31/23, 3:34:33{NNBSP}PM] Group: x",
    f"9/25/23, 2:22{NNBSP}PM - Ana: hi", f"13/02/22 3:45 p.{NBSP}m. - Lucía",
    "31/02/2023, 10:00 - x",
    "١٣/٠١/٢٠٢٤, ١٠:٠٠ - Ali: hi", "13/01/2024,\t10:00 - a", "13/01/2024, 10:00 -b",
    "13/01/2024, 10:00 PM. - x", "13/01/2024, 25:00 PM - x", "[13/01/2024, 10:00:00] a: b",
    f"{LRM}{LRM}13/01/2024, 10:00 - two marks", "1/1/24, 9:05 am - x", "plain text", "",
]  # fmt: skip


@pytest.mark.parametrize("layout", ["android", "ios"])
@pytest.mark.parametrize("order", ["dmy", "mdy"])
def test_scan_agrees_with_regex(layout: str, order: str) -> None:
    """The numpy header scan, with and without shape templates, and on the narrowed text,
    matches `HEADERS` exactly."""
    import numpy as np

    from nigehbaan.chats.whatsapp.codes import narrow, units
    from nigehbaan.chats.whatsapp.headers import StampReader, match_header
    from nigehbaan.chats.whatsapp.scan import scan
    from nigehbaan.chats.whatsapp.stamps import seconds
    from nigehbaan.chats.whatsapp.templates import scan_fast, templates_from

    text = "\n".join(SCAN_LINES * 3)
    u = units(text)
    starts = np.concatenate(([0], np.flatnonzero(u[: len(text)] == 10) + 1)).astype(np.int64)
    stamps = StampReader(order)
    shapes = templates_from(text, layout)  # type: ignore[arg-type]
    for heads in (scan(u, starts, layout), scan_fast(u, starts, layout, shapes),  # type: ignore[arg-type]
                  scan_fast(narrow(text), starts, layout, shapes, text)):  # type: ignore[arg-type]
        valid, secs = seconds(heads, order)
        for i, line in enumerate(text.split("\n")):
            found = match_header(layout, line)  # type: ignore[arg-type]
            stamp = stamps.read(found) if found else None
            assert bool(heads.ok[i]) == (found is not None), line
            assert bool(valid[i]) == (stamp is not None), line
            if found is not None:
                marks = len(line) - len(line.lstrip(LRM))
                assert heads.end[i] - starts[i] == marks + found.start("rest"), line
            if stamp is not None:
                assert np.datetime64(int(secs[i]), "s").item() == stamp, line


def test_small_chunks_give_the_same_records(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """Messages, suspects and promotions that straddle chunk boundaries come out the same."""
    from nigehbaan.chats.whatsapp import chunks

    lines = ["stray line", *ANDROID_DMY, "13/01/2024, 10:00 - Ali: I copied this:",
             "13/01/2024, 09:00 - Bob: an old line", "13/01/2024, 10:05 - Bob: ok"]
    lines += [f"13/01/2024, 09:0{i} - Bob: after {i}" for i in range(6)]
    lines += [f"14/01/2024, 10:{i:02d} - Dr: Sara: line {i}\nmore {i}" for i in range(20)]
    path = write(tmp_path, "WhatsApp Chat with Book club.txt", lines)
    whole = parse(path)
    for size in (7, 40, 97, 300):
        monkeypatch.setattr(chunks, "CHUNK_CHARS", size)
        part = parse(path)
        assert part.records == whole.records, size
        assert part.report == whole.report and part.members == whole.members, size


def test_ios_push_names_are_one_member_apart_from_numbers(tmp_path: Path) -> None:
    """`~ Nadia` and `~<narrow space>Nadia` are one push name, shown as `Nadia`; it joins neither
    the saved contact `Nadia` nor either number that joined, and `~ Name` system lines stay
    events."""
    export = parse(write(tmp_path, "_chat.txt", [
        f"[13/03/2023, 14:00:00] Walkers: {LRM}Ali created group “Walkers”",
        f"[13/03/2023, 14:01:00] +92 300 1111111: {LRM}+92 300 1111111 joined using this "
        "group's invite link",
        f"[13/03/2023, 14:01:30] +92 300 2222222: {LRM}+92 300 2222222 joined using this "
        "group's invite link",
        "[13/03/2023, 14:02:11] ~ Nadia: hello",
        f"[13/03/2023, 14:03:00] ~{NNBSP}Nadia: again",
        "[13/03/2023, 14:03:30] Nadia: I am the saved contact",
        f"[13/03/2023, 14:04:00] Walkers: {LRM}~{NNBSP}Nadia changed this group's icon",
        f"[13/03/2023, 14:05:00] ~{NNBSP}Nadia: {LRM}~{NNBSP}Nadia left",
        "[13/03/2023, 14:06:00] ~ Nadia: Ali left",
    ]))  # fmt: skip
    kinds = [r.kind for r in events(export.records)]
    assert kinds == [EventKind.CREATED, EventKind.JOINED_BY_LINK, EventKind.JOINED_BY_LINK,
                     EventKind.ICON_CHANGED, EventKind.LEFT]  # fmt: skip
    hello, again, contact, typed = messages(export.records)
    assert hello.sender is not None and hello.sender is again.sender
    assert hello.sender.label == "Nadia" and hello.sender.key == "name:~Nadia"
    assert typed.sender is hello.sender and typed.text == "Ali left"
    assert contact.sender is not None and contact.sender.key == "name:Nadia"
    icon, left = events(export.records)[3:]
    assert icon.actor is hello.sender and left.actor is hello.sender
    keys = sorted(m.ref.key for m in export.members)
    assert keys == ["name:Ali", "name:Nadia", "name:~Nadia", "tel:+923001111111",
                    "tel:+923002222222"]  # fmt: skip
    push = next(m for m in export.members if m.ref.key == "name:~Nadia")
    assert push.labels == ("Nadia",) and push.messages == 3 and push.events_as_actor == 2


def test_named_mentions_point_at_the_member_the_header_names(tmp_path: Path) -> None:
    """Newer exports write `@<isolate>Name<isolate>`: a saved contact, a push name (`~Nadia`)
    or an unsaved number, each the same member as in a header; `@digits` still works beside."""
    export = parse(write(tmp_path, "_chat.txt", [
        "[13/03/2023, 14:00:00] Nadia: hi",
        "[13/03/2023, 14:00:30] ~ Sara: hello",
        "[13/03/2023, 14:01:00] +92 300 1111111: salaam",
        f"[13/03/2023, 14:02:00] Ali: @{FSI}Nadia{PDI} and @{FSI}~Sara{PDI}, send pics",
        f"[13/03/2023, 14:03:00] Ali: @{FSI}+92 300 1111111{PDI} @923002222222 and "
        f"@{FSI}Bilal Shop{PDI}",
        f"[13/03/2023, 14:04:00] Ali: an empty @{FSI}{PDI} and an unclosed @{FSI}Nadia",
    ]))  # fmt: skip
    nadia, sara, number, first, second, none = messages(export.records)
    assert [m.key for m in first.mentions] == ["name:Nadia", "name:~Sara"]
    assert first.mentions[0] is nadia.sender and first.mentions[1] is sara.sender
    assert [m.key for m in second.mentions] == ["tel:+923001111111", "tel:+923002222222",
                                               "name:Bilal Shop"]  # fmt: skip
    assert number.sender is not None and second.mentions[0] is number.sender
    assert none.mentions == ()
    mentioned = {m.ref.key: m.mentioned for m in export.members}
    assert mentioned["name:Nadia"] == 1 and mentioned["name:~Sara"] == 1
    assert mentioned["name:Bilal Shop"] == 1 and mentioned["name:Ali"] == 0


ANDROID_COLON_NAMES = [
    "13/03/2023, 14:00 - Nadia: hi all",
    "13/03/2023, 14:02 - Nadia: Work joined using this group's invite link",
    "13/03/2023, 14:03 - Nadia: Work: hello from work",
    "13/03/2023, 14:04 - Nadia: Bob left",
    "13/03/2023, 14:05 - Nadia: Work left",
    "13/03/2023, 14:06 - Nadia: I hear Bob joined using this group's invite link today",
    "13/03/2023, 14:07 - Nadia: Sam joined using this group's invite link",
    "is what the group showed",
    "13/03/2023, 14:08 - Nadia: Work changed this group's icon",
]


@pytest.mark.parametrize("chunk", [0, 60])
def test_android_wording_wins_over_a_known_sender(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chunk: int
) -> None:
    """A whole line after the time that is a system wording is the event, even when it reads as
    `Nadia: text` for a known Nadia; a typed message keeps its sender when the wording is only a
    part of it, spans lines, or is one a person types (`Bob left`) with no known actor."""
    from nigehbaan.chats.whatsapp import chunks

    if chunk:
        monkeypatch.setattr(chunks, "CHUNK_CHARS", chunk)
    lines = [f"13/03/2023, 13:{i:02d} - Nadia: filler {i}" for i in range(30)]
    export = parse(write(tmp_path, "a.txt", lines + ANDROID_COLON_NAMES))
    records = export.records[30:]
    shape = [(type(r).__name__, r.kind if isinstance(r, SystemEvent)
              else r.sender and r.sender.label) for r in records]  # fmt: skip
    assert shape == [
        ("Message", "Nadia"), ("SystemEvent", EventKind.JOINED_BY_LINK),
        ("Message", "Nadia: Work"), ("Message", "Nadia"), ("SystemEvent", EventKind.LEFT),
        ("Message", "Nadia"), ("Message", "Nadia"), ("SystemEvent", EventKind.ICON_CHANGED),
    ]  # fmt: skip
    joined, left, icon = events(records)
    assert joined.actor is not None and joined.actor.label == "Nadia: Work"
    assert left.actor is joined.actor and icon.actor is joined.actor
    _, work, bob, _, sam = messages(records)
    assert work.text == "hello from work" and bob.text == "Bob left"
    assert sam.text.endswith("invite link\nis what the group showed")


def test_date_order_settled_early_is_still_checked_to_the_last_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The survey stops voting once the first lines settle the order; a later header that
    contradicts it raises the same clear error the whole-file vote gives."""
    from nigehbaan.chats import source as source_module
    from nigehbaan.chats.errors import ChatParseError

    monkeypatch.setattr(source_module, "_CHUNK", 64)
    lines = ["13/01/2024, 10:00 - Ali: hi"] + [f"14/01/2024, 10:{i:02d} - Bo: x" for i in range(9)]
    good = parse(write(tmp_path, "good.txt", lines))
    assert good.report.date_order == "dmy" and len(good.records) == 10
    path = write(tmp_path, "bad.txt", [*lines, "01/13/2024, 11:00 - Bo: late"])
    with pytest.raises(ChatParseError, match="above 12 in both day and month") as caught:
        parse(path)
    assert "line 11" in str(caught.value)
    with pytest.raises(ChatParseError, match="do not fit date_order dmy"):
        parse(path, date_order="dmy")


@pytest.mark.parametrize(("text", "kind"), ENGLISH_EVENTS + SPANISH_EVENTS)
def test_wordings_are_found_by_their_literals(text: str, kind: EventKind) -> None:
    """Chunks are searched for literals instead of matching every line against every wording:
    each wording led by its actor must hold its literal, so no event line can slip past."""
    from nigehbaan.chats.whatsapp.keywords import ACTOR_FIRST
    from nigehbaan.chats.whatsapp.locale import locales

    line = f"Nadia: {text}"
    for locale in locales():
        for pattern in locale.events:
            if not pattern.regex.pattern.startswith(ACTOR_FIRST):
                assert not pattern.leads and pattern.keyword is None
                continue
            assert pattern.keyword and "" not in pattern.leads, pattern.regex.pattern
            if pattern.regex.fullmatch(line):
                assert pattern.kind is kind or pattern.kind is EventKind.OTHER
                assert pattern.keyword in line and any(w in line for w in pattern.leads)


def test_ios_message_deleted_by_an_admin_is_read_in_full(tmp_path: Path) -> None:
    """A known sender's plain-looking body is built in bulk; one an admin deleted must not be,
    on iOS too, or the admin it names is lost."""
    export = parse(write(tmp_path, "_chat.txt", [
        "[13/03/2023, 14:00:00] Sana: hi",
        "[13/03/2023, 14:01:00] Sana: hello again",
        f"[13/03/2023, 14:02:00] Sana: {LRM}This message was deleted by admin ~{NNBSP}Bolanle.",
        "[13/03/2023, 14:03:00] Sana: This message was deleted by admin Imran.",
    ]))  # fmt: skip
    *_, marked, unmarked = messages(export.records)
    assert marked.deleted and marked.text == "" and marked.deleted_by is not None
    assert marked.deleted_by.key == "name:~Bolanle"
    assert unmarked.deleted and unmarked.deleted_by is not None
    assert unmarked.deleted_by.key == "name:Imran"


def test_typed_lines_that_look_like_notices_stay_messages(tmp_path: Path) -> None:
    """An unknown sender's first iOS line saying a number changed joins no one (a wrong join
    gives one person's messages to another); a body that only starts like an admin's deletion
    notice keeps its text and names no admin; a mention of "You" is the phone's owner."""
    export = parse(write(tmp_path, "_chat.txt", [
        "[13/03/2023, 14:00:00] +92 300 1111111: I'm Kamran",
        "[13/03/2023, 14:01:00] +92 300 2222222: I'm Sana",
        "[13/03/2023, 14:02:00] Zed: +92 300 1111111 changed to +92 300 2222222",
        "[13/03/2023, 14:03:00] Zed: This message was deleted by admin lol",
        "send me your pics",
        f"[13/03/2023, 14:04:00] Zed: @{FSI}You{PDI} hi",
    ]))  # fmt: skip
    assert events(export.records) == []
    *_, typed, notice, mention = messages(export.records)
    assert typed.text == "+92 300 1111111 changed to +92 300 2222222"
    assert notice.deleted_by is None and not notice.deleted
    assert notice.text == "This message was deleted by admin lol\nsend me your pics"
    assert [m.key for m in mention.mentions] == ["owner"]
