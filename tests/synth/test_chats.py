"""Synthetic chat groups: reproducible bytes, faithful layouts, and a ground truth that holds.

The header patterns below are written from `formats/whatsapp.md`, not imported from the
generator, so a layout drifting from the notes fails here.
"""

from __future__ import annotations

import json
import re
import zipfile
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import phonenumbers
import pytest
from PIL import Image

from nigehbaan.synth.chat_phrases import (
    CHIT_CHAT,
    REQUEST_MEDIA,
    REQUEST_MEETING,
    all_request_phrases,
)
from nigehbaan.synth.chat_plan import PlanError
from nigehbaan.synth.chat_truth import GroundTruth, MemberTruth
from nigehbaan.synth.chats import (
    LAYOUTS,
    MANIFEST_NAME,
    ChatSynthManifest,
    load_ground_truth,
    write_chat_groups,
)
from tests.chats.groups import FSI, PDI

SEED = 20240501
HEADERS = {
    "whatsapp-android-en": re.compile(r"^(\d{2})/(\d{2})/(\d{4}), (\d{2}):(\d{2}) - "),
    "whatsapp-android-es": re.compile(
        r"^(\d{2})/(\d{2})/(\d{2}) (\d{1,2}):(\d{2})\u00a0([ap])\.\u00a0m\. - "),
    "whatsapp-ios-en": re.compile(
        r"^\u200e?\[(\d{1,2})/(\d{1,2})/(\d{2}), (\d{1,2}):(\d{2}):(\d{2})\u202f([AP])M\] "),
    "whatsapp-ios-es": re.compile(
        r"^\u200e?\[(\d{2})/(\d{2})/(\d{4}), (\d{2}):(\d{2}):(\d{2})\] "),
}
WHATSAPP = tuple(HEADERS)
MEDIA_MARKERS = ("<Media omitted>", "<Multimedia omitido>", "\u200eimage omitted",
                 "\u200eimagen omitida", "\u200evideo omitido",
                 "\u200evideo omitted")
WORDING = {
    "created_group": ("created group", "creó el grupo", "Creaste el grupo"),
    "renamed_group": ("changed the subject from", "cambió el asunto de", "Cambiaste el asunto"),
    "added_members": (" added ", "You added ", " añadió a ", "Añadiste a ", " te añadió"),
    "removed_members": (" removed ", "You removed ", " eliminó a ", "Eliminaste a "),
    "joined_by_link": ("joined using this group's invite link", "se unió usando el enlace"),
    "left_soon": (" left", "salió del grupo"),
    "admin": ("created group", "creó el grupo", " added ", " añadió a ", " te añadió", " removed ",
              " eliminó a ", "You're now an admin", "Ahora eres admin. del grupo"),
    "posted_group_links": ("https://chat.whatsapp.com/", "t.me/"),
}


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, ChatSynthManifest]:
    folder = tmp_path_factory.mktemp("chats")
    return folder, write_chat_groups(folder, SEED)


def truth_of(out: tuple[Path, ChatSynthManifest], layout: str) -> GroundTruth:
    folder, manifest = out
    return load_ground_truth(folder / manifest.by_kind("ground_truth", layout)[0].path)


def text_lines(out: tuple[Path, ChatSynthManifest], layout: str) -> list[str]:
    folder, manifest = out
    return (folder / manifest.by_kind("txt", layout)[0].path).read_text("utf-8").split("\n")


def telegram_messages(out: tuple[Path, ChatSynthManifest]) -> dict[int, dict[str, Any]]:
    folder, manifest = out
    data = json.loads((folder / manifest.by_kind("telegram_json")[0].path).read_text("utf-8"))
    return {message["id"]: message for message in data["messages"]}


def truth_names(truth: GroundTruth) -> set[str]:
    return {name for m in truth["members"] for name in m["display_names"]}


def all_files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


# reproducibility ------------------------------------------------------------------------------
def test_same_seed_gives_byte_identical_files(tmp_path: Path) -> None:
    write_chat_groups(tmp_path / "a", 11, members=40, messages=900)
    write_chat_groups(tmp_path / "b", 11, members=40, messages=900)
    first, second = all_files(tmp_path / "a"), all_files(tmp_path / "b")
    assert len(first) == 15
    assert first == second


def test_another_seed_gives_other_files(tmp_path: Path) -> None:
    write_chat_groups(tmp_path / "a", 11, members=40, messages=900)
    write_chat_groups(tmp_path / "b", 12, members=40, messages=900)
    first, second = all_files(tmp_path / "a"), all_files(tmp_path / "b")
    differing = [name for name in first if first[name] != second.get(name)]
    assert len(differing) >= 10


def test_manifest_lists_every_file_written(out: tuple[Path, ChatSynthManifest]) -> None:
    folder, manifest = out
    on_disk = set(all_files(folder)) - {MANIFEST_NAME}
    assert {f.path for f in manifest.files} == on_disk
    saved = json.loads((folder / MANIFEST_NAME).read_text("utf-8"))
    assert [f["path"] for f in saved["files"]] == [f.path for f in manifest.files]
    assert {f.layout for f in manifest.files} == set(LAYOUTS)
    assert all(f.messages == 2000 and f.members == 60 for f in manifest.files)


# layouts --------------------------------------------------------------------------------------
@pytest.mark.parametrize("layout", WHATSAPP)
def test_every_line_is_a_header_or_a_planned_continuation(
    out: tuple[Path, ChatSynthManifest], layout: str
) -> None:
    lines = text_lines(out, layout)
    truth = truth_of(out, layout)
    assert lines[-1] == ""
    lines = lines[:-1]
    assert len(lines) == truth["counts"]["lines"]
    header = HEADERS[layout]
    headed = [n for n, line in enumerate(lines, 1) if header.match(line)]
    lookalikes = set(truth["noise"]["header_lookalike"])
    starts = set(headed) - lookalikes
    assert len(starts) == truth["counts"]["messages"] + truth["counts"]["events"]
    assert lookalikes <= set(headed)
    multiline = set(truth["noise"]["multiline"])
    for number, _line in enumerate(lines, 1):
        if number not in starts:
            owner = max(s for s in starts if s < number)
            assert owner in multiline, (layout, number)


@pytest.mark.parametrize("layout", WHATSAPP)
def test_header_lookalike_runs_time_backwards(
    out: tuple[Path, ChatSynthManifest], layout: str
) -> None:
    lines = text_lines(out, layout)
    for number in truth_of(out, layout)["noise"]["header_lookalike"]:
        def day(line: str) -> tuple[int, ...]:
            match = HEADERS[layout].match(line)
            assert match is not None
            numbers = [int(g) for g in match.groups()[:3]]
            return tuple(reversed(numbers)) if layout != "whatsapp-ios-en" else (
                numbers[2], numbers[0], numbers[1])
        assert day(lines[number - 1]) < day(lines[number - 2])


def test_android_english_system_and_owner_lines(out: tuple[Path, ChatSynthManifest]) -> None:
    lines = text_lines(out, "whatsapp-android-en")
    truth = truth_of(out, "whatsapp-android-en")
    assert lines[0].endswith("Messages and calls are end-to-end encrypted. No one outside of this "
                             "chat, not even WhatsApp, can read or listen to them. "
                             "Tap to learn more.")
    assert lines[1].endswith('- You created group "Cricket Club Lahore"')
    owner = next(m for m in truth["members"] if m["member_id"] == truth["owner"])
    assert owner["display_names"] == ["Imran Qureshi", "You"]
    assert any(" - Imran Qureshi: " in line for line in lines)
    assert any(re.search(r" - You (added|removed|changed) ", line) for line in lines)
    assert any(line.endswith(" <This message was edited>") for line in lines)
    assert any(line.endswith(": This message was deleted") for line in lines)


def test_spanish_wording(out: tuple[Path, ChatSynthManifest]) -> None:
    text = "\n".join(text_lines(out, "whatsapp-android-es"))
    for wording in ("Los mensajes y las llamadas están cifrados de extremo a extremo",
                    " creó el grupo \"Amigos del barrio\"", " te añadió", " añadió a ",
                    "Ahora eres admin. del grupo", "<Multimedia omitido>",
                    " cambió el asunto de \"Amigos del barrio\" a \"Amigos del barrio 2.0\""):
        assert wording in text


IOS = {
    "whatsapp-ios-en": ("created group “Study Circle”", " added you", ("image omitted",
                                                                      "video omitted")),
    "whatsapp-ios-es": ("creó el grupo “Voluntarios”", " te añadió", ("imagen omitida",
                                                                     "video omitido")),
}


@pytest.mark.parametrize("layout", IOS)
def test_ios_conventions(out: tuple[Path, ChatSynthManifest], layout: str) -> None:
    created, added_you, omitted = IOS[layout]
    lines = text_lines(out, layout)
    group = truth_of(out, layout)["group"]["name"]
    system = [line for line in lines if f"] {group}: \u200e" in line]
    assert system and all(line.startswith("\u200e[") for line in system)
    assert any(created in line for line in system)
    assert any(line.endswith(added_you) for line in system)
    media = [line for line in lines if line.endswith(omitted)]
    assert media and all(line.startswith("\u200e[") and ": \u200e" in line for line in media)
    assert any(re.match(r"^\[[^\]]+\] ~ \S", line) for line in lines)


def test_telegram_export_shape(out: tuple[Path, ChatSynthManifest]) -> None:
    messages = telegram_messages(out)
    truth = truth_of(out, "telegram-desktop")
    ids = list(messages)
    assert ids == sorted(ids)
    kinds = Counter(m["type"] for m in messages.values())
    assert kinds == {"message": truth["counts"]["messages"], "service": truth["counts"]["events"]}
    for message in messages.values():
        assert isinstance(message["date_unixtime"], str) and message["date_unixtime"].isdigit()
        if message["type"] == "service":
            assert message["actor_id"].startswith("user")
            assert all(isinstance(name, str) for name in message.get("members", []))
        else:
            assert re.fullmatch(r"user\d+", message["from_id"])
    first = messages[ids[0]]
    assert first["action"] == "create_group"
    local = datetime.fromisoformat(first["date"]).replace(tzinfo=UTC)
    assert local - datetime.fromtimestamp(int(first["date_unixtime"]), UTC) == timedelta(hours=5)
    actions = {m.get("action") for m in messages.values()}
    assert {"create_group", "invite_members", "remove_members", "join_group_by_link",
            "edit_group_title", "edit_group_photo"} <= actions


# people ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("layout", WHATSAPP)
def test_phone_numbers_valid_and_in_their_country(
    out: tuple[Path, ChatSynthManifest], layout: str
) -> None:
    members = truth_of(out, layout)["members"]
    countries = Counter(m["country"] for m in members)
    assert len(countries) >= 4
    for member in members:
        assert member["phone_e164"] is not None
        number = phonenumbers.parse(member["phone_e164"])
        assert phonenumbers.is_valid_number(number), member["phone_e164"]
        assert phonenumbers.region_code_for_number(number) == member["country"]
    assert len({m["member_id"] for m in members}) == len(members) == 60


def test_unsaved_numbers_show_formatted(out: tuple[Path, ChatSynthManifest]) -> None:
    lines = "\n".join(text_lines(out, "whatsapp-android-en"))
    truth = truth_of(out, "whatsapp-android-en")
    shown = [n for m in truth["members"] for n in m["display_names"] if n.startswith("+")]
    assert shown and all(name in lines for name in shown)
    assert any(re.fullmatch(r"\+92 3\d\d \d{7}", name) for name in shown)
    assert truth["names_with_colon"]


# ground truth ---------------------------------------------------------------------------------
def _has_sender(line: str, member: MemberTruth) -> bool:
    return any(f" {name}: " in line or f"] {name}: " in line for name in member["display_names"])


def _wa_checks(member: MemberTruth) -> dict[str, Callable[[str], bool]]:
    digits = member["member_id"][1:]

    def named(line: str) -> bool:
        return any(n in line for n in member["display_names"])

    def mentioned(line: str) -> bool:
        """`@digits` on Android; iOS writes the name the phone shows between isolate marks."""
        names = [n.replace("~ ", "~", 1) for n in member["display_names"]]
        return f"@{digits} " in line or any(f"@{FSI}{n}{PDI} " in line for n in names)

    media = REQUEST_MEDIA
    meeting = REQUEST_MEETING
    return {
        "shared_media": lambda line: _has_sender(line, member) and line.endswith(MEDIA_MARKERS),
        "first_poster": lambda line: _has_sender(line, member) and line.endswith(MEDIA_MARKERS),
        "requested_media": lambda line: _has_sender(line, member) and any(
            p in line for ps in media.values() for p in ps),
        "requested_meeting": lambda line: _has_sender(line, member) and any(
            p in line for ps in meeting.values() for p in ps),
        "addressed_by_requests": lambda line: mentioned(line) and any(
            p in line for p in all_request_phrases()),
        "number_posted_by_others": lambda line: digits in re.sub(r"\D", "", line.split(": ")[-1])
        and "@" not in line,
        "central_position": lambda line: "@" in line,
        "never_posted": lambda line: named(line) and any(w in line for w in WORDING["added_members"]
                                                        + (" added you", " te añadió")),
        "joined_by_link": lambda line: named(line) and any(
            w in line for w in WORDING["joined_by_link"]),
        "left_soon": lambda line: named(line) and line.endswith(WORDING["left_soon"]),
        "add_burst": lambda line: any(w in line for w in WORDING["added_members"]),
    }


@pytest.mark.parametrize("layout", WHATSAPP)
def test_whatsapp_planted_positions_hold_the_planted_thing(
    out: tuple[Path, ChatSynthManifest], layout: str
) -> None:
    lines = text_lines(out, layout)
    truth = truth_of(out, layout)
    checked = Counter[str]()
    for member in truth["members"]:
        checks = _wa_checks(member)
        for code, positions in member["indicators"].items():
            for position in positions:
                line = lines[position - 1]
                if code in checks:
                    assert checks[code](line), (code, position, line)
                else:
                    assert any(w in line for w in WORDING[code]), (code, position, line)
                checked[code] += 1
    planted = {"created_group", "renamed_group", "admin", "added_members", "add_burst",
               "joined_by_link", "shared_media", "first_poster", "requested_media",
               "requested_meeting", "posted_group_links", "removed_members", "never_posted",
               "left_soon", "addressed_by_requests", "central_position"}
    assert planted | {"number_posted_by_others"} <= set(checked)


def test_telegram_planted_positions_hold_the_planted_thing(
    out: tuple[Path, ChatSynthManifest],
) -> None:
    messages = telegram_messages(out)
    truth = truth_of(out, "telegram-desktop")
    actions = {"created_group": "create_group", "renamed_group": "edit_group_title",
               "added_members": "invite_members", "add_burst": "invite_members",
               "joined_by_link": "join_group_by_link", "removed_members": "remove_members",
               "left_soon": "remove_members"}
    seen = Counter[str]()
    for member in truth["members"]:
        for code, positions in member["indicators"].items():
            for position in positions:
                message = messages[position]
                seen[code] += 1
                text = "".join(e["text"] for e in message["text_entities"])
                if code in actions:
                    assert message["action"] == actions[code]
                    assert message["actor_id"] == member["member_id"]
                elif code == "never_posted":
                    assert member["display_names"][0] in message["members"]
                elif code in ("shared_media", "first_poster", "forwarded_media"):
                    assert message["from_id"] == member["member_id"]
                    assert "photo" in message or "file" in message
                    if code == "forwarded_media":
                        assert message["forwarded_from"] in truth_names(truth)
                elif code in ("requested_media", "requested_meeting"):
                    table = REQUEST_MEDIA if code == "requested_media" else REQUEST_MEETING
                    assert any(p in text for ps in table.values() for p in ps)
                elif code == "addressed_by_requests":
                    assert {"type": "mention_name", "text": member["display_names"][0],
                            "user_id": member["telegram_id"]} in message["text_entities"]
                    assert "reply_to_message_id" in message
                elif code == "posted_group_links":
                    assert any(e["type"] == "link" for e in message["text_entities"])
                elif code == "central_position":
                    assert any(e["type"] == "mention_name" for e in message["text_entities"])
                elif code == "admin":
                    assert message["actor_id"] == member["member_id"]
                else:
                    pytest.fail(f"unchecked code {code}")
    assert {"forwarded_media", "created_group", "addressed_by_requests", "left_soon"} <= set(seen)


@pytest.mark.parametrize("layout", LAYOUTS)
def test_roles_carry_their_signs(out: tuple[Path, ChatSynthManifest], layout: str) -> None:
    members = truth_of(out, layout)["members"]
    roles = Counter(m["role"] for m in members)
    assert roles["offender"] >= 6 and roles["victim"] >= 3 and roles["passive"] >= 20
    suspicious = {"created_group", "added_members", "shared_media", "requested_media",
                  "requested_meeting", "posted_group_links", "removed_members"}
    for member in members:
        codes = set(member["indicators"])
        if member["role"] == "offender":
            assert codes & suspicious, member
        if member["role"] == "passive":
            assert "never_posted" in codes and member["messages"] == 0
        if member["role"] == "victim":
            assert "addressed_by_requests" in codes and member["messages"] >= 1
            assert not codes & suspicious
        if member["role"] == "other":
            assert member["messages"] >= 1 and "never_posted" not in codes
    assert sum("left_soon" in m["indicators"] for m in members) >= 2


@pytest.mark.parametrize("layout", LAYOUTS)
def test_truth_counts_agree_with_members(out: tuple[Path, ChatSynthManifest],
                                         layout: str) -> None:
    truth = truth_of(out, layout)
    members = truth["members"]
    assert sum(m["messages"] for m in members) == truth["counts"]["messages"] == 2000
    assert sum(m["media"] for m in members) == truth["counts"]["media"] == len(truth["media"])
    added = Counter(m["joined"]["by"] for m in members
                    if m["joined"] and m["joined"]["method"] == "added")
    for member in members:
        assert member["added_count"] == added.get(member["member_id"], 0)
        assert member["joined"] is not None


def test_request_phrases_appear_only_where_planted(out: tuple[Path, ChatSynthManifest]) -> None:
    phrases = all_request_phrases()
    for layout in WHATSAPP:
        lines = text_lines(out, layout)
        planted = {p for m in truth_of(out, layout)["members"]
                   for code in ("requested_media", "requested_meeting")
                   for p in m["indicators"].get(code, [])}
        hits = {n for n, line in enumerate(lines, 1) if any(p in line for p in phrases)}
        assert hits == planted


def test_chit_chat_never_uses_request_words() -> None:
    words = ("pic", "foto", "video", "meet", "milte", "bhejo", "تصویر", "ویڈیو", "ملتے",
             "quedamos", "nos vemos", "http", "t.me")
    for phrase in (p for pool in CHIT_CHAT.values() for p in pool):
        assert not any(word in phrase.lower() for word in words), phrase


# zips and media -------------------------------------------------------------------------------
def test_zip_without_media_holds_the_same_text(out: tuple[Path, ChatSynthManifest]) -> None:
    folder, manifest = out
    for layout in WHATSAPP:
        txt = folder / manifest.by_kind("txt", layout)[0].path
        with zipfile.ZipFile(folder / manifest.by_kind("zip", layout)[0].path) as archive:
            names = archive.namelist()
            inner = "_chat.txt" if layout.startswith("whatsapp-ios") else txt.name
            assert names == [inner]
            assert archive.read(inner) == txt.read_bytes()


def test_zip_with_media_attaches_the_generated_files(tmp_path: Path) -> None:
    media = tmp_path / "media"
    media.mkdir()
    for index in range(6):
        Image.new("RGB", (24, 16), (index * 40, 90, 160)).save(media / f"gradient{index}.png")
    folder = tmp_path / "out"
    manifest = write_chat_groups(folder, 5, members=30, messages=700, media_dir=media)
    for layout in WHATSAPP:
        truth = truth_of((folder, manifest), layout)
        txt = (folder / manifest.by_kind("txt", layout)[0].path).read_text("utf-8")
        with zipfile.ZipFile(folder / manifest.by_kind("zip", layout)[0].path) as archive:
            chat_name = archive.namelist()[0]
            attachments = [m["attachment"] for m in truth["media"]]
            assert archive.namelist()[1:] == attachments
            chat = archive.read(chat_name).decode("utf-8")
            assert len(chat.split("\n")) == len(txt.split("\n"))
            sources = {(media / f"gradient{i}.png").read_bytes() for i in range(6)}
            for entry in truth["media"]:
                assert archive.read(str(entry["attachment"])) in sources
                line = chat.split("\n")[entry["position"] - 1]
                assert str(entry["attachment"]) in line
                assert line.endswith(("(file attached)", "(archivo adjunto)", ">"))
    result = folder / manifest.by_kind("telegram_json")[0].path
    photos = sorted((result.parent / "photos").iterdir())
    assert len(photos) == manifest.by_kind("telegram_json")[0].attached > 0


# scale ----------------------------------------------------------------------------------------
def test_1600_members_are_all_there(tmp_path: Path) -> None:
    manifest = write_chat_groups(tmp_path, 3, members=1600, messages=2500,
                                 layouts=["whatsapp-android-en"], zips=False)
    truth = truth_of((tmp_path, manifest), "whatsapp-android-en")
    ids = {m["member_id"] for m in truth["members"]}
    assert len(ids) == 1600
    text = (tmp_path / manifest.by_kind("txt")[0].path).read_text("utf-8")
    missing = [m for m in truth["members"] if not any(n in text for n in m["display_names"])]
    assert missing == []


def test_too_few_messages_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(PlanError, match="too few"):
        write_chat_groups(tmp_path, 1, members=1600, messages=1000,
                          layouts=["whatsapp-android-en"])
    with pytest.raises(ValueError, match="unknown chat layout"):
        write_chat_groups(tmp_path, 1, layouts=["signal"])
