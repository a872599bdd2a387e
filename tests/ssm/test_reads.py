"""GetParameters, GetParametersByPath, DescribeParameters: filters, pages, paginators."""

from __future__ import annotations

import boto3
import pytest

from pytest_ssmkms.aws.ssm.names import PATH_RULES
from tests.ssm.support import error_of

TREE = {
    "/app/db/host": ("String", "db.local"),
    "/app/db/password": ("SecureString", "pw"),
    "/app/db/ports": ("StringList", "1,2"),
    "/app/web/url": ("String", "http://x"),
    "/app/name": ("String", "app"),
    "/other/x": ("String", "x"),
    "root": ("String", "r"),
}


@pytest.fixture
def ssm(ssm_kms):
    client = boto3.client("ssm")
    for name, (type_, value) in TREE.items():
        client.put_parameter(Name=name, Value=value, Type=type_)
    return client


def _names(parameters):
    return [p["Name"] for p in parameters]


def test_get_parameters_sorted_with_invalid_names(ssm):
    result = ssm.get_parameters(Names=["/app/web/url", "/app/db/host", "/nope", "bad name", "/app/db/host"])
    assert _names(result["Parameters"]) == ["/app/db/host", "/app/web/url"]
    assert result["InvalidParameters"] == ["bad name", "/nope"]


def test_get_parameters_limits_and_decryption(ssm):
    names = [f"/n{i}" for i in range(11)]
    code, message = error_of(ssm.get_parameters, Names=names)
    assert code == "ValidationException" and "less than or equal to 10" in message
    plain = ssm.get_parameters(Names=["/app/db/password"], WithDecryption=True)["Parameters"][0]
    hidden = ssm.get_parameters(Names=["/app/db/password"])["Parameters"][0]
    assert plain["Value"] == "pw" and hidden["Value"] != "pw"


def test_by_path_one_level_and_recursive(ssm):
    assert _names(ssm.get_parameters_by_path(Path="/app")["Parameters"]) == ["/app/name"]
    assert _names(ssm.get_parameters_by_path(Path="/app/db/")["Parameters"]) == [
        "/app/db/host", "/app/db/password", "/app/db/ports",
    ]
    deep = ssm.get_parameters_by_path(Path="/app", Recursive=True)["Parameters"]
    assert _names(deep) == ["/app/db/host", "/app/db/password", "/app/db/ports", "/app/name", "/app/web/url"]
    assert _names(ssm.get_parameters_by_path(Path="/")["Parameters"]) == ["root"]
    assert ssm.get_parameters_by_path(Path="/nothing/here", Recursive=True)["Parameters"] == []


def test_by_path_decrypts_when_asked(ssm):
    values = {
        p["Name"]: p["Value"]
        for p in ssm.get_parameters_by_path(Path="/app/db", WithDecryption=True)["Parameters"]
    }
    assert values == {"/app/db/host": "db.local", "/app/db/password": "pw", "/app/db/ports": "1,2"}


def test_by_path_refuses_bad_paths_and_limits(ssm):
    assert error_of(ssm.get_parameters_by_path, Path="app") == ("ValidationException", PATH_RULES)
    assert error_of(ssm.get_parameters_by_path, Path="/a b") == ("ValidationException", PATH_RULES)
    assert error_of(ssm.get_parameters_by_path, Path="/app", MaxResults=11)[0] == "ValidationException"
    assert error_of(ssm.get_parameters_by_path, Path="/app", NextToken="nonsense")[0] == "InvalidNextToken"


def test_by_path_filters(ssm):
    secure = ssm.get_parameters_by_path(
        Path="/app", Recursive=True, ParameterFilters=[{"Key": "Type", "Values": ["SecureString"]}]
    )
    assert _names(secure["Parameters"]) == ["/app/db/password"]
    begins = ssm.get_parameters_by_path(
        Path="/app", Recursive=True,
        ParameterFilters=[{"Key": "Type", "Option": "BeginsWith", "Values": ["StringL"]}],
    )
    assert _names(begins["Parameters"]) == ["/app/db/ports"]
    keyed = ssm.get_parameters_by_path(
        Path="/app", Recursive=True, ParameterFilters=[{"Key": "KeyId", "Values": ["alias/aws/ssm"]}]
    )
    assert _names(keyed["Parameters"]) == ["/app/db/password"]


def test_by_path_label_filter_returns_the_labelled_version(ssm):
    ssm.put_parameter(Name="/app/name", Value="app2", Overwrite=True)
    ssm.label_parameter_version(Name="/app/name", ParameterVersion=1, Labels=["stable"])
    result = ssm.get_parameters_by_path(Path="/app", ParameterFilters=[{"Key": "Label", "Values": ["stable"]}])
    assert [(p["Name"], p["Value"], p["Version"]) for p in result["Parameters"]] == [("/app/name", "app", 1)]
    assert error_of(
        ssm.get_parameters_by_path, Path="/app",
        ParameterFilters=[{"Key": "Label", "Option": "BeginsWith", "Values": ["s"]}],
    )[0] == "InvalidFilterOption"


@pytest.mark.parametrize("key", ["Name", "Path", "Tier", "DataType", "tag:team"])
def test_by_path_refuses_other_filter_keys(ssm, key):
    code, message = error_of(ssm.get_parameters_by_path, Path="/app", ParameterFilters=[{"Key": key, "Values": ["x"]}])
    assert code == "InvalidFilterKey" and key in message


def test_by_path_pages_and_paginator(ssm_kms):
    ssm = boto3.client("ssm")
    for index in range(25):
        ssm.put_parameter(Name=f"/many/p{index:02d}", Value=str(index), Type="String")
    ssm.put_parameter(Name="/elsewhere", Value="x", Type="String")
    first = ssm.get_parameters_by_path(Path="/many", MaxResults=10)
    assert len(first["Parameters"]) == 10 and first["NextToken"]
    pages = list(ssm.get_paginator("get_parameters_by_path").paginate(Path="/many", PaginationConfig={"PageSize": 7}))
    names = [p["Name"] for page in pages for p in page["Parameters"]]
    assert names == [f"/many/p{i:02d}" for i in range(25)]
    assert [len(page["Parameters"]) for page in pages] == [7, 7, 7, 4]


def test_next_token_stays_valid_while_parameters_are_added(ssm_kms):
    ssm = boto3.client("ssm")
    for index in range(0, 20, 2):
        ssm.put_parameter(Name=f"/grow/p{index:02d}", Value="v", Type="String")
    first = ssm.get_parameters_by_path(Path="/grow", MaxResults=4)
    assert _names(first["Parameters"])[-1] == "/grow/p06"
    ssm.put_parameter(Name="/grow/p01", Value="v", Type="String")  # before the cursor
    ssm.put_parameter(Name="/grow/p07", Value="v", Type="String")  # after it
    ssm.delete_parameter(Name="/grow/p06")  # the cursor itself
    second = ssm.get_parameters_by_path(Path="/grow", MaxResults=4, NextToken=first["NextToken"])
    assert _names(second["Parameters"]) == ["/grow/p07", "/grow/p08", "/grow/p10", "/grow/p12"]
    described = ssm.describe_parameters(MaxResults=3)
    ssm.put_parameter(Name="/grow/p99", Value="v", Type="String")
    rest = []
    token = described["NextToken"]
    while token:
        page = ssm.describe_parameters(MaxResults=3, NextToken=token)
        rest.extend(_names(page["Parameters"]))
        token = page.get("NextToken")
    assert rest[-1] == "/grow/p99" and not set(rest) & set(_names(described["Parameters"]))


def test_describe_lists_everything_in_name_order_with_paginator(ssm):
    pages = list(ssm.get_paginator("describe_parameters").paginate(PaginationConfig={"PageSize": 3}))
    names = [p["Name"] for page in pages for p in page["Parameters"]]
    assert names == sorted(TREE, key=lambda n: tuple(n.lstrip("/").split("/")))
    assert error_of(ssm.describe_parameters, MaxResults=51)[0] == "ValidationException"
    assert ssm.describe_parameters(Shared=True)["Parameters"] == []


def _described(ssm, **kwargs):
    names = []
    for page in ssm.get_paginator("describe_parameters").paginate(**kwargs):
        names.extend(p["Name"] for p in page["Parameters"])
    return names


def test_describe_name_filter_options(ssm):
    assert _described(ssm, ParameterFilters=[{"Key": "Name", "Values": ["/app/name", "root"]}]) == ["/app/name", "root"]
    assert _described(ssm, ParameterFilters=[{"Key": "Name", "Values": ["/root"]}]) == ["root"]
    begins = _described(ssm, ParameterFilters=[{"Key": "Name", "Option": "BeginsWith", "Values": ["/app/d"]}])
    assert begins == ["/app/db/host", "/app/db/password", "/app/db/ports"]
    contains = _described(ssm, ParameterFilters=[{"Key": "Name", "Option": "Contains", "Values": ["o"]}])
    assert contains == ["/app/db/host", "/app/db/password", "/app/db/ports", "/other/x", "root"]


def test_describe_path_filter_options(ssm):
    one = _described(ssm, ParameterFilters=[{"Key": "Path", "Values": ["/app"]}])
    assert one == ["/app/name"]
    deep = _described(ssm, ParameterFilters=[{"Key": "Path", "Option": "Recursive", "Values": ["/app/db", "/other"]}])
    assert deep == ["/app/db/host", "/app/db/password", "/app/db/ports", "/other/x"]
    assert _described(ssm, ParameterFilters=[{"Key": "Path", "Values": ["/"]}]) == ["root"]
    code, message = error_of(ssm.describe_parameters, ParameterFilters=[{"Key": "Path", "Values": ["app"]}])
    assert (code, message) == ("InvalidFilterValue", PATH_RULES)


def test_describe_type_keyid_tier_datatype_filters(ssm):
    ssm.put_parameter(Name="/adv", Value="v", Type="String", Tier="Advanced")
    ssm.put_parameter(Name="/img", Value="ami-12345678", Type="String", DataType="aws:ec2:image")
    assert _described(ssm, ParameterFilters=[{"Key": "Type", "Values": ["StringList", "SecureString"]}]) == [
        "/app/db/password", "/app/db/ports",
    ]
    assert _described(ssm, ParameterFilters=[{"Key": "KeyId", "Values": ["alias/aws/ssm"]}]) == ["/app/db/password"]
    assert _described(ssm, ParameterFilters=[{"Key": "Tier", "Values": ["Advanced"]}]) == ["/adv"]
    assert _described(ssm, ParameterFilters=[{"Key": "DataType", "Values": ["aws:ec2:image"]}]) == ["/img"]
    both = _described(ssm, ParameterFilters=[
        {"Key": "Path", "Option": "Recursive", "Values": ["/app"]},
        {"Key": "Type", "Option": "BeginsWith", "Values": ["String"]},
    ])
    assert both == ["/app/db/host", "/app/db/ports", "/app/name", "/app/web/url"]


def test_describe_tag_filters(ssm):
    ssm.add_tags_to_resource(ResourceType="Parameter", ResourceId="/app/name", Tags=[{"Key": "team", "Value": "blue"}])
    ssm.add_tags_to_resource(ResourceType="Parameter", ResourceId="root", Tags=[{"Key": "team", "Value": "bluish"}])
    ssm.add_tags_to_resource(ResourceType="Parameter", ResourceId="/other/x", Tags=[{"Key": "env", "Value": "dev"}])
    assert _described(ssm, ParameterFilters=[{"Key": "tag:team", "Values": ["blue"]}]) == ["/app/name"]
    assert _described(ssm, ParameterFilters=[{"Key": "tag:team", "Option": "BeginsWith", "Values": ["blu"]}]) == [
        "/app/name", "root",
    ]
    assert _described(ssm, ParameterFilters=[{"Key": "tag:env"}]) == ["/other/x"]


def test_describe_filter_errors(ssm):
    code, message = error_of(ssm.describe_parameters, ParameterFilters=[{"Key": "Label", "Values": ["x"]}])
    assert code == "InvalidFilterKey" and "Label" in message
    assert error_of(
        ssm.describe_parameters, ParameterFilters=[{"Key": "Type", "Option": "Contains", "Values": ["S"]}]
    )[0] == "InvalidFilterOption"
    assert error_of(
        ssm.describe_parameters, ParameterFilters=[{"Key": "Path", "Option": "Equals", "Values": ["/a"]}]
    )[0] == "InvalidFilterOption"
    assert error_of(ssm.describe_parameters, ParameterFilters=[{"Key": "Name"}]) == (
        "InvalidFilterValue", "The following filter values are missing : null for filter key Name.",
    )
    assert error_of(ssm.describe_parameters, ParameterFilters=[{"Key": "Type", "Values": ["Nope"]}])[0] == (
        "InvalidFilterValue"
    )
    assert error_of(ssm.describe_parameters, ParameterFilters=[{"Key": "Type", "Values": ["x"] * 51}])[0] == (
        "ValidationException"
    )
    duplicated = [{"Key": "Type", "Values": ["String"]}, {"Key": "Type", "Values": ["StringList"]}]
    assert error_of(ssm.describe_parameters, ParameterFilters=duplicated)[0] == "ValidationException"
    code, message = error_of(
        ssm.describe_parameters,
        Filters=[{"Key": "Name", "Values": ["root"]}],
        ParameterFilters=[{"Key": "Type", "Values": ["String"]}],
    )
    assert (code, message) == ("ValidationException", "You can use either Filters or ParameterFilters in a single request.")


def test_describe_deprecated_filters(ssm):
    assert _described(ssm, Filters=[{"Key": "Name", "Values": ["/app/name"]}]) == ["/app/name"]
    # A Name value is a prefix (real AWS, boto/boto3#1079).
    assert _described(ssm, Filters=[{"Key": "Name", "Values": ["/app/db"]}]) == [
        "/app/db/host", "/app/db/password", "/app/db/ports",
    ]
    assert _described(ssm, Filters=[{"Key": "Type", "Values": ["SecureString"]}]) == ["/app/db/password"]
    assert _described(ssm, Filters=[{"Key": "KeyId", "Values": ["alias/aws/ssm"]}]) == ["/app/db/password"]


def test_metadata_reads_never_touch_the_key(ssm, ssm_kms):
    before = len(ssm_kms.trail.lookup(event_source="kms.amazonaws.com"))
    ssm.describe_parameters()
    ssm.get_parameter(Name="/app/db/password")
    ssm.get_parameters_by_path(Path="/app", Recursive=True)
    ssm.get_parameter_history(Name="/app/db/password")
    assert len(ssm_kms.trail.lookup(event_source="kms.amazonaws.com")) == before


def test_delete_and_delete_parameters(ssm):
    ssm.delete_parameter(Name="/app/name")
    assert error_of(ssm.get_parameter, Name="/app/name")[0] == "ParameterNotFound"
    assert error_of(ssm.delete_parameter, Name="/app/name")[0] == "ParameterNotFound"
    result = ssm.delete_parameters(Names=["/app/db/host", "/gone", "root", "bad name"])
    assert result["DeletedParameters"] == ["/app/db/host", "root"]
    assert sorted(result["InvalidParameters"]) == ["/gone", "bad name"]
    assert _names(ssm.get_parameters_by_path(Path="/", Recursive=True)["Parameters"]) == [
        "/app/db/password", "/app/db/ports", "/app/web/url", "/other/x",
    ]


def test_describe_name_and_path_filters_combine(ssm):
    combined = _described(ssm, ParameterFilters=[
        {"Key": "Name", "Values": ["/app/name", "/other/x"]},
        {"Key": "Path", "Option": "Recursive", "Values": ["/app"]},
    ])
    assert combined == ["/app/name"]


def test_describe_name_begins_with_across_levels(ssm):
    ssm.put_parameter(Name="/apple", Value="a", Type="String")
    ssm.put_parameter(Name="applesauce", Value="a", Type="String")

    def begins(*values):
        return _described(ssm, ParameterFilters=[{"Key": "Name", "Option": "BeginsWith", "Values": list(values)}])

    assert begins("/app") == ["/app/db/host", "/app/db/password", "/app/db/ports", "/app/name", "/app/web/url", "/apple", "applesauce"]
    assert begins("/app/") == ["/app/db/host", "/app/db/password", "/app/db/ports", "/app/name", "/app/web/url"]
    assert begins("app/w", "/other/") == ["/app/web/url", "/other/x"]
    assert begins("/app/db/ports") == ["/app/db/ports"]
    assert begins("/nothing/here") == []


def test_describe_name_contains_compares_with_the_slashed_name(ssm_kms):
    ssm = boto3.client("ssm")
    for name in ("/tangent-3", "tangram-4", "standby-5"):
        ssm.put_parameter(Name=name, Value="v", Type="String")
    contains = [{"Key": "Name", "Option": "Contains", "Values": ["/tan"]}]
    assert _described(ssm, ParameterFilters=contains) == ["/tangent-3", "tangram-4"]
    anywhere = [{"Key": "Name", "Option": "Contains", "Values": ["tan"]}]
    assert _described(ssm, ParameterFilters=anywhere) == ["standby-5", "/tangent-3", "tangram-4"]


def test_filter_error_texts_are_aws_own(ssm):
    # AWS's wording, as recorded in moto's suite; the key lists are AWS's, not the full sets.
    assert error_of(ssm.describe_parameters, ParameterFilters=[{"Key": "Label", "Values": ["x"]}]) == (
        "InvalidFilterKey",
        "The following filter key is not valid: Label. Valid filter keys include: [Path, Name, Type, KeyId, Tier].",
    )
    assert error_of(ssm.get_parameters_by_path, Path="/app", ParameterFilters=[{"Key": "Tier", "Values": ["x"]}]) == (
        "InvalidFilterKey",
        "The following filter key is not valid: Tier. Valid filter keys include: [Type, KeyId].",
    )
    assert error_of(
        ssm.describe_parameters, ParameterFilters=[{"Key": "Path", "Option": "Equals", "Values": ["/a"]}]
    ) == ("InvalidFilterOption", "The following filter option is not valid: Equals. Valid options include: [Recursive, OneLevel].")
    assert error_of(
        ssm.describe_parameters, ParameterFilters=[{"Key": "Name", "Option": "option", "Values": ["a"]}]
    ) == ("InvalidFilterOption", "The following filter option is not valid: option. Valid options include: [BeginsWith, Equals].")
    assert error_of(ssm.describe_parameters, ParameterFilters=[{"Key": "Tier", "Values": ["test"]}]) == (
        "InvalidFilterValue",
        "The following filter value is not valid: test. Valid values include: [Standard, Advanced, Intelligent-Tiering].",
    )
    assert error_of(ssm.describe_parameters, ParameterFilters=[{"Key": "Type", "Values": ["test"]}])[1] == (
        "The following filter value is not valid: test. Valid values include: [String, StringList, SecureString]."
    )
    assert error_of(ssm.describe_parameters, ParameterFilters=[{"Key": "KeyId"}])[1] == (
        "The following filter values are missing : null for filter key KeyId."
    )


@pytest.mark.parametrize("values", [["/aws"], ["/ssm/x"], ["/app", "/AWS/service"]])
def test_describe_refuses_paths_of_common_parameters(ssm, values):
    assert error_of(ssm.describe_parameters, ParameterFilters=[{"Key": "Path", "Values": values}]) == (
        "ValidationException",
        'Filters for common parameters can\'t be prefixed with "aws" or "ssm" (case-insensitive). '
        "When using global parameters, please specify within a global namespace.",
    )


def test_filter_values_are_checked_at_the_list(ssm):
    # A list of strings is reported at the list, with all its members' constraints.
    assert error_of(ssm.describe_parameters, ParameterFilters=[{"Key": "Name", "Values": ["ok", "t" * 1025]}]) == (
        "ValidationException",
        f"1 validation error detected: Value '[ok, {'t' * 1025}]' at 'parameterFilters.1.member.values' failed to "
        "satisfy constraint: Member must satisfy constraint: [Member must have length less than or equal to 1024, "
        "Member must have length greater than or equal to 1]",
    )
    code, message = error_of(ssm.describe_parameters, ParameterFilters=[{"Key": "Bogus", "Values": ["x"]}])
    assert code == "ValidationException" and message.startswith(
        "1 validation error detected: Value 'Bogus' at 'parameterFilters.1.member.key' failed to satisfy "
        "constraint: Member must satisfy regular expression pattern: "
    )


def test_type_enum_is_printed_in_aws_order(ssm):
    assert error_of(ssm.put_parameter, Name="/t", Value="v", Type="Strings") == (
        "ValidationException",
        "1 validation error detected: Value 'Strings' at 'type' failed to satisfy constraint: "
        "Member must satisfy enum value set: [SecureString, StringList, String]",
    )
