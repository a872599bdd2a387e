"""Values, types, tiers, AllowedPattern, DataType, Overwrite and the standard-parameter limit."""

from __future__ import annotations

import boto3
import pytest

from pytest_ssmkms.seeding.ssm import seed_parameter
from tests.ssm.support import error_of

ADVANCED_TOO_LARGE = (
    "1 validation error detected: Value at 'value' failed to satisfy constraint: "
    "Member must have length less than or equal to 8192"
)


@pytest.fixture
def ssm(ssm_kms):
    return boto3.client("ssm")


def _describe(ssm, name):
    found = ssm.describe_parameters(ParameterFilters=[{"Key": "Name", "Values": [name]}])["Parameters"]
    assert len(found) == 1
    return found[0]


def test_string_and_string_list_round_trip(ssm):
    ssm.put_parameter(Name="/s", Value="plain", Type="String", Description="d")
    ssm.put_parameter(Name="/l", Value="a,b,c", Type="StringList")
    assert ssm.get_parameter(Name="/s")["Parameter"]["Value"] == "plain"
    got = ssm.get_parameter(Name="/l", WithDecryption=True)["Parameter"]  # ignored for lists
    assert (got["Type"], got["Value"], got["DataType"]) == ("StringList", "a,b,c", "text")
    meta = _describe(ssm, "/s")
    assert meta["Description"] == "d" and meta["Tier"] == "Standard" and meta["Policies"] == []
    assert "KeyId" not in meta


def test_empty_value_and_missing_type_are_refused(ssm):
    code, message = error_of(ssm.put_parameter, Name="/e", Value="", Type="String")
    assert code == "ValidationException" and "greater than or equal to 1" in message
    assert error_of(ssm.put_parameter, Name="/t", Value="v")[0] == "ValidationException"


def test_type_is_optional_on_update_and_may_change(ssm):
    ssm.put_parameter(Name="/t", Value="v", Type="String")
    assert ssm.put_parameter(Name="/t", Value="w", Overwrite=True)["Version"] == 2
    assert ssm.get_parameter(Name="/t")["Parameter"]["Type"] == "String"
    ssm.put_parameter(Name="/t", Value="x,y", Type="StringList", Overwrite=True)
    assert ssm.get_parameter(Name="/t")["Parameter"]["Type"] == "StringList"


def test_standard_tier_value_limit(ssm):
    ssm.put_parameter(Name="/max", Value="x" * 4096, Type="String")
    code, message = error_of(ssm.put_parameter, Name="/big", Value="x" * 4097, Type="String")
    assert code == "ValidationException"
    assert message.startswith("Standard tier parameters support a maximum parameter value of 4096 characters.")


def test_advanced_tier_value_limit(ssm):
    assert ssm.put_parameter(Name="/adv", Value="x" * 8192, Type="String", Tier="Advanced")["Tier"] == "Advanced"
    assert error_of(ssm.put_parameter, Name="/adv2", Value="x" * 8193, Type="String", Tier="Advanced") == (
        "ValidationException",
        ADVANCED_TOO_LARGE,
    )


def test_intelligent_tiering_resolves_to_the_tier_needed(ssm):
    small = ssm.put_parameter(Name="/it1", Value="x", Type="String", Tier="Intelligent-Tiering")
    big = ssm.put_parameter(Name="/it2", Value="x" * 5000, Type="String", Tier="Intelligent-Tiering")
    policy = '[{"Type":"NoChangeNotification","Version":"1.0","Attributes":{"After":"5","Unit":"Days"}}]'
    with_policy = ssm.put_parameter(
        Name="/it3", Value="x", Type="String", Tier="Intelligent-Tiering", Policies=policy
    )
    assert (small["Tier"], big["Tier"], with_policy["Tier"]) == ("Standard", "Advanced", "Advanced")
    assert _describe(ssm, "/it2")["Tier"] == "Advanced"
    # Growing past 4 KB later upgrades the parameter.
    assert ssm.put_parameter(
        Name="/it1", Value="y" * 4097, Tier="Intelligent-Tiering", Overwrite=True
    )["Tier"] == "Advanced"


def test_upgrade_allowed_downgrade_refused(ssm):
    ssm.put_parameter(Name="/up", Value="v", Type="String")
    assert ssm.put_parameter(Name="/up", Value="w", Tier="Advanced", Overwrite=True)["Tier"] == "Advanced"
    code, message = error_of(ssm.put_parameter, Name="/up", Value="x", Tier="Standard", Overwrite=True)
    assert code == "ValidationException"
    assert "You can't downgrade a parameter from the advanced-parameter tier to the standard-parameter tier" in message
    # Without a tier the parameter stays advanced; Intelligent-Tiering never downgrades either.
    assert ssm.put_parameter(Name="/up", Value="y", Overwrite=True)["Tier"] == "Advanced"
    assert ssm.put_parameter(Name="/up", Value="z", Tier="Intelligent-Tiering", Overwrite=True)["Tier"] == "Advanced"
    history = ssm.get_parameter_history(Name="/up")["Parameters"]
    assert [h["Tier"] for h in history] == ["Standard", "Advanced", "Advanced", "Advanced"]


def test_allowed_pattern(ssm):
    ssm.put_parameter(Name="/p", Value="123", Type="String", AllowedPattern=r"^\d+$")
    code, message = error_of(ssm.put_parameter, Name="/p", Value="12a", Type="String", Overwrite=True)
    assert (code, message) == (
        "ParameterPatternMismatchException",
        r"Parameter value, cannot be validated against allowedPattern: ^\d+$",
    )
    # The whole value must match, as Java's matches() requires.
    assert error_of(ssm.put_parameter, Name="/q", Value="12a", Type="String", AllowedPattern=r"\d+")[0] == (
        "ParameterPatternMismatchException"
    )
    assert error_of(ssm.put_parameter, Name="/r", Value="x", Type="String", AllowedPattern="([")[0] == (
        "InvalidAllowedPatternException"
    )
    assert _describe(ssm, "/p")["AllowedPattern"] == r"^\d+$"


def test_data_types(ssm):
    ssm.put_parameter(Name="/ami", Value="ami-0123456789abcdef0", Type="String", DataType="aws:ec2:image")
    ssm.put_parameter(Name="/ami8", Value="ami-12345678", Type="String", DataType="aws:ec2:image")
    assert ssm.get_parameter(Name="/ami")["Parameter"]["DataType"] == "aws:ec2:image"
    assert _describe(ssm, "/ami")["DataType"] == "aws:ec2:image"
    assert error_of(ssm.put_parameter, Name="/bad", Value="v", Type="String", DataType="Text") == (
        "ValidationException",
        "The following data type is not supported: Text (Data type names are all lowercase.)",
    )
    assert error_of(
        ssm.put_parameter, Name="/hook", Value="{}", Type="String", DataType="aws:ssm:integration"
    )[0] == "ValidationException"
    assert error_of(
        ssm.put_parameter, Name="/amilist", Value="ami-12345678", Type="StringList", DataType="aws:ec2:image"
    ) == ("ValidationException", "Parameters with the aws:ec2:image data type must be of type String.")


def test_ec2_image_is_checked_after_the_answer(ssm):
    # AWS answers an aws:ec2:image put before it validates the AMI, and drops it when the
    # check fails: the caller sees success, and nothing is stored (or changed).
    assert ssm.put_parameter(Name="/img", Value="ami-xyz", Type="String", DataType="aws:ec2:image")["Version"] == 1
    assert error_of(ssm.get_parameter, Name="/img")[0] == "ParameterNotFound"
    ssm.put_parameter(Name="/img", Value="ami-12345678", Type="String", DataType="aws:ec2:image")
    answer = ssm.put_parameter(Name="/img", Value="not-an-ami", Type="String", Overwrite=True)
    assert answer["Version"] == 2
    got = ssm.get_parameter(Name="/img")["Parameter"]
    assert (got["Value"], got["Version"]) == ("ami-12345678", 1)
    assert len(ssm.get_parameter_history(Name="/img")["Parameters"]) == 1


def test_ec2_image_and_integration_types_never_change(ssm):
    ssm.put_parameter(Name="/t", Value="ami-12345678", Type="String")
    code, message = error_of(
        ssm.put_parameter, Name="/t", Value="ami-12345678", Type="String", DataType="aws:ec2:image", Overwrite=True
    )
    assert code == "ValidationException" and "from text to aws:ec2:image" in message
    ssm.put_parameter(Name="/i", Value="ami-12345678", Type="String", DataType="aws:ec2:image")
    code, message = error_of(ssm.put_parameter, Name="/i", Value="x", Type="String", DataType="text", Overwrite=True)
    assert code == "ValidationException" and "from aws:ec2:image to text" in message
    # Between the other types a parameter may change freely.
    ssm.put_parameter(Name="/n", Value="443", Type="String", DataType="integer")
    ssm.put_parameter(Name="/n", Value="4.5", Type="String", DataType="float", Overwrite=True)
    ssm.put_parameter(Name="/n", Value="anything", Type="String", DataType="text", Overwrite=True)
    assert ssm.get_parameter(Name="/n")["Parameter"]["DataType"] == "text"


GOOD_AND_BAD = [
    ("aws:region", "eu-west-1", "eu-west-9x"),
    ("aws:account:id", "111122223333", "11112222333"),
    ("boolean", "true", "yes"),
    ("integer", "-443", "4.0"),
    ("float", "1.5e3", "NaN"),
    ("binary", "aGVsbG8=", "aGVsbG8"),
    ("hostname", "db-1.example.com", "-db.example.com"),
    ("email", "ops@example.com", "ops@@example.com"),
    ("ipv4-address", "192.0.2.10", "192.0.2.256"),
    ("ipv6-address", "2001:db8::1", "2001:db8:::1"),
    ("url", "https://example.com:8443/a?b=c", "example.com/a"),
    ("json", '{"a": [1, 2]}', "{'a': 1}"),
    ("jsonc", '{"a": 1 /* one */} // end', '{"a": 1,}'),
]


@pytest.mark.parametrize(("data_type", "good", "bad"), GOOD_AND_BAD)
def test_every_data_type_checks_its_value(ssm, data_type, good, bad):
    ssm.put_parameter(Name="/v", Value=good, Type="String", DataType=data_type)
    got = ssm.get_parameter(Name="/v")["Parameter"]
    assert (got["Value"], got["DataType"]) == (good, data_type)  # values come back as strings
    assert _describe(ssm, "/v")["DataType"] == data_type
    code, message = error_of(ssm.put_parameter, Name="/v", Value=bad, Type="String", Overwrite=True)
    assert code == "ValidationException"
    assert message.startswith(f"The value of a parameter with the {data_type} data type must be ")
    # The refused overwrite changed nothing; SecureString values are checked the same way.
    assert ssm.get_parameter(Name="/v")["Parameter"]["Version"] == 1
    assert error_of(ssm.put_parameter, Name="/s", Value=bad, Type="SecureString", DataType=data_type)[0] == (
        "ValidationException"
    )
    ssm.put_parameter(Name="/s", Value=good, Type="SecureString", DataType=data_type)
    assert ssm.get_parameter(Name="/s", WithDecryption=True)["Parameter"]["Value"] == good


def test_string_lists_are_checked_item_by_item(ssm):
    ssm.put_parameter(Name="/ports", Value="80,443,8080", Type="StringList", DataType="integer")
    assert ssm.get_parameter(Name="/ports")["Parameter"]["Value"] == "80,443,8080"
    assert error_of(ssm.put_parameter, Name="/p2", Value="80,http", Type="StringList", DataType="integer") == (
        "ValidationException",
        "Each item of the value of a parameter with the integer data type must be a whole number between "
        "-9223372036854775808 and 9223372036854775807.",
    )
    assert error_of(ssm.put_parameter, Name="/j", Value="[1]", Type="StringList", DataType="json") == (
        "ValidationException",
        "Parameters with the json data type must be of type String or SecureString.",
    )


def test_integration_data_type_needs_secure_string_under_the_webhook_path(ssm):
    name = "/d9d01087-4a3f-49e0-b0b4-d568d7826553/ssm/integrations/webhook/my-hook"
    ssm.put_parameter(Name=name, Value='{"url":"x"}', Type="SecureString", DataType="aws:ssm:integration")
    assert ssm.get_parameter(Name=name, WithDecryption=True)["Parameter"]["DataType"] == "aws:ssm:integration"


def test_overwrite_rules(ssm):
    ssm.put_parameter(Name="/o", Value="1", Type="String", Description="first", Tags=[{"Key": "k", "Value": "v"}])
    assert error_of(ssm.put_parameter, Name="/o", Value="2", Type="String") == (
        "ParameterAlreadyExists",
        "The parameter already exists. To overwrite this value, set the overwrite option in the request to true.",
    )
    code, message = error_of(
        ssm.put_parameter, Name="/o", Value="2", Type="String", Overwrite=True, Tags=[{"Key": "a", "Value": "b"}]
    )
    assert code == "ValidationException"
    assert message.startswith("Invalid request: tags and overwrite can't be used together.")
    assert ssm.put_parameter(Name="/o", Value="2", Overwrite=True)["Version"] == 2
    # An overwrite keeps what it does not restate.
    assert _describe(ssm, "/o")["Description"] == "first"
    assert ssm.list_tags_for_resource(ResourceType="Parameter", ResourceId="/o")["TagList"] == [
        {"Key": "k", "Value": "v"}
    ]


def test_key_id_only_for_secure_string(ssm):
    assert error_of(ssm.put_parameter, Name="/k", Value="v", Type="String", KeyId="alias/x")[0] == (
        "ValidationException"
    )


def test_the_ten_thousand_standard_parameter_limit(ssm_kms):
    backend = ssm_kms.world.backend()
    for index in range(9_999):
        seed_parameter(backend, f"/bulk/p{index}", "v")
    ssm = boto3.client("ssm")
    ssm.put_parameter(Name="/last", Value="v", Type="String")
    code, message = error_of(ssm.put_parameter, Name="/one-too-many", Value="v", Type="String")
    assert code == "ParameterLimitExceeded"
    assert message.startswith(
        "You have reached the maximum number of standard parameters for this AWS account and Region (10000)."
    )
    # Advanced parameters don't count, Intelligent-Tiering goes advanced, and a deletion makes room.
    assert ssm.put_parameter(Name="/adv", Value="v", Type="String", Tier="Advanced")["Tier"] == "Advanced"
    assert ssm.put_parameter(Name="/it", Value="v", Type="String", Tier="Intelligent-Tiering")["Tier"] == "Advanced"
    ssm.delete_parameter(Name="/last")
    assert ssm.put_parameter(Name="/one-too-many", Value="v", Type="String")["Tier"] == "Standard"
