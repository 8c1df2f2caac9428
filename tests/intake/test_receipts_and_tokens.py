"""Receipt codes, signed form and access tokens, and the in-memory rate limits."""

from __future__ import annotations

import pytest

from nigehbaan.intake import receipts, tokens
from nigehbaan.intake.keys import derive
from nigehbaan.intake.ratelimit import FailureCounter, TokenBucket

KEY = bytes(range(32))
OTHER_KEY = bytes(range(1, 33))


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_new_receipts_are_16_random_digits_shown_in_groups() -> None:
    made = {receipts.new_receipt() for _ in range(200)}
    assert len(made) == 200
    assert all(len(r) == 16 and r.isdigit() for r in made)
    assert receipts.grouped("1234567890123456") == "1234 5678 9012 3456"


@pytest.mark.parametrize(("typed", "expected"), [
    ("1234 5678 9012 3456", "1234567890123456"),
    (" 1234-5678-9012-3456 ", "1234567890123456"),
    ("۱۲۳۴ ۵۶۷۸ ۹۰۱۲ ۳۴۵۶", "1234567890123456"),  # Urdu keyboard digits
    ("١٢٣٤٥٦٧٨٩٠١٢٣٤٥٦", "1234567890123456"),  # Arabic-Indic digits
    ("1234 5678 9012 345", None),
    ("1234 5678 9012 34567", None),
    ("1234 5678 9012 345x", None),
    ("<script>1234567890123456", None),
    ("", None),
    ("²234567890123456", None),  # a superscript digit is a digit to str.isdigit, not to us
])
def test_receipt_normalisation(typed: str, expected: str | None) -> None:
    assert receipts.normalise(typed) == expected


def test_lookup_key_covers_the_prefix_only_and_needs_the_key() -> None:
    a = receipts.lookup_key(KEY, "1234560000000000")
    assert a == receipts.lookup_key(KEY, "1234569999999999")
    assert a != receipts.lookup_key(KEY, "1234570000000000")
    assert a != receipts.lookup_key(OTHER_KEY, "1234560000000000")
    assert "123456" not in a and len(a) == 64


def test_receipt_hash_is_argon2id_and_only_the_right_code_matches() -> None:
    stored = receipts.hash_receipt("1234567890123456")
    assert stored.startswith("$argon2id$") and "1234567890123456" not in stored
    candidates = [(1, receipts.hash_receipt("1234567890000000")), (2, stored)]
    assert receipts.first_match("1234567890123456", candidates) == 2
    assert receipts.first_match("1234567890123457", candidates) is None


def test_derive_refuses_ambiguous_parts() -> None:
    with pytest.raises(ValueError):
        derive(KEY, "form", "a|b")


def test_form_tokens_are_single_purpose_signed_and_expire() -> None:
    token = tokens.issue_form(KEY, "report", now=10_000)
    check = tokens.check_form(KEY, "report", token, now=10_100)
    assert check.nonce is not None and len(check.nonce) == 32
    assert tokens.check_form(KEY, "message", token, now=10_100).problem == "invalid"
    assert tokens.check_form(OTHER_KEY, "report", token, now=10_100).problem == "invalid"
    nonce, issued, mac = token.split(".")
    assert tokens.check_form(KEY, "report", f"{nonce}.{int(issued) + 1}.{mac}",
                             now=10_100).problem == "invalid"
    assert tokens.check_form(KEY, "report", token,
                             now=10_000 + tokens.FORM_LIFETIME + 1).problem == "expired"
    for junk in ("", "a.b.c", "x" * 500, "..", f"{nonce}.{issued}"):
        assert tokens.check_form(KEY, "report", junk, now=10_100).nonce is None


def test_access_tokens_expire_and_cannot_be_moved_to_another_report() -> None:
    token = tokens.issue_access(KEY, 7, now=5_000)
    assert tokens.check_access(KEY, token, now=5_001) == 7
    assert tokens.check_access(KEY, token, now=5_000 + tokens.ACCESS_LIFETIME + 1) is None
    _, expires, mac = token.split(".")
    assert tokens.check_access(KEY, f"8.{expires}.{mac}", now=5_001) is None
    assert tokens.check_access(OTHER_KEY, token, now=5_001) is None
    assert tokens.check_access(KEY, "7", now=5_001) is None


def test_token_bucket_refills_with_time() -> None:
    clock = FakeClock()
    bucket = TokenBucket(3, clock=clock)
    assert [bucket.take() for _ in range(4)] == [True, True, True, False]
    clock.now += 20  # a third of a minute: one token back
    assert bucket.take() is True
    assert bucket.take() is False


def test_failure_counter_locks_a_key_for_its_window_only() -> None:
    clock = FakeClock()
    counter = FailureCounter(2, window=900, clock=clock)
    counter.fail("a")
    assert not counter.locked("a")
    counter.fail("a")
    assert counter.locked("a") and not counter.locked("b")
    clock.now += 901
    assert not counter.locked("a")


def test_failure_counter_memory_is_bounded() -> None:
    counter = FailureCounter(1, max_keys=10, clock=FakeClock())
    for number in range(100):
        counter.fail(f"key-{number}")
    assert len(counter._counts) == 10
    assert counter.locked("key-99") and not counter.locked("key-0")
