"""Reproducers of bugs the reliability tests found in code owned by others.

Each is a strict xfail: it fails today, deterministically; once the bug is fixed it passes,
strict xfail turns that into a failure, and whoever fixed it removes the mark here (and the
matching entry of ``support.KNOWN_BUGS``)."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from tests.reliability.support import UNVALIDATED, allowed_error_codes, error_code


# Fixed: kms Decrypt/ReEncrypt without CiphertextBlob (optional in botocore's model) answer
# ValidationException.
@pytest.mark.parametrize("operation", ["decrypt", "re_encrypt"])
def test_decrypt_without_ciphertext_is_a_validation_error(ssm_kms, operation):
    kms = ssm_kms.client("kms", config=UNVALIDATED)
    key_id = kms.create_key()["KeyMetadata"]["KeyId"]
    extra = {"DestinationKeyId": key_id} if operation == "re_encrypt" else {}
    with pytest.raises(ClientError) as caught:
        getattr(kms, operation)(**extra)
    assert error_code(caught.value) == "ValidationException"


# Fixed: kms UpdateAlias with a malformed name answers NotFoundException (modelled).
def test_update_alias_with_a_bad_name_answers_a_modelled_error(ssm_kms):
    kms = ssm_kms.client("kms")
    key_id = kms.create_key()["KeyMetadata"]["KeyId"]
    with pytest.raises(ClientError) as caught:
        kms.update_alias(AliasName="alias/", TargetKeyId=key_id)
    assert error_code(caught.value) in allowed_error_codes("kms", "UpdateAlias")


# Fixed: the trail's report section kept lone surrogates from request names, so xdist could
# not send the report (UnicodeEncodeError) and the worker died with INTERNALERROR. The protocol
# layer now refuses strings with lone surrogates before they reach handlers or the trail.
def test_failing_test_with_a_surrogate_name_is_reported_under_xdist(pytester):
    pytester.makepyfile(
        """
        import boto3, pytest
        from botocore.config import Config
        from botocore.exceptions import ClientError

        def test_fails(ssm_kms):
            ssm = boto3.client("ssm", config=Config(parameter_validation=False))
            with pytest.raises(ClientError):
                ssm.get_parameter(Name="bad\\ud800name")
            assert False, "the test's own failure"
        """
    )
    result = pytester.runpytest_subprocess("-n", "1", "-p", "no:cacheprovider")
    assert "INTERNALERROR" not in result.stdout.str()
    result.assert_outcomes(failed=1)
