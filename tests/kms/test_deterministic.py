"""Deterministic mode: the same seed gives the same key ids, material and ciphertexts."""

from __future__ import annotations

import boto3
import pytest

from pytest_ssmkms import mock_ssm_kms


def run_scenario(seed):
    with mock_ssm_kms(deterministic=seed):
        kms = boto3.client("kms")
        key = kms.create_key()["KeyMetadata"]
        second = kms.create_key(MultiRegion=True)["KeyMetadata"]
        blob = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"p", EncryptionContext={"a": "b"})["CiphertextBlob"]
        data = kms.generate_data_key(KeyId=key["KeyId"], KeySpec="AES_256")
        random = kms.generate_random(NumberOfBytes=16)["Plaintext"]
        grant = kms.create_grant(KeyId=key["KeyId"], GranteePrincipal="arn:aws:iam::123456789012:role/r", Operations=["Decrypt"])
        assert kms.decrypt(CiphertextBlob=blob, EncryptionContext={"a": "b"})["Plaintext"] == b"p"
        return (
            key["KeyId"], second["KeyId"], key["CurrentKeyMaterialId"], blob,
            data["Plaintext"], data["CiphertextBlob"], random, grant["GrantId"],
        )


def test_same_seed_same_results():
    assert run_scenario(42) == run_scenario(42)
    assert run_scenario("a seed") == run_scenario("a seed")


def test_other_seed_or_no_seed_differs():
    assert run_scenario(42)[0] != run_scenario(43)[0]
    unseeded = run_scenario(None), run_scenario(None)
    assert unseeded[0][0] != unseeded[1][0] and unseeded[0][3] != unseeded[1][3]


def test_regions_and_accounts_have_their_own_streams():
    with mock_ssm_kms(deterministic=7):
        east = boto3.client("kms", region_name="us-east-1").create_key()["KeyMetadata"]["KeyId"]
        west = boto3.client("kms", region_name="us-west-2").create_key()["KeyMetadata"]["KeyId"]
    assert east != west


@pytest.mark.ssm_kms(deterministic=1234)
def test_marker_option(ssm_kms):
    first = boto3.client("kms").create_key()["KeyMetadata"]["KeyId"]
    with mock_ssm_kms(deterministic=1234, fresh=True):
        assert boto3.client("kms").create_key()["KeyMetadata"]["KeyId"] == first


def test_ini_option(pytester):
    pytester.makeini("[pytest]\nssm_kms_deterministic = 1234\n")
    pytester.makepyfile(
        """
        import boto3
        from pytest_ssmkms import mock_ssm_kms

        def test_same_ids_as_the_seeded_context_manager(ssm_kms):
            first = boto3.client("kms").create_key()["KeyMetadata"]["KeyId"]
            with mock_ssm_kms(deterministic="1234", fresh=True):
                assert boto3.client("kms").create_key()["KeyMetadata"]["KeyId"] == first
        """
    )
    pytester.runpytest_subprocess("-p", "no:cacheprovider").assert_outcomes(passed=1)
