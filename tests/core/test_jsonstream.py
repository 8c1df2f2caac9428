"""The incremental JSON reader shared by VICS hash lists and Telegram chat exports."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nigehbaan.core.jsonstream import JsonReader, JsonStreamError, Position


def pieces(text: str, size: int) -> Iterator[str]:
    return (text[i : i + size] for i in range(0, len(text), size))


def rebuild(reader: JsonReader) -> Any:
    """Walk every container structurally and decode only scalars: must equal `json.loads`."""
    found = reader.peek()
    if found == "{":
        return {key: rebuild(reader) for key in reader.members()}
    if found == "[":
        return [rebuild(reader) for _ in reader.items()]
    return reader.value()


documents = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


@given(documents, st.integers(1, 9), st.sampled_from([None, 1, 2]))
def test_walking_any_document_in_any_chunking_gives_what_json_loads_gives(
    doc: Any, size: int, indent: int | None
) -> None:
    text = json.dumps(doc, indent=indent, ensure_ascii=False)
    reader = JsonReader(pieces(text, size))
    assert rebuild(reader) == json.loads(text)
    reader.end()


def test_a_text_stream_and_chunks_read_alike() -> None:
    text = '{"a": [1, 2, {"b": "c"}], "d": 12345678901234567890}'
    for source in (io.StringIO(text), pieces(text, 3)):
        reader = JsonReader(source, chunk_size=4)
        assert rebuild(reader) == json.loads(text)


def test_value_with_text_keeps_the_exact_source_slice() -> None:
    text = '{"messages": [ {"id": 1,  "text": "caf\\u00e9"} ,\n{"id":2}]}'
    reader = JsonReader(pieces(text, 5))
    seen = []
    for key in reader.members():
        assert key == "messages"
        for index in reader.items():
            seen.append((index, *reader.value_with_text()))
    assert seen == [
        (0, {"id": 1, "text": "café"}, '{"id": 1,  "text": "caf\\u00e9"}'),
        (1, {"id": 2}, '{"id":2}'),
    ]


def test_numbers_split_by_the_buffer_are_read_whole() -> None:
    text = "[123456789, -1.5e10, true]"
    for size in range(1, len(text)):
        assert [JsonReader(pieces(text, size)).value()] == [[123456789, -1.5e10, True]]
        reader = JsonReader(pieces(text, size))
        assert [reader.value() for _ in reader.items()] == [123456789, -1.5e10, True]


def test_members_and_items_the_caller_leaves_unread_are_skipped() -> None:
    text = '{"skip": {"deep": [1, [2]]}, "list": [{"x": 1}, "no", {"x": 2}], "end": null}'
    reader = JsonReader(pieces(text, 4))
    xs = []
    for key in reader.members():
        if key == "list":
            for _ in reader.items():
                if reader.peek() == "{":
                    xs += [reader.value()["x"]]
    reader.end()
    assert xs == [1, 2]


def test_explicit_skip_and_empty_containers() -> None:
    reader = JsonReader(iter(['{"a": {}, "b": [], "c": [1]}']))
    keys = []
    for key in reader.members():
        keys.append(key)
        if key == "a":
            assert list(reader.members()) == []
        elif key == "b":
            assert list(reader.items()) == []
        else:
            reader.skip()
    assert keys == ["a", "b", "c"]


def test_position_is_line_and_character_across_refills() -> None:
    text = '[\n  "a",\n  "bb",\n     "target"]'
    for size in (1, 2, 5, 100):
        reader = JsonReader(pieces(text, size))
        for index in reader.items():
            if index == 2:
                assert reader.position() == Position(4, 23)
            reader.value()
    assert str(Position(4, 23)) == "line 4, character 23"


@pytest.mark.parametrize(
    ("text", "problem", "position"),
    [
        ('{"a" 1}', "expected ':' after a key, found '1'", Position(1, 6)),
        ('{"a": 1,}', "expected a quoted key, found '}'", Position(1, 9)),
        ("[1 2]", "expected ',' or ']' in an array, found '2'", Position(1, 4)),
        ("[[1,\n 2", "expected ',' or ']' in an array, found end of file", Position(2, 8)),
        ('{"a": tru}', "expected a value", Position(1, 7)),
        ('[1,\n "x\n"]', "Invalid control character at", Position(2, 8)),
        ("[1] [2]", "data after the end of the document", Position(1, 5)),
        ("", "expected an object, found end of file", Position(1, 1)),
    ],
)
def test_errors_name_the_problem_and_the_position(
    text: str, problem: str, position: Position
) -> None:
    reader = JsonReader(pieces(text, 2))
    with pytest.raises(JsonStreamError) as caught:
        rebuild(reader) if text.startswith("[") else list(reader.members())
        reader.end()
    assert caught.value.problem == problem
    assert caught.value.position == position
    assert str(caught.value) == f"{position}: {problem}"
    assert isinstance(caught.value, ValueError)


def test_a_value_over_the_cap_is_an_error_not_an_unbounded_read() -> None:
    text = '[{"big": "' + "x" * 5000 + '"}, 1]'
    reader = JsonReader(io.StringIO(text), chunk_size=64, max_value=1000)
    with pytest.raises(JsonStreamError, match="a value over 1000 characters"):
        for _ in reader.items():
            reader.value()
    reader = JsonReader(io.StringIO(text), chunk_size=64, max_value=10_000)
    assert [reader.value() for _ in reader.items()] == [{"big": "x" * 5000}, 1]


@pytest.mark.parametrize(
    ("document", "problem"),
    [
        ('{"a": ' + "[" * 100_000 + "]" * 100_000 + "}", "character 7: a value nested too deeply"),
        ('{"a": 1' + "0" * 5000 + "}", "character 7: a number with too many digits"),
    ],
)
def test_values_the_decoder_refuses(document: str, problem: str) -> None:
    """The standard decoder raises RecursionError and a plain ValueError for these, which a
    caller mapping `JsonStreamError` would let through as a traceback."""
    reader = JsonReader(io.StringIO(document))
    with pytest.raises(JsonStreamError, match=problem):
        for _ in reader.members():
            reader.value()
