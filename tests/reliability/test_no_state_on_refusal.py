"""A refused request changes nothing: input that names accounts, keys or grants that do not
exist is answered without bringing any of them into being."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.reliability.support import error_code

ACCOUNTS = st.text(alphabet="0123456789", min_size=12, max_size=12)
FOREIGN = st.sampled_from(["0123456789", "١٢٣٤٥٦٧٨٩٠"]).flatmap(
    lambda digits: st.text(alphabet=digits, min_size=12, max_size=12)
)


@settings(max_examples=30, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(account=FOREIGN, tail=st.text(alphabet="abcdef0123456789.-", min_size=1, max_size=40))
def test_garbage_grant_tokens_make_no_account(ssm_kms, account, tail):
    kms = ssm_kms.client("kms")
    if not ssm_kms.trail.lookup(event_name="CreateKey"):
        kms.create_key()
    key_id = kms.list_keys()["Keys"][0]["KeyId"]
    places = ssm_kms.world.places()
    token = f"{account}.{tail}"
    for call in (
        lambda: kms.encrypt(KeyId=key_id, Plaintext=b"x", GrantTokens=[token]),
        lambda: kms.retire_grant(GrantToken=token),
    ):
        with pytest.raises(ClientError) as caught:
            call()
        assert error_code(caught.value) == "InvalidGrantTokenException"
    assert ssm_kms.world.places() == places


@settings(max_examples=30, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(account=ACCOUNTS, key_id=st.sampled_from(["1234abcd-12ab-34cd-56ef-1234567890ab", "mrk-" + "a" * 32, "nope"]))
def test_a_key_arn_in_an_unknown_account_makes_no_account(ssm_kms, account, key_id):
    kms = ssm_kms.client("kms")
    kms.list_keys()  # the caller's own backend
    places = ssm_kms.world.places()
    arn = f"arn:aws:kms:{ssm_kms.region}:{account}:key/{key_id}"
    for call in (
        lambda: kms.encrypt(KeyId=arn, Plaintext=b"x"),
        lambda: kms.describe_key(KeyId=arn),
        lambda: kms.create_grant(KeyId=arn, GranteePrincipal="arn:aws:iam::111122223333:root", Operations=["Decrypt"]),
    ):
        with pytest.raises(ClientError) as caught:
            call()
        if account == ssm_kms.account_id:
            continue
        assert error_code(caught.value) == "NotFoundException"
        expected = f"Key '{arn}' does not exist" if key_id != "nope" else "Invalid keyId nope"
        assert caught.value.response["Error"]["Message"] == expected
    assert ssm_kms.world.places() == places
