"""Property: an operation answers only the error codes its botocore model lists, or one of
the codes every AWS service may answer. Requests here are *well formed* (botocore's own
validation on), with names, ids and ARNs at the edges of what AWS accepts, so they reach the
handlers' deeper checks, where an unmodelled code could slip out.

Each finding of this family is a case where AWS documents another answer: a 16-level name
given to DeleteParameter or LabelParameterVersion used to answer
HierarchyLevelLimitExceededException, which the model lists for PutParameter only (a name that
deep cannot exist, so AWS answers ParameterNotFound).
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import pytest
from botocore import xform_name
from botocore.config import Config
from botocore.exceptions import ClientError, ParamValidationError
from botocore.model import Shape
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pytest_ssmkms import mock_ssm_kms
from tests.reliability.support import all_implemented, allowed_error_codes, error_code, model, seed

# Codes any operation of a JSON service may answer besides its modelled errors. AWS's
# "Common Errors" page (the same in every service's API reference) lists AccessDeniedException,
# IncompleteSignature, InternalFailure, InvalidAction, InvalidClientTokenId, NotAuthorized,
# OptInRequired, RequestExpired, ServiceUnavailable, ThrottlingException and ValidationError;
# JSON services send their *Exception forms. InternalFailure and ServiceUnavailable are left
# out on purpose: from an in-memory mock they would be bugs. ExpiredTokenException and
# UnrecognizedClientException are the JSON services' answers to expired or unknown keys.
COMMON_CODES = frozenset(
    {
        "AccessDeniedException",
        "IncompleteSignatureException",
        "InvalidClientTokenId",
        "UnrecognizedClientException",
        "ExpiredTokenException",
        "NotAuthorized",
        "OptInRequired",
        "RequestExpired",
        "ThrottlingException",
        "ValidationException",
    }
)

VALIDATED = Config(retries={"total_max_attempts": 1, "mode": "standard"})
DEPTH_LIMIT = 15


def deep_name(levels: int) -> str:
    return "/" + "/".join(f"l{i}" for i in range(levels))


# Parameter names: around the 15-level limit, at the length limit, reserved, with selectors,
# as ARNs of here and elsewhere.
NAMES = st.one_of(
    st.integers(DEPTH_LIMIT - 1, DEPTH_LIMIT + 25).map(deep_name),
    st.sampled_from(
        [
            "/rel/plain", "/rel/secure", "rel", "/rel/plain:1", "/rel/plain:2", "/rel/plain:prod",
            "/aws/reserved", "/aws/service/global-infrastructure/regions", "ssm-name", "/ssm/x",
            "/" + "n" * 1000, "/" + "/".join(["a" * 60] * 15),
            "arn:aws:ssm:us-east-1:123456789012:parameter/rel/plain",
            "arn:aws:ssm:eu-west-1:123456789012:parameter/rel/plain",
            "arn:aws:ssm:us-east-1:210987654321:parameter/rel/plain",
            "arn:aws:ssm:us-east-1:123456789012:parameter" + deep_name(DEPTH_LIMIT + 1),
        ]
    ),
)
KEYS = st.sampled_from(
    [
        "alias/reliability", "alias/aws/ssm", "alias/missing", "alias/aws/other",
        "1234abcd-12ab-34cd-56ef-1234567890ab", "mrk-1234abcd12ab34cd56ef1234567890ab",
        "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
        "arn:aws:kms:us-east-1:210987654321:alias/other",
    ]
)


def _hints(seeded: Any) -> dict[str, st.SearchStrategy[Any]]:
    keys = st.one_of(st.sampled_from(seeded.key_refs()), KEYS) if seeded.key_refs() else KEYS
    arns = NAMES.map(lambda n: n if n.startswith("arn:") else "arn:aws:ssm:us-east-1:123456789012:parameter/" + n.lstrip("/"))
    return {
        "Name": NAMES,
        "ResourceId": NAMES,
        "Names": st.lists(NAMES, min_size=1, max_size=10),
        "Path": st.one_of(st.integers(DEPTH_LIMIT - 1, DEPTH_LIMIT + 5).map(deep_name), st.sampled_from(["/rel", "/", "/aws/service"])),
        "ResourceArn": arns,
        "Labels": st.lists(st.sampled_from(["prod", "1bad", "aws-x", "ok_label"]), min_size=1, max_size=10),
        "KeyId": keys,
        "TargetKeyId": keys,
        "SourceKeyId": keys,
        "DestinationKeyId": keys,
        "AliasName": st.sampled_from(["alias/reliability", "alias/fresh", "alias/aws/other", "alias/" + "a" * 250]),
        "EncryptionContext": st.sampled_from([{"app": "rel"}, {}]),
        "CiphertextBlob": st.sampled_from(seeded.ciphertexts or [b"x" * 32]),
    }


def _valid(shape: Shape, hints: dict[str, st.SearchStrategy[Any]], name: str = "", depth: int = 0) -> st.SearchStrategy[Any]:
    """A value botocore's validation accepts for ``shape`` (lengths, ranges, types, enums)."""
    if name in hints:
        return hints[name]
    meta = shape.metadata
    low, high = meta.get("min"), meta.get("max")
    kind = shape.type_name
    if kind == "structure":
        if depth > 4:
            return st.just({})
        members = {m: _valid(s, hints, m, depth + 1) for m, s in shape.members.items()}
        required = {m: members[m] for m in shape.required_members if m in members}
        optional = {m: s for m, s in members.items() if m not in required}
        return st.fixed_dictionaries(required, optional=optional)
    if kind == "list":
        return st.lists(_valid(shape.member, hints, "", depth + 1), min_size=int(low or 0), max_size=min(int(high or 3), 3))
    if kind == "map":
        return st.dictionaries(_valid(shape.key, hints, "", depth + 1), _valid(shape.value, hints, "", depth + 1), max_size=2)
    if kind == "blob":
        return st.binary(min_size=int(low or 0), max_size=min(int(high or 64), 64))
    if kind == "timestamp":
        return st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(timezone.utc))
    if kind == "boolean":
        return st.booleans()
    if kind in ("integer", "long"):
        return st.integers(min_value=int(low if low is not None else 0), max_value=int(high if high is not None else 2**31 - 1))
    if kind in ("float", "double"):
        return st.floats(min_value=0, max_value=1e6)
    if shape.enum:
        return st.sampled_from(list(shape.enum))
    size = int(low or 1)
    return st.text(st.characters(codec="ascii", categories=["L", "N"]), min_size=size, max_size=max(size, min(int(high or 20), 20)))


PROPERTY = settings(
    max_examples=20,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)


@pytest.mark.parametrize(("service", "operation"), all_implemented())
def test_well_formed_requests_get_only_modelled_or_common_errors(service, operation):
    allowed = allowed_error_codes(service, operation) | COMMON_CODES
    input_shape = model(service, operation).input_shape
    method = xform_name(operation)
    with mock_ssm_kms() as aws:
        seeded = seed(aws)
        client = aws.client(service, config=VALIDATED)
        requests = _valid(input_shape, _hints(seeded)) if input_shape is not None else st.just({})

        @PROPERTY
        @given(request=requests)
        def check(request: dict[str, Any]) -> None:
            try:
                getattr(client, method)(**request)
            except ParamValidationError:
                return  # a combination botocore refuses before sending: nothing of ours ran
            except ClientError as error:
                code = error_code(error)
                assert code in allowed, (
                    f"{service} {operation} answered {code} ({error.response['Error'].get('Message')}), "
                    f"which its model does not list; modelled and common: {sorted(allowed)}"
                )

        check()


SSM_DEEP_NAME_ANSWERS = {
    # operation: (request, the code AWS answers for a name that cannot exist)
    "PutParameter": ({"Value": "v", "Type": "String"}, "HierarchyLevelLimitExceededException"),
    "GetParameter": ({}, "ParameterNotFound"),
    "GetParameterHistory": ({}, "ParameterNotFound"),
    "DeleteParameter": ({}, "ParameterNotFound"),
    "LabelParameterVersion": ({"Labels": ["prod"]}, "ParameterNotFound"),
    "UnlabelParameterVersion": ({"ParameterVersion": 1, "Labels": ["prod"]}, "ParameterNotFound"),
}


@pytest.mark.parametrize("levels", [16, 40])
@pytest.mark.parametrize("operation", sorted(SSM_DEEP_NAME_ANSWERS))
def test_the_depth_limit_applies_only_to_names_being_created(operation, levels):
    extra, expected = SSM_DEEP_NAME_ANSWERS[operation]
    with mock_ssm_kms() as aws:
        ssm = aws.client("ssm")
        with pytest.raises(ClientError) as refused:
            getattr(ssm, xform_name(operation))(Name=deep_name(levels), **extra)
        # Delete and (Un)Label used to answer HierarchyLevelLimitExceededException.
        assert error_code(refused.value) == expected
        assert expected in allowed_error_codes("ssm", operation)
        # The batch forms list the name as invalid; tags answer InvalidResourceId.
        assert ssm.delete_parameters(Names=[deep_name(levels)])["InvalidParameters"] == [deep_name(levels)]
        assert ssm.get_parameters(Names=[deep_name(levels)])["InvalidParameters"] == [deep_name(levels)]
        with pytest.raises(ClientError) as untagged:
            ssm.list_tags_for_resource(ResourceType="Parameter", ResourceId=deep_name(levels))
        assert error_code(untagged.value) == "InvalidResourceId"
        # Fifteen levels is still a name that can be made, labelled and deleted.
        ssm.put_parameter(Name=deep_name(15), Value="v", Type="String")
        ssm.label_parameter_version(Name=deep_name(15), Labels=["prod"])
        ssm.delete_parameter(Name=deep_name(15))
