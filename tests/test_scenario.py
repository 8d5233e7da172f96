"""``fake.load``: many requests and resources seeded at once from a mapping or a JSON or YAML file."""

from __future__ import annotations

import json
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from pytest_cloudcontrol import CloudControlUsageError, FakeCloudControl

TYPE = "AWS::Logs::LogGroup"
INNER = ("-p", "no:hypothesispytest", "-p", "no:randomly")

SCENARIO: dict[str, Any] = {
    "resources": [
        {"type_name": "AWS::S3::Bucket", "properties": {"BucketName": "data"}},
        {"type_name": TYPE, "properties": {}, "identifier": "eu-logs", "region": "eu-west-1"},
    ],
    "requests": [
        {"type_name": TYPE, "identifier": "stuck", "request_token": "11111111-1111-4111-8111-111111111111"},
        {"type_name": TYPE, "identifier": "slow", "progression": {"after": 60}},
        {"type_name": TYPE, "identifier": "polled", "progression": {"after_reads": 2}},
        {
            "type_name": TYPE,
            "identifier": "doomed",
            "progression": "immediate",
            "outcome": {"error_code": "NotStabilized", "status_message": "it never settled"},
        },
        {"type_name": "AWS::S3::Bucket", "operation": "DELETE", "status": "FAILED", "error_code": "NotFound"},
        {
            "type_name": TYPE,
            "identifier": "hooked",
            "hooks": [{"hook_type_name": "Org::Svc::Hook", "hook_status": "HOOK_COMPLETE_SUCCEEDED"}],
        },
    ],
}


def _check_loaded(fake: FakeCloudControl, client: Any) -> None:
    requests = {r.identifier: r for r in fake.requests}
    assert requests["stuck"].request_token == "11111111-1111-4111-8111-111111111111"
    assert requests["stuck"].status == "IN_PROGRESS"
    assert requests["doomed"].status == "FAILED"
    assert requests["doomed"].status_message == "it never settled"
    assert requests[None].error_code == "NotFound"
    assert requests["hooked"].hooks[0].hook_type_name == "Org::Svc::Hook"
    polled = requests["polled"].request_token
    client.get_resource_request_status(RequestToken=polled)
    assert (
        client.get_resource_request_status(RequestToken=polled)["ProgressEvent"]["OperationStatus"]
        == "SUCCESS"
    )
    fake.advance(60)
    assert (
        client.get_resource(TypeName=TYPE, Identifier="slow")["ResourceDescription"]["Identifier"] == "slow"
    )
    assert client.get_resource(TypeName="AWS::S3::Bucket", Identifier="data")["TypeName"] == "AWS::S3::Bucket"
    assert fake.get_resource(TYPE, "eu-logs", region="eu-west-1").region == "eu-west-1"


def test_load_a_mapping(cloudcontrol: FakeCloudControl, client: Any) -> None:
    cloudcontrol.load(SCENARIO)

    _check_loaded(cloudcontrol, client)


def test_load_a_json_file(cloudcontrol: FakeCloudControl, client: Any, tmp_path: Path) -> None:
    path = tmp_path / "scenario.json"
    path.write_text(json.dumps(SCENARIO))

    cloudcontrol.load(path)

    _check_loaded(cloudcontrol, client)


def test_load_a_yaml_file(cloudcontrol: FakeCloudControl, client: Any, tmp_path: Path) -> None:
    yaml = pytest.importorskip("yaml")
    path = tmp_path / "scenario.yaml"
    path.write_text(yaml.safe_dump(SCENARIO))

    cloudcontrol.load(str(path))

    _check_loaded(cloudcontrol, client)


def test_yaml_without_pyyaml_says_how_to_install_it(
    cloudcontrol: FakeCloudControl, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "scenario.yml"
    path.write_text("requests: []\n")
    monkeypatch.setitem(sys.modules, "yaml", None)  # as if PyYAML were not installed

    with pytest.raises(
        CloudControlUsageError, match=r"needs PyYAML: pip install 'pytest-cloudcontrol\[yaml\]'"
    ):
        cloudcontrol.load(path)


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({"type_name": TYPE, "status": "DONE"}, r"requests\[2\]\.status: Input should be 'PENDING', "),
        ({"type_name": TYPE, "colour": "red"}, r"requests\[2\]\.colour: unknown field"),
        ({"identifier": "x"}, r"requests\[2\]\.type_name: Field required"),
        ({"type_name": TYPE, "progression": {"after": -1}}, r"requests\[2\]\.progression"),
        # seed_request's own checks, after two good entries: they are undone too.
        ({"type_name": "AWS::No::Such"}, r"requests\[2\]: unknown resource type 'AWS::No::Such'"),
        ({"type_name": TYPE, "error_code": "NotFound"}, r"requests\[2\]: error_code goes with status FAILED"),
        (
            {"type_name": TYPE, "hooks": [{"hook_status": 1}]},
            r"requests\[2\]: hooks\[0\]\.HookTypeName: Field required",
        ),
    ],
)
def test_a_bad_request_entry_names_its_place_and_seeds_nothing(
    cloudcontrol: FakeCloudControl, entry: dict[str, Any], message: str
) -> None:
    cloudcontrol.seed_request(TYPE, identifier="before")
    scenario = {
        "resources": [{"type_name": TYPE, "properties": {"LogGroupName": "r"}}],
        "requests": [{"type_name": TYPE, "identifier": "a"}, {"type_name": TYPE, "identifier": "b"}, entry],
    }

    with pytest.raises(CloudControlUsageError, match=message) as raised:
        cloudcontrol.load(scenario)

    assert str(raised.value).endswith("nothing was seeded")
    assert [r.identifier for r in cloudcontrol.requests] == ["before"]
    assert cloudcontrol.resources == []


def test_a_bad_resource_entry_names_its_place(cloudcontrol: FakeCloudControl, tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"resources": [{"type_name": TYPE, "properties": {"LogGroupName": "a"}}] * 2}))

    with pytest.raises(CloudControlUsageError, match=rf"{path}: resources\[1\]: .* 'a' already exists"):
        cloudcontrol.load(path)

    assert cloudcontrol.resources == []


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("s.json", "{nope", r"is not valid JSON: Expecting property name"),
        ("s.yaml", "requests: [", r"is not valid YAML"),
        ("s.json", "[]", r"must be a mapping such as \{\"requests\""),
        ("s.toml", "", r"must be a \.json, \.yaml or \.yml file; got 's\.toml'"),
        ("s.json", '{"request": []}', r"request: unknown field"),
    ],
)
def test_a_bad_file_is_a_usage_error(
    cloudcontrol: FakeCloudControl, tmp_path: Path, name: str, content: str, message: str
) -> None:
    pytest.importorskip("yaml")
    path = tmp_path / name
    path.write_text(content)

    with pytest.raises(CloudControlUsageError, match=message):
        cloudcontrol.load(path)


def test_a_missing_file_or_a_wrong_source_is_a_usage_error(
    cloudcontrol: FakeCloudControl, tmp_path: Path
) -> None:
    with pytest.raises(
        CloudControlUsageError, match=r"cannot read scenario file .*missing\.json: No such file"
    ):
        cloudcontrol.load(tmp_path / "missing.json")
    with pytest.raises(CloudControlUsageError, match=r"load\(\)'s source must be a mapping, or the path"):
        cloudcontrol.load(42)  # type: ignore[arg-type]


def test_the_marker_loads_a_scenario_relative_to_the_test_file(pytester: pytest.Pytester) -> None:
    pytester.mkdir("scenarios")
    pytester.path.joinpath("scenarios", "stuck.yaml").write_text(
        textwrap.dedent(
            """
            requests:
              - type_name: AWS::Logs::LogGroup
                identifier: app-logs
                progression: {after: 3600}
            """
        )
    )
    pytester.mkdir("sub")
    pytester.path.joinpath("sub", "test_it.py").write_text(
        textwrap.dedent(
            """
            import pytest

            @pytest.mark.cloudcontrol(scenario="../scenarios/stuck.yaml")
            def test_seeded(cloudcontrol):
                assert [r.identifier for r in cloudcontrol.requests] == ["app-logs"]

            @pytest.mark.cloudcontrol(scenario="../scenarios/missing.yaml")
            def test_missing(cloudcontrol):
                pass

            @pytest.mark.cloudcontrol(scenario={"requests": [{"type_name": "AWS::Logs::LogGroup"}]})
            def test_mapping(cloudcontrol):
                assert len(cloudcontrol.requests) == 1
            """
        )
    )

    result = pytester.runpytest(*INNER)

    result.assert_outcomes(passed=2, errors=1)
    result.stdout.fnmatch_lines(["*@pytest.mark.cloudcontrol: cannot read scenario file *missing.yaml*"])
