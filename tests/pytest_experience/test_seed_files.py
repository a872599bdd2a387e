"""Seed files: replay `aws ssm get-parameters-by-path` output, or a plain mapping."""

from __future__ import annotations

import boto3
import pytest

from pytest_ssmkms import PluginUsageError
from pytest_ssmkms.seeding.files import parse_seed_document
from tests.pytest_experience.runner import run

pytest_plugins = ["pytester"]


@pytest.mark.ssm_parameters("seeds/cli-output.json")
def test_cli_output_replays_a_real_environment(ssm_kms):
    ssm = boto3.client("ssm")
    found = ssm.get_parameters_by_path(Path="/prod/app", Recursive=True, WithDecryption=True)
    values = {item["Name"]: (item["Type"], item["Value"]) for item in found["Parameters"]}
    assert values == {
        "/prod/app/db/host": ("String", "db.prod.internal"),
        "/prod/app/db/password": ("SecureString", "correct horse battery staple"),
        "/prod/app/replicas": ("StringList", "r1.internal,r2.internal"),
    }
    # The recorded Version is not replayed: there are no older values to give.
    assert {item["Version"] for item in found["Parameters"]} == {1}
    # Seeding is not in the trail: only the read and the Decrypt SSM made for it.
    assert sorted(record["eventName"] for record in ssm_kms.trail) == ["Decrypt", "GetParametersByPath"]


@pytest.mark.kms_key(alias="alias/dev")
@pytest.mark.ssm_parameters("seeds/mapping.json")
def test_mapping_with_plain_values_and_objects(ssm_kms):
    ssm = boto3.client("ssm")
    assert ssm.get_parameter(Name="/dev/app/db/host")["Parameter"]["Value"] == "localhost"
    secret = ssm.get_parameter(Name="/dev/app/db/password", WithDecryption=True)["Parameter"]
    assert (secret["Type"], secret["Value"]) == ("SecureString", "dev-secret")
    assert ssm.get_parameter(Name="/dev/app/flag:current")["Parameter"]["Version"] == 2


@pytest.mark.ssm_parameters("seeds/mapping.json", region="eu-west-1")
@pytest.mark.kms_key(alias="alias/dev", region="eu-west-1")
def test_seed_file_into_another_region(ssm_kms):
    eu = boto3.client("ssm", region_name="eu-west-1")
    assert eu.get_parameter(Name="/dev/app/db/host")["Parameter"]["Value"] == "localhost"


@pytest.mark.ssm_parameters({"/inline/a": "1", "/inline/b": {"Value": "2", "Type": "SecureString"}})
def test_an_inline_mapping(ssm_kms):
    ssm = boto3.client("ssm")
    assert ssm.get_parameter(Name="/inline/a")["Parameter"]["Value"] == "1"
    assert ssm.get_parameter(Name="/inline/b", WithDecryption=True)["Parameter"]["Value"] == "2"


@pytest.mark.ssm_parameters("seeds/cli-output.json")
@pytest.mark.ssm_parameter("/prod/app/db/host", "overridden")
def test_a_marker_beside_the_file_overrides_an_entry(ssm_kms):
    parameter = boto3.client("ssm").get_parameter(Name="/prod/app/db/host")["Parameter"]
    assert (parameter["Value"], parameter["Version"]) == ("overridden", 1)


def test_ini_seed_files_resolve_against_the_rootdir(pytester: pytest.Pytester) -> None:
    pytester.makeini(
        """
        [pytest]
        ssm_kms_seed_files =
            seeds/base.json
            seeds/more.json
        """
    )
    pytester.mkdir("seeds")
    pytester.path.joinpath("seeds", "base.json").write_text(
        '{"Parameters": [{"Name": "/base", "Type": "String", "Value": "1"}]}'
    )
    pytester.path.joinpath("seeds", "more.json").write_text('{"/more": "2", "/base": "later wins"}')
    pytester.mkdir("sub")
    pytester.path.joinpath("sub", "test_deep.py").write_text(
        "import boto3, pytest\n"
        "\n"
        "def value(name):\n"
        "    return boto3.client('ssm').get_parameter(Name=name)['Parameter']['Value']\n"
        "\n"
        "def test_every_mock_starts_seeded(ssm_kms):\n"
        "    assert (value('/base'), value('/more')) == ('later wins', '2')\n"
        "    assert len(ssm_kms.trail) == 2\n"
        "\n"
        "@pytest.mark.ssm_parameter('/base', 'marker wins')\n"
        "def test_markers_override_ini_files(ssm_kms):\n"
        "    assert value('/base') == 'marker wins'\n"
    )
    run(pytester).assert_outcomes(passed=2)


def test_marker_paths_resolve_against_the_declaring_test_file(pytester: pytest.Pytester) -> None:
    pytester.mkdir("pkg")
    pytester.path.joinpath("pkg", "seed.json").write_text('{"/near": "the test file"}')
    pytester.path.joinpath("pkg", "test_near.py").write_text(
        "import boto3, pytest\n"
        "\n"
        "@pytest.mark.ssm_parameters('seed.json')\n"
        "def test_it():\n"
        "    got = boto3.client('ssm').get_parameter(Name='/near')['Parameter']['Value']\n"
        "    assert got == 'the test file'\n"
    )
    run(pytester).assert_outcomes(passed=1)


def test_absolute_paths_and_pathlib(pytester: pytest.Pytester) -> None:
    seed = pytester.path / "elsewhere.json"
    seed.write_text('{"/abs": "yes"}')
    pytester.makepyfile(
        f"""
        import boto3, pathlib, pytest

        @pytest.mark.ssm_parameters(pathlib.Path({str(seed)!r}))
        def test_it():
            assert boto3.client('ssm').get_parameter(Name='/abs')['Parameter']['Value'] == 'yes'
        """
    )
    run(pytester).assert_outcomes(passed=1)


# Pure units: the document shapes and what a bad one says.


def test_parse_get_parameter_output_and_mapping():
    single = {"Parameter": {"Name": "/a", "Type": "String", "Value": "1", "Version": 3}}
    assert parse_seed_document(single, "seed file f.json") == [
        ("Parameter ('/a')", {"name": "/a", "type": "String", "value": "1"})
    ]
    mapping = {"/b": "2", "/c": {"Value": "3", "Type": "SecureString", "KeyId": "alias/x"}}
    assert parse_seed_document(mapping, "seed file f.json") == [
        ("'/b'", {"name": "/b", "value": "2"}),
        ("'/c'", {"value": "3", "type": "SecureString", "key_id": "alias/x", "name": "/c"}),
    ]


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ([1, 2], "seed file f.json: the top level is a list; expected the output of `aws ssm"),
        ({"Parameters": [{"Value": "x"}]}, "seed file f.json: entry Parameters[0] has no Name"),
        (
            {"Parameters": [{"Name": "/a", "Type": "String"}]},
            "seed file f.json: entry Parameters[0] ('/a') has no Value",
        ),
        (
            {"Parameters": [{"Name": "/a", "Value": "x", "Vaule": "y"}]},
            "seed file f.json: entry Parameters[0] ('/a') has unknown field(s) Vaule; "
            "accepted: Name, Value, Type, KeyId",
        ),
        (
            {"Parameters": ["/a"]},
            "seed file f.json: entry Parameters[0] must be an object with Name and Value, got a string",
        ),
        ({"/a": 5}, "seed file f.json: entry '/a': the value must be a string or an object"),
        ({"/a": {"Name": "/b", "Value": "x"}}, "entry '/a' has a different Name '/b'"),
    ],
)
def test_bad_documents_name_the_file_and_the_entry(document, message):
    with pytest.raises(PluginUsageError) as caught:
        parse_seed_document(document, "seed file f.json")
    assert message in str(caught.value)
