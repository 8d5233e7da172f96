"""The JSON codec (pydantic-core, with ``json`` in its corners) and the caches the fast path relies on.

The codec must read and write exactly what the ``json`` module reads and writes, so the fake answers the
same whichever parser took a document; the caches (encoded events, encoded resource descriptions) must
never show a stale answer.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from pytest_cloudcontrol import FakeCloudControl, ResourceType
from pytest_cloudcontrol.codec import Encoded, compact_json, json_bytes, parse_json

LOG_GROUP = "AWS::Logs::LogGroup"

DOCUMENTS = [
    b"{}",
    b'{"a": 1, "a": 2}',  # a duplicate key: the last one wins
    b'{"a": NaN, "b": Infinity, "c": -Infinity}',
    b'{"big": 100000000000000000000000000000000, "small": 1.5e-7, "neg": -0.0}',
    '{"é": "\\u00e9", "raw": "é"}'.encode(),
    b'{"deep": ' + b"[" * 500 + b"]" * 500 + b"}",  # deeper than pydantic-core's parser goes
    b'{"lone": "\\ud800"}',  # a lone surrogate escape
    b"[" * 2000 + b"]" * 2000,
]
BAD_DOCUMENTS = [b"", b"\xff", b'{"a":1} x', b'{"a":"x\ny"}', b'{"a":01}', b"\xef\xbb\xbf{}", b"{'a': 1}"]


def _same(a: Any, b: Any) -> bool:
    return json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda d: d[:24].decode(errors="replace"))
def test_parse_json_reads_what_json_reads(document: bytes) -> None:
    try:
        expected: Any = json.loads(document.decode())
    except RecursionError:
        with pytest.raises(RecursionError):
            parse_json(document)
        return
    assert _same(parse_json(document), expected)
    assert _same(parse_json(document.decode()), expected)


@pytest.mark.parametrize("document", BAD_DOCUMENTS)
def test_parse_json_refuses_what_json_refuses(document: bytes) -> None:
    with pytest.raises((json.JSONDecodeError, UnicodeDecodeError)):
        json.loads(document.decode())
    with pytest.raises((json.JSONDecodeError, UnicodeDecodeError)):
        parse_json(document)


def test_parse_json_of_text_holding_a_lone_surrogate() -> None:
    assert parse_json('{"a": "\ud800"}') == {"a": "\ud800"}


@pytest.mark.parametrize(
    "value",
    [
        {"a": [1, 2.5, None, True, "x"], "b": {"c": "é"}},
        {"big": 10**30, "nan": float("nan")},
        {"lone": "\ud800"},
        ["\u2028", "\x00", '"quoted"'],
    ],
)
def test_json_bytes_is_compact_json_that_json_reads_back(value: Any) -> None:
    encoded = json_bytes(value)
    assert b": " not in encoded
    assert b", " not in encoded
    assert _same(json.loads(encoded.decode()), value)
    assert compact_json(value) == encoded.decode()


def test_a_lone_surrogate_in_a_desired_state_round_trips(cloudcontrol: FakeCloudControl, client: Any) -> None:
    state = json.dumps({"LogGroupName": "g", "Tags": [{"Key": "k", "Value": "\ud800"}]})
    client.create_resource(TypeName=LOG_GROUP, DesiredState=state)
    properties = client.get_resource(TypeName=LOG_GROUP, Identifier="g")["ResourceDescription"]["Properties"]
    assert json.loads(properties)["Tags"] == [{"Key": "k", "Value": "\ud800"}]


def test_a_patch_with_a_duplicate_key_takes_the_last_value(
    cloudcontrol: FakeCloudControl, client: Any
) -> None:
    cloudcontrol.seed_resource(LOG_GROUP, {"LogGroupName": "g", "RetentionInDays": 7})
    document = '[{"op": "replace", "path": "/RetentionInDays", "value": 1, "value": 14}]'
    client.update_resource(TypeName=LOG_GROUP, Identifier="g", PatchDocument=document)
    assert cloudcontrol.get_resource(LOG_GROUP, "g").properties["RetentionInDays"] == 14


@pytest.mark.cloudcontrol(validate_desired_state=False)  # SavedTags: no LogGroup property
def test_a_top_level_patch_leaves_earlier_reads_and_nested_values_alone(
    cloudcontrol: FakeCloudControl, client: Any
) -> None:
    tags = [{"Key": "team", "Value": "a"}]
    cloudcontrol.seed_resource(LOG_GROUP, {"LogGroupName": "g", "RetentionInDays": 7, "Tags": tags})
    before = client.get_resource(TypeName=LOG_GROUP, Identifier="g")["ResourceDescription"]["Properties"]
    ops = [
        {"op": "replace", "path": "/RetentionInDays", "value": 14},
        {"op": "move", "from": "/Tags", "path": "/SavedTags"},
        {"op": "copy", "from": "/SavedTags", "path": "/Tags"},
    ]
    client.update_resource(TypeName=LOG_GROUP, Identifier="g", PatchDocument=json.dumps(ops))
    nested = [{"op": "replace", "path": "/Tags/0/Value", "value": "b"}]
    client.update_resource(TypeName=LOG_GROUP, Identifier="g", PatchDocument=json.dumps(nested))

    after = json.loads(
        client.get_resource(TypeName=LOG_GROUP, Identifier="g")["ResourceDescription"]["Properties"]
    )
    assert after["RetentionInDays"] == 14
    assert after["Tags"] == [{"Key": "team", "Value": "b"}]
    assert after["SavedTags"] == [{"Key": "team", "Value": "a"}]  # the copy is its own object
    assert json.loads(before)["RetentionInDays"] == 7
    assert tags == [{"Key": "team", "Value": "a"}]  # what the test seeded is never changed


def test_reads_follow_a_new_definition_of_the_type(cloudcontrol: FakeCloudControl, client: Any) -> None:
    cloudcontrol.register_type(
        ResourceType(type_name="Acme::Svc::Thing", primary_identifier=("/properties/Name",))
    )
    cloudcontrol.seed_resource("Acme::Svc::Thing", {"Name": "t", "Secret": "s"})

    def properties() -> dict[str, Any]:
        answer = client.get_resource(TypeName="Acme::Svc::Thing", Identifier="t")
        listed = client.list_resources(TypeName="Acme::Svc::Thing")["ResourceDescriptions"]
        # The list handler shows the primary identifier only, whatever the definition.
        assert [json.loads(d["Properties"]) for d in listed] == [{"Name": "t"}]
        parsed: dict[str, Any] = json.loads(answer["ResourceDescription"]["Properties"])
        return parsed

    assert properties() == {"Name": "t", "Secret": "s"}
    cloudcontrol.register_type(
        ResourceType(
            type_name="Acme::Svc::Thing",
            primary_identifier=("/properties/Name",),
            write_only=("/properties/Secret",),
        )
    )
    assert properties() == {"Name": "t"}


def test_answers_are_fresh_dicts_a_test_may_change(cloudcontrol: FakeCloudControl, client: Any) -> None:
    token = cloudcontrol.seed_request(LOG_GROUP, status="SUCCESS", identifier="g").request_token
    cloudcontrol.seed_resource(LOG_GROUP, {"LogGroupName": "g"})
    client.get_resource_request_status(RequestToken=token)
    client.get_resource(TypeName=LOG_GROUP, Identifier="g")
    for call in cloudcontrol.calls:
        for part in call.response.values():
            if isinstance(part, dict):
                part["Identifier"] = "changed by the test"

    assert client.get_resource_request_status(RequestToken=token)["ProgressEvent"]["Identifier"] == "g"
    assert client.get_resource(TypeName=LOG_GROUP, Identifier="g")["ResourceDescription"]["Identifier"] == "g"
    assert cloudcontrol.calls[-1].response["ResourceDescription"]["Identifier"] == "g"


def test_encoded_objects_are_spliced_where_they_stand() -> None:
    event = Encoded({"RequestToken": "t", "EventTime": 1.5})
    answer = {"Summaries": [event, Encoded({"RequestToken": "u"})], "NextToken": "n", "Plain": [{"a": 1}]}
    assert json.loads(json_bytes(answer)) == {
        "Summaries": [{"RequestToken": "t", "EventTime": 1.5}, {"RequestToken": "u"}],
        "NextToken": "n",
        "Plain": [{"a": 1}],
    }
    assert event.encoded == b'{"RequestToken":"t","EventTime":1.5}'
    assert json_bytes({"Summaries": []}) == b'{"Summaries":[]}'


def test_a_patch_sent_twice_gives_each_resource_its_own_values(
    cloudcontrol: FakeCloudControl, client: Any
) -> None:
    for name in ("a", "b"):
        cloudcontrol.seed_resource(LOG_GROUP, {"LogGroupName": name})
    same = json.dumps([{"op": "add", "path": "/Tags", "value": [{"Key": "k", "Value": "v"}]}])
    for name in ("a", "b"):
        client.update_resource(TypeName=LOG_GROUP, Identifier=name, PatchDocument=same)
    nested = json.dumps([{"op": "replace", "path": "/Tags/0/Value", "value": "changed"}])
    client.update_resource(TypeName=LOG_GROUP, Identifier="a", PatchDocument=nested)

    assert cloudcontrol.get_resource(LOG_GROUP, "a").properties["Tags"] == [{"Key": "k", "Value": "changed"}]
    assert cloudcontrol.get_resource(LOG_GROUP, "b").properties["Tags"] == [{"Key": "k", "Value": "v"}]
