"""The instrument library: shipped files load and validate; inconsistent files are refused.

Rules:
- Every instrument in SHIPPED_CODES ships as ``instruments/<code>.yaml``, loads, validates against
  the schema and the extra checks, and has the item count, options and range the contract gives.
- A file is refused with InstrumentError when bands overlap, when it refers to an item number that
  does not exist, when items are not numbered 1, 2, 3… in order, or when it lacks its licence (or any
  other required key); also when it is not YAML or not a mapping.
- The schema file is itself a valid JSON Schema (draft 2020-12).
"""

from __future__ import annotations

import copy
import json

import jsonschema
import pytest
import yaml

from assessments.library import (
    SCHEMA_FILE,
    SHIPPED_CODES,
    SHIPPED_DIR,
    InstrumentError,
    get_instrument,
    parse_instrument,
    shipped_instruments,
    validate_instrument_data,
)

# item count, option values (None for yes/no), scoring range
CONTRACT = {
    "phq9": (9, [0, 1, 2, 3], (0, 27)),
    "phq2": (2, [0, 1, 2, 3], (0, 6)),
    "gad7": (7, [0, 1, 2, 3], (0, 21)),
    "gad2": (2, [0, 1, 2, 3], (0, 6)),
    "phq15": (15, [0, 1, 2], (0, 30)),
    "k10": (10, [1, 2, 3, 4, 5], (10, 50)),
    "k6": (6, [0, 1, 2, 3, 4], (0, 24)),
    "who5": (5, [0, 1, 2, 3, 4, 5], (0, 100)),
    "gds15": (15, None, (0, 15)),
    "pcl5": (20, [0, 1, 2, 3, 4], (0, 80)),
    "auditc": (3, [0, 1, 2, 3, 4], (0, 12)),
    "asq": (5, None, (0, 4)),
}


def base() -> dict:
    """A valid instrument (the shipped PHQ-9) as plain data, to break one thing at a time."""
    return copy.deepcopy(yaml.safe_load((SHIPPED_DIR / "phq9.yaml").read_text(encoding="utf-8")))


def refused(data: dict, match: str) -> None:
    with pytest.raises(InstrumentError, match=match):
        parse_instrument(yaml.safe_dump(data, allow_unicode=True))


def test_the_schema_file_is_a_valid_draft_2020_12_json_schema():
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_the_contract_covers_every_shipped_code():
    assert set(CONTRACT) == set(SHIPPED_CODES)


@pytest.mark.parametrize("code", SHIPPED_CODES)
def test_every_shipped_instrument_has_a_file_that_loads_and_validates(code):
    path = SHIPPED_DIR / f"{code}.yaml"
    assert path.is_file()
    instrument = parse_instrument(path.read_text(encoding="utf-8"))
    validate_instrument_data(instrument.data)
    assert instrument.code == code
    assert get_instrument(code).code == code


@pytest.mark.parametrize("code", SHIPPED_CODES)
def test_every_shipped_instrument_has_the_contract_items_options_and_range(code):
    count, options, total_range = CONTRACT[code]
    instrument = get_instrument(code)
    assert instrument.item_count == count
    if options is None:
        assert instrument.is_yes_no
    else:
        assert not instrument.is_yes_no
        assert sorted(instrument.option_values) == options
    assert tuple(instrument.data["scoring"]["range"]) == total_range


@pytest.mark.parametrize("code", SHIPPED_CODES)
def test_every_shipped_instrument_states_its_licence_in_both_languages(code):
    licence = get_instrument(code).data["licence"]
    assert licence["zh"].strip() and licence["en"].strip()


def test_the_shipped_library_holds_exactly_the_shipped_codes():
    assert set(shipped_instruments()) == set(SHIPPED_CODES)


@pytest.mark.django_db  # uploaded instruments are looked up in the database
def test_an_unknown_code_is_a_key_error():
    with pytest.raises(KeyError):
        get_instrument("nope")


def test_the_base_file_used_below_is_accepted():
    assert parse_instrument(yaml.safe_dump(base(), allow_unicode=True)).code == "phq9"


# Overlapping bands


def test_overlapping_bands_are_refused():
    data = base()
    data["bands"][1]["min"] = 4  # minimal is 0–4
    refused(data, "overlap")


def test_a_band_inside_another_is_refused():
    data = base()
    data["bands"].append({"code": "inner", "min": 11, "max": 12, "zh": "内", "en": "Inner"})
    refused(data, "overlap")


def test_overlapping_bands_for_one_sex_are_refused():
    data = base()
    bands = data.pop("bands")
    overlapping = copy.deepcopy(bands)
    overlapping[2]["max"] = 15
    data["bands_by_sex"] = {"M": bands, "F": overlapping, "unknown": bands}
    refused(data, "overlap")


def test_a_file_without_any_bands_is_refused():
    data = base()
    del data["bands"]
    refused(data, "bands")


# Unknown item references


@pytest.mark.parametrize(
    "mutate",
    [
        pytest.param(lambda d: d.update(critical_items=[10]), id="critical item"),
        pytest.param(lambda d: d["flags"][0]["when"].update(item=12), id="flag item"),
        pytest.param(
            lambda d: d.update(flags=[{"code": "x", "when": {"any_item": [1, 10], "gte": 1}}]), id="flag any"
        ),
        pytest.param(lambda d: d["scoring"].update(items=[1, 2, 99]), id="scored item"),
        pytest.param(
            lambda d: d.update(subscales=[{"code": "s", "items": [8, 9, 10], "zh": "子", "en": "Sub"}]),
            id="subscale",
        ),
        pytest.param(
            lambda d: d.update(critical_when_positive={"items": [10], "if_any_yes": [1]}),
            id="critical when positive",
        ),
        pytest.param(
            lambda d: d.update(critical_when_positive={"items": [9], "if_any_yes": [0, 11]}),
            id="positive if yes",
        ),
    ],
)
def test_a_reference_to_an_item_that_does_not_exist_is_refused(mutate):
    data = base()
    mutate(data)
    with pytest.raises(InstrumentError):
        parse_instrument(yaml.safe_dump(data, allow_unicode=True))


def test_a_band_rule_on_an_unknown_item_is_refused():
    data = base()
    data["band_rules"] = [
        {"band": "positive", "when": {"item": 10, "eq": 1}, "zh": "阳性", "en": "Positive"},
        {"band": "negative", "zh": "阴性", "en": "Negative"},
    ]
    refused(data, "unknown item")


# Item numbering


@pytest.mark.parametrize(
    "numbers",
    [
        pytest.param([1, 2, 3, 4, 5, 6, 7, 8, 10], id="gap"),
        pytest.param([2, 3, 4, 5, 6, 7, 8, 9, 10], id="starts at 2"),
        pytest.param([1, 2, 3, 4, 5, 6, 7, 9, 8], id="out of order"),
        pytest.param([1, 2, 3, 4, 5, 6, 7, 8, 8], id="duplicate"),
    ],
)
def test_items_not_numbered_1_2_3_in_order_are_refused(numbers):
    data = base()
    for item, number in zip(data["items"], numbers, strict=True):
        item["number"] = number
    with pytest.raises(InstrumentError):
        parse_instrument(yaml.safe_dump(data, allow_unicode=True))


def test_an_item_numbered_0_is_refused():
    data = base()
    for index, item in enumerate(data["items"]):
        item["number"] = index
    with pytest.raises(InstrumentError):
        parse_instrument(yaml.safe_dump(data, allow_unicode=True))


# Licence and other required keys


def test_a_file_without_a_licence_is_refused():
    data = base()
    del data["licence"]
    refused(data, "licence")


def test_a_licence_in_only_one_language_is_refused():
    data = base()
    del data["licence"]["zh"]
    refused(data, "zh")


@pytest.mark.parametrize(
    "key", ["code", "version", "name", "population", "citation", "response_type", "items"]
)
def test_a_file_missing_a_required_key_is_refused(key):
    data = base()
    del data[key]
    refused(data, key)


def test_an_unknown_top_level_key_is_refused():
    data = base()
    data["scoring_notes"] = "free text"
    refused(data, "scoring_notes")


def test_a_likert_file_without_options_is_refused():
    data = base()
    del data["options"]
    refused(data, "options")


# Not an instrument at all


@pytest.mark.parametrize("text", ["code: [unclosed", "- a\n- list\n", "just a string", ""])
def test_text_that_is_not_one_yaml_mapping_is_refused(text):
    with pytest.raises(InstrumentError):
        parse_instrument(text)


def test_a_band_whose_minimum_is_above_its_maximum_is_refused():
    import copy

    from assessments.library import InstrumentError, get_instrument, validate_instrument_data

    data = copy.deepcopy(get_instrument("phq9").data)
    data["bands"][0]["min"], data["bands"][0]["max"] = 4, 0
    with pytest.raises(InstrumentError):
        validate_instrument_data(data)


def test_a_condition_without_a_comparison_is_refused():
    import copy

    from assessments.library import InstrumentError, get_instrument, validate_instrument_data

    data = copy.deepcopy(get_instrument("phq9").data)
    data["flags"][0]["when"] = {"item": 9}
    with pytest.raises(InstrumentError):
        validate_instrument_data(data)
