"""Numbers and dates from input are read strictly: only ASCII digits count, out-of-range
values get AWS's validation errors (never OverflowError, OSError or InternalFailure), and a
value accepted at write time never makes a later read fail, whatever the clock says."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest
from botocore.exceptions import ClientError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pytest_ssmkms.aws import strict
from tests.reliability.support import UNVALIDATED, error_code, time_bound

# Characters str.isdigit() or float() accept that are no ASCII digits: superscripts,
# Arabic-Indic, fullwidth, Devanagari, circled, and the separator float() allows.
NOT_ASCII_DIGITS = "²³¹١٢٣０９४⑤_"
NUMBERISH = st.text(alphabet=NOT_ASCII_DIGITS + "0123456789", min_size=1, max_size=40)
HUGE = [pytest.param("9" * n, id=f"9x{n}") for n in (13, 40, 400)]

SETTINGS = settings(
    max_examples=40, deadline=None, derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _policies(**attributes: str) -> str:
    return json.dumps([{"Type": kind, "Version": "1.0", "Attributes": attrs} for kind, attrs in attributes.items()])


@SETTINGS
@given(selector=NUMBERISH)
def test_a_version_selector_of_non_ascii_digits_is_no_version(ssm_kms, selector):
    ssm = ssm_kms.client("ssm", config=UNVALIDATED)
    if not ssm_kms.trail.lookup(event_name="PutParameter"):
        ssm.put_parameter(Name="/p", Value="v", Type="String")
    is_version_1 = selector.isascii() and selector.isdigit() and int(selector) == 1
    try:
        found = ssm.get_parameter(Name=f"/p:{selector}")["Parameter"]
    except ClientError as error:
        assert error_code(error) in {"ParameterVersionNotFound", "ValidationException"}
        assert not is_version_1
    else:
        assert is_version_1 and found["Version"] == 1


@pytest.mark.parametrize("amount", [*NOT_ASCII_DIGITS, "١٥", "1_5", " 15", "0", *HUGE])
@pytest.mark.parametrize("kind", ["ExpirationNotification", "NoChangeNotification"])
def test_a_policy_duration_is_ascii_digits_in_range(ssm_kms, kind, amount):
    ssm = ssm_kms.client("ssm")
    key = "Before" if kind == "ExpirationNotification" else "After"
    with pytest.raises(ClientError) as caught:
        ssm.put_parameter(
            Name="/p", Value="v", Type="String", Tier="Advanced",
            Policies=_policies(**{kind: {key: amount, "Unit": "Days"}}),
        )
    assert error_code(caught.value) == "InvalidPolicyAttributeException"
    assert ssm.describe_parameters()["Parameters"] == []


@pytest.mark.parametrize(
    "timestamp",
    ["２０３０-01-01T00:00:00Z", "2030-01-01T00:00:00.000Z\u0660", "9999-12-31T23:30:00-01:00", "99999-01-01"],
)
def test_an_expiration_outside_the_calendar_is_refused(ssm_kms, timestamp):
    ssm = ssm_kms.client("ssm")
    with pytest.raises(ClientError) as caught:
        ssm.put_parameter(
            Name="/p", Value="v", Type="String", Tier="Advanced",
            Policies=_policies(Expiration={"Timestamp": timestamp}),
        )
    assert error_code(caught.value) == "InvalidPolicyAttributeException"


@pytest.mark.parametrize(
    ("expiration", "notification"),
    [
        # A notice 2,700 years before an expiration in 2030 would fall before year 1.
        ({"Timestamp": "2030-01-01T00:00:00Z"}, {"ExpirationNotification": {"Before": "999999", "Unit": "Days"}}),
        # A notice 2.7 million years after the last change would fall after 9999.
        (None, {"NoChangeNotification": {"After": "999999999", "Unit": "Days"}}),
        ({"Timestamp": "9999-12-31T00:00:00Z"}, {"NoChangeNotification": {"After": "2", "Unit": "Days"}}),
    ],
)
def test_an_accepted_policy_never_breaks_a_later_read(ssm_kms, expiration, notification):
    ssm = ssm_kms.client("ssm")
    policies = dict(notification)
    if expiration is not None:
        policies["Expiration"] = expiration
    ssm.put_parameter(Name="/p", Value="v", Type="String", Tier="Advanced", Policies=_policies(**policies))
    statuses = {p["PolicyType"]: p["PolicyStatus"] for p in ssm.describe_parameters()["Parameters"][0]["Policies"]}
    if "ExpirationNotification" in statuses:
        assert statuses["ExpirationNotification"] == "Finished"  # its moment is long past
    if "NoChangeNotification" in statuses:
        assert statuses["NoChangeNotification"] == "Pending"
    assert len(ssm.get_parameter_history(Name="/p")["Parameters"]) == 1
    assert ssm.get_parameter(Name="/p")["Parameter"]["Value"] == "v"


def _key_policy(operator: str, value: str) -> str:
    return json.dumps({
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": "admin", "Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "kms:*", "Resource": "*",
             "Condition": {operator: {"kms:EncryptionContext:when": value}}},
            {"Sid": "manage", "Effect": "Allow", "Principal": {"AWS": "*"},
             "Action": ["kms:PutKeyPolicy", "kms:DescribeKey"], "Resource": "*"},
        ],
    })


@pytest.mark.parametrize("value", [*NOT_ASCII_DIGITS, "١٢", "1_0", "2030-01-0١"])
@pytest.mark.parametrize("operator", ["NumericLessThan", "DateLessThan"])
def test_a_policy_condition_value_of_non_ascii_digits_is_malformed(ssm_kms, operator, value):
    kms = ssm_kms.client("kms")
    key_id = kms.create_key()["KeyMetadata"]["KeyId"]
    with pytest.raises(ClientError) as caught:
        kms.put_key_policy(KeyId=key_id, PolicyName="default", Policy=_key_policy(operator, value))
    assert error_code(caught.value) == "MalformedPolicyDocumentException"


@pytest.mark.parametrize("value", [*NOT_ASCII_DIGITS, "١", "1_0", *HUGE, "2030-01-0١"])
@pytest.mark.parametrize(("operator", "bound"), [("NumericLessThan", "100"), ("DateLessThan", "2100-01-01T00:00:00Z")])
def test_a_request_value_of_non_ascii_digits_matches_no_number_or_date(ssm_kms, operator, bound, value):
    # The value comes from the request (an encryption context): no number, no date, so the
    # condition fails and the call is denied, never InternalFailure.
    kms = ssm_kms.client("kms")
    key_id = kms.create_key(Policy=_key_policy(operator, bound))["KeyMetadata"]["KeyId"]
    assert kms.encrypt(KeyId=key_id, Plaintext=b"x", EncryptionContext={"when": "5"})["KeyId"]
    with pytest.raises(ClientError) as caught:
        kms.encrypt(KeyId=key_id, Plaintext=b"x", EncryptionContext={"when": value})
    assert error_code(caught.value) == "AccessDeniedException"


@pytest.mark.parametrize(
    "moment",
    [datetime(9999, 12, 31, 23, 0, tzinfo=timezone.utc), datetime(1, 1, 1, 1, 0, tzinfo=timezone.utc)],
    ids=["year-9999", "year-1"],
)
def test_every_dated_call_answers_on_a_clock_at_the_calendar_edge(ssm_kms, moment):
    ssm_kms.clock.set(moment)
    kms = ssm_kms.client("kms")
    ssm = ssm_kms.client("ssm")
    with time_bound(60):
        key_id = kms.create_key()["KeyMetadata"]["KeyId"]
        kms.enable_key_rotation(KeyId=key_id, RotationPeriodInDays=2560)
        assert kms.get_key_rotation_status(KeyId=key_id)["KeyRotationEnabled"]
        kms.rotate_key_on_demand(KeyId=key_id)
        blob = kms.encrypt(KeyId=key_id, Plaintext=b"x")["CiphertextBlob"]
        assert kms.decrypt(CiphertextBlob=blob)["Plaintext"] == b"x"
        external = kms.create_key(Origin="EXTERNAL")["KeyMetadata"]["KeyId"]
        kms.get_parameters_for_import(
            KeyId=external, WrappingAlgorithm="RSAES_OAEP_SHA_256", WrappingKeySpec="RSA_2048"
        )
        deletion = kms.schedule_key_deletion(KeyId=key_id, PendingWindowInDays=7)["DeletionDate"]
        assert deletion.year == moment.year  # after 9999: held at its last millisecond
        kms.describe_key(KeyId=key_id)
        ssm.put_parameter(Name="/s", Value="v", Type="SecureString")
        ssm.put_parameter(
            Name="/n", Value="v", Type="String", Tier="Advanced",
            Policies=_policies(NoChangeNotification={"After": "30", "Unit": "Days"}),
        )
        assert ssm.get_parameter(Name="/s", WithDecryption=True)["Parameter"]["Value"] == "v"
        ssm.describe_parameters()
        ssm.get_parameter_history(Name="/n")
        trail = ssm_kms.client("cloudtrail")
        assert trail.lookup_events(MaxResults=5)["Events"]
        ssm_kms.clock.advance(minutes=30)
        kms.list_keys()


@settings(max_examples=300, deadline=None, derandomize=True)
@given(text=st.text(max_size=60))
def test_the_strict_readers_never_raise(text):
    for read in (strict.whole_number, strict.decimal_number, strict.iso_time):
        read(text)
    assert strict.is_digits(text) == (bool(text) and all("0" <= c <= "9" for c in text))
    number = strict.whole_number(text)
    assert number is None or str(number) == (text.lstrip("0") or "0")


@settings(max_examples=300, deadline=None, derandomize=True)
@given(moment=st.datetimes(timezones=st.just(timezone.utc)), delta=st.timedeltas())
def test_shift_never_overflows(moment, delta):
    shifted = strict.shift(moment, delta)
    assert strict.EARLIEST <= shifted <= strict.LATEST
    if strict.EARLIEST < shifted < strict.LATEST:
        assert shifted == moment + delta
