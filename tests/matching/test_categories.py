import json
from pathlib import Path

import pytest

from nigehbaan.matching.categories import (
    CategoryMapping,
    available_schemes,
    load_scheme,
    load_scheme_file,
)
from nigehbaan.matching.errors import UnknownCategoryError


def test_builtin_schemes_are_data() -> None:
    assert available_schemes() == ["industry", "interpol-baseline", "uk-caid", "vics-us"]
    assert load_scheme("uk-caid").codes == ["A", "B", "C"]
    assert load_scheme("industry").codes == ["A1", "A2", "B1", "B2"]
    assert load_scheme("vics-us").get("1") is not None
    assert load_scheme("interpol-baseline").get("BASELINE") is not None
    with pytest.raises(ValueError, match="unknown category scheme 'xx'"):
        load_scheme("xx")


def test_mapping_a_vics_list_to_caid() -> None:
    caid = load_scheme("uk-caid")
    mapping = CategoryMapping(caid, {"1": "A", "2": "c"})
    assert mapping.map(" 1 ") == caid.get("A")
    assert mapping.map(None) is None and mapping.map("") is None
    mapped = mapping.map_all(["1", "2", "1", None])
    assert {k: v.code for k, v in mapped.items()} == {"1": "A", "2": "C"}


def test_unknown_categories_are_all_named_at_once() -> None:
    mapping = CategoryMapping(load_scheme("uk-caid"), {"1": "A"})
    with pytest.raises(UnknownCategoryError) as caught:
        mapping.map_all(["1", "7", "9", "7"])
    assert caught.value.unknown == ["7", "9"]
    assert "'7', '9'" in caught.value.detail and "uk-caid" in caught.value.detail


def test_mapping_table_must_point_into_the_scheme() -> None:
    with pytest.raises(ValueError, match="'D' are not in scheme 'uk-caid'"):
        CategoryMapping(load_scheme("uk-caid"), {"1": "D"})


def test_unit_scheme_file(tmp_path: Path) -> None:
    path = tmp_path / "unit.json"
    path.write_text(
        json.dumps(
            {
                "name": "unit",
                "title": "Unit",
                "categories": [{"code": "X", "label": "severe", "severity": 1}],
            }
        )
    )
    assert load_scheme_file(path).codes == ["X"]
    path.write_text("{")
    with pytest.raises(ValueError, match="malformed JSON at line 1"):
        load_scheme_file(path)
    path.write_text('{"name": "u"}')
    with pytest.raises(ValueError, match="not a category scheme"):
        load_scheme_file(path)
