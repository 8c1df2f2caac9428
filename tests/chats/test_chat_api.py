"""Chat groups through the API and the console: upload, filters, decisions, exports."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from fastapi.testclient import TestClient

from nigehbaan.chats.console import MEMBERS_PAGE
from tests.chats.groups import export_path, write_groups
from tests.support import Account, login, open_case, upload_chat, upload_chat_form
from tests.zip_bombs import quoted_overlap, zipped

GOOD = ("13/03/2023, 09:12 - You created group \"Walk group\"\n"
        "13/03/2023, 09:13 - You added +92 300 1234567, +34 612 345 678\n"
        "13/03/2023, 09:14 - +92 300 1234567: hello everyone\n"
        "13/03/2023, 09:15 - +34 612 345 678: hola\n")


def test_upload_members_decide_export(client: TestClient, accounts: dict[str, Account],
                                      tmp_path: Path) -> None:
    inv, analyst = accounts["investigator"], accounts["analyst"]
    ref = open_case(client, inv)
    manifest = write_groups(tmp_path, with_media=False)
    body = export_path(tmp_path, manifest, "whatsapp-android-en", "txt").read_bytes()
    up = upload_chat(client, inv, ref, "chat.txt", body)
    assert up.status_code == 201, up.text
    group = up.json()["group"]["id"]
    again = upload_chat(client, inv, ref, "chat.txt", body)
    assert again.status_code == 200 and again.json()["created"] is False
    base = f"/api/v1/cases/{ref}/chats/{group}"
    everyone = client.get(f"{base}/members", headers=analyst.headers).json()
    suspects = client.get(f"{base}/members?triage=priority_suspect",
                          headers=analyst.headers).json()
    assert 0 < len(suspects) < len(everyone)
    spanish = client.get(f"{base}/members?country=ES", headers=analyst.headers).json()
    assert spanish and {m["country"] for m in spanish} == {"ES"}
    requesters = client.get(f"{base}/members?indicator=requested_media",
                            headers=analyst.headers).json()
    assert requesters and all(any(i["code"] == "requested_media" for i in m["indicators"])
                              for m in requesters)
    member = suspects[0]["member_id"]
    timeline = client.get(f"{base}/members/{member}/timeline", headers=analyst.headers).json()
    assert any(entry["cited_by"] for entry in timeline)
    decided = client.post(f"{base}/members/{member}/decisions", headers=analyst.headers,
                          json={"category": "undetermined", "reason": "checked the messages"})
    assert decided.status_code == 201 and decided.json()["advice"] == "priority_suspect"
    shown = client.get(f"{base}/members?triage=priority_suspect", headers=analyst.headers)
    assert shown.json()[0]["decision"]["category"] == "undetermined"
    bad = client.post(f"{base}/members/{member}/decisions", headers=analyst.headers,
                      json={"category": "guilty", "reason": "no"})
    assert bad.status_code == 422
    csv_text = client.get(f"{base}/export/csv", headers=analyst.headers).text
    assert csv_text.startswith("member_id,display_name") and "priority_suspect" in csv_text
    assert "<graphml" in client.get(f"{base}/export/graphml", headers=analyst.headers).text
    assert "<gexf" in client.get(f"{base}/export/gexf", headers=analyst.headers).text
    other_unit = client.get(f"{base}/members", headers=accounts["outsider"].headers)
    assert other_unit.status_code == 403
    listed = client.get(f"/api/v1/cases/{ref}/chats", headers=analyst.headers).json()
    assert listed[0]["advice"] == Counter(m["triage"] for m in everyone)


def test_bad_upload_is_a_422_with_one_line(client: TestClient,
                                           accounts: dict[str, Account]) -> None:
    inv = accounts["investigator"]
    ref = open_case(client, inv)
    refused = upload_chat(client, inv, ref, "x.txt", b"\x00\x01\x02" * 400)
    assert refused.status_code == 422 and "\n" not in refused.json()["detail"]
    assert refused.json()["detail"] == "x.txt: binary data, not a chat export"  # not the spool
    assert client.get(f"/api/v1/cases/{ref}/chats", headers=inv.headers).json() == []


def test_console_upload_group_page_and_decision(client: TestClient,
                                                accounts: dict[str, Account]) -> None:
    inv = accounts["investigator"]
    ref = open_case(client, inv)
    csrf = login(client, inv)
    hostile = "13/03/2023, 09:16 - <!--<script>: </script><b>\n"  # a member chose that name
    done = upload_chat_form(client, csrf, ref, "WhatsApp Chat with Walk.txt",
                            (GOOD + hostile).encode())
    assert done.status_code == 303, done.text
    page = client.get(done.headers["location"])
    assert page.status_code == 200
    assert "Walk group" in page.text and 'type="application/json" id="chat-figures"' in page.text
    assert "member in Spain" in page.text
    assert "<script>" not in page.text and "<!--" not in page.text
    figures = page.text.split('id="chat-figures">', 1)[1].split("</script>", 1)[0]
    assert "<" not in figures and "\\u003c!--\\u003cscript\\u003e" in figures
    assert "/assets/plotly.min.js" in page.text
    plotly = client.get("/assets/plotly.min.js")
    assert plotly.status_code == 200 and len(plotly.content) > 1_000_000
    member = re.search(r'/chats/(\d+)/members/(\d+)"', page.text)
    assert member
    url = f"/cases/{ref}/chats/{member.group(1)}/members/{member.group(2)}"
    assert client.get(url).status_code == 200
    posted = client.post(f"{url}/decision", data={"csrf": csrf, "category": "passive",
                                                  "reason": "added by the owner, silent"},
                         follow_redirects=False)
    assert posted.status_code == 303
    assert "added by the owner, silent" in client.get(url).text
    case_page = client.get(f"/cases/{ref}").text
    summary = case_page[case_page.index('id="chat-groups-summary"'):]
    assert f'href="/cases/{ref}/chats/{member.group(1)}"' in summary
    assert re.search(r"\d+ members(?: \([^)]*\))? · <a [^>]*\?triage=", summary)


def test_zip_bomb_upload_is_a_422_naming_the_entry(client: TestClient,
                                                   accounts: dict[str, Account]) -> None:
    inv = accounts["investigator"]
    ref = open_case(client, inv)
    bomb = quoted_overlap(zipped({"WhatsApp Chat with X.txt": GOOD.encode()}))
    refused = upload_chat(client, inv, ref, "chat.zip", bomb)
    assert refused.status_code == 422
    assert refused.json()["detail"] == (
        "chat.zip: refused: possible zip bomb: entry 'WhatsApp Chat with X.txt' at byte 0 "
        "overlaps entry 'WhatsApp Chat with X.txt' at byte 0")
    assert client.get(f"/api/v1/cases/{ref}/chats", headers=inv.headers).json() == []


def _numbers(count: int) -> list[str]:
    return [f"+92 300 {1000000 + n}" for n in range(count)]


def _added_group(client: TestClient, account: Account, numbers: list[str],
                 before: list[str], after: list[str]) -> str:
    """A group whose owner added `numbers` twenty a line, uploaded through the console into
    a new case by the logged-in `account`; its page's address."""
    ref = open_case(client, account)
    csrf = login(client, account)
    added = [f"13/03/2023, 09:13 - You added {', '.join(numbers[i:i + 20])}"
             for i in range(0, len(numbers), 20)]
    done = upload_chat_form(client, csrf, ref, "WhatsApp Chat with Many.txt",
                            "\n".join([*before, *added, *after]).encode())
    assert done.status_code == 303, done.text
    return str(done.headers["location"])


def test_console_group_page_of_a_large_group(client: TestClient,
                                             accounts: dict[str, Account]) -> None:
    """600 members: past the size at which networkx's layout needs scipy (which we do not
    ship), so the page failed with a server error before its picture was capped."""
    numbers = _numbers(600)
    chat = [f"13/03/2023, 10:{n:02d} - {numbers[n * 7]}: hello @92300{1000000 + n * 7 + 1}"
            for n in range(50)]
    page = client.get(_added_group(client, accounts["investigator"], numbers,
                                   ['13/03/2023, 09:12 - You created group "Big group"'], chat))
    assert page.status_code == 200, page.text[:300]
    assert f"Members 1–{MEMBERS_PAGE} of 601." in page.text
    figures = page.text.split('id="chat-figures">', 1)[1].split("</script>", 1)[0]
    assert "400 of the 601 in the network" in figures


def test_group_page_lists_members_a_page_at_a_time_keeping_filters(
        client: TestClient, accounts: dict[str, Account]) -> None:
    """A seized group's 1,792 members made one 1.3 MB page: the table now holds
    `MEMBERS_PAGE` rows, its links keep the filters and sort, and every member is on exactly
    one page; counts and the country list still take in the whole group."""
    numbers = _numbers(MEMBERS_PAGE + 40)
    url = _added_group(client, accounts["investigator"], numbers, [],
                       ["13/03/2023, 09:14 - +34 612 345 678: hola"])
    first = client.get(f"{url}?sort=name&country=PK").text
    rows = re.findall(r'<tr data-member="(\d+)"', first)
    assert len(rows) == len(set(rows)) == MEMBERS_PAGE
    assert f"Members 1–{MEMBERS_PAGE} of {len(numbers)}." in first
    assert f"Filters match {len(numbers)} of {len(numbers) + 2} members" in first
    assert "1 member in Spain" in first
    later = re.search(r'<a href="\?([^"]*)#members-page">Later members</a>', first)
    assert later is not None
    assert later.group(1) == (f"triage=&amp;country=PK&amp;indicator=&amp;sort=name&amp;"
                              f"start={MEMBERS_PAGE}")
    second = client.get(f"{url}?{later.group(1).replace('&amp;', '&')}").text
    rest = re.findall(r'<tr data-member="(\d+)"', second)
    assert len(rest) == 40 and not set(rest) & set(rows)
    assert f"Members {MEMBERS_PAGE + 1}–{len(numbers)} of {len(numbers)}." in second
    assert "Earlier members" in second and "Later members" not in second
    beyond = client.get(f"{url}?start=9999").text
    assert f"No members from number 10000 on: there are {len(numbers) + 2}." in beyond
    assert f'start={MEMBERS_PAGE}#members-page">Earlier members' in beyond  # the last page
    assert "No member on this page." in beyond
    odd = client.get(f"{url}?sort=name%20%26%20more").text  # an unknown sort sorts by triage
    assert f'sort=name%20%26%20more&amp;start={MEMBERS_PAGE}#members-page">Later members' in odd


def test_timeline_pages_messages_and_always_holds_the_cited_records(
        client: TestClient, accounts: dict[str, Account]) -> None:
    """A suspect's evidence is often late in a long chat: the timeline showed the first 500
    records and lost the rest, cited ones included, so indicator links led nowhere."""
    inv = accounts["investigator"]
    ref = open_case(client, inv)
    csrf = login(client, inv)
    lines = [f"13/03/2023, 09:{n:02d} - +92 300 1234567: message number {n}" for n in range(30)]
    lines.append("13/03/2023, 10:00 - +92 300 1234567: send me your pics")
    lines.append("13/03/2023, 10:01 - +34 612 345 678: no")
    done = upload_chat_form(client, csrf, ref, "WhatsApp Chat with Late.txt",
                            "\n".join(lines).encode())
    assert done.status_code == 303, done.text
    group = done.headers["location"].rsplit("/", 1)[1]
    base = f"/api/v1/cases/{ref}/chats/{group}"
    asker = next(m for m in client.get(f"{base}/members", headers=inv.headers).json()
                 if m["phone_e164"] == "+923001234567")
    url = f"{base}/members/{asker['member_id']}/timeline"
    first = client.get(f"{url}?limit=10", headers=inv.headers).json()
    assert [e["position"] for e in first] == [*range(1, 11), 31]
    assert first[-1]["cited_by"] == ["requested_media"]
    later = client.get(f"{url}?start=25&limit=10", headers=inv.headers).json()
    assert [e["position"] for e in later] == [*range(26, 32)]
    refused = client.get(f"{url}?start=-1", headers=inv.headers)
    assert refused.status_code == 422 and "start" in str(refused.json()["detail"])
    page = client.get(f"/cases/{ref}/chats/{group}/members/{asker['member_id']}?start=10").text
    assert "Messages 11–31 of 31 they sent;" in page and "?start=0#timeline-page" in page
    assert 'id="record-31"' in page and "Later messages" not in page
