"""The trusted seeding helpers: keys exactly as described, bad values named clearly."""

from __future__ import annotations

import boto3
import pytest

from pytest_ssmkms.aws.errors import PluginUsageError
from pytest_ssmkms.seeding.kms import key_state, seed_key, set_key_state


@pytest.fixture
def backend(ssm_kms):
    return ssm_kms.world.backend()


def test_seeded_key_is_usable_and_unrecorded(ssm_kms, backend):
    key = seed_key(
        backend,
        alias=["alias/app", "alias/app2"],
        key_id="1234abcd-12ab-34cd-56ef-1234567890ab",
        description="seeded",
        tags={"team": "a"},
    )
    assert key.key_id == "1234abcd-12ab-34cd-56ef-1234567890ab"
    assert key.aliases == ["alias/app", "alias/app2"]
    assert key.key_manager == "CUSTOMER" and key.state == "Enabled"
    assert len(ssm_kms.trail) == 0
    kms = boto3.client("kms")
    blob = kms.encrypt(KeyId="alias/app2", Plaintext=b"p")["CiphertextBlob"]
    assert kms.decrypt(CiphertextBlob=blob)["KeyId"] == key.arn
    meta = kms.describe_key(KeyId="alias/app")["KeyMetadata"]
    assert meta["Description"] == "seeded"


@pytest.mark.parametrize("state", ["Enabled", "Disabled", "PendingDeletion", "PendingImport"])
def test_seed_in_each_state(backend, state):
    key = seed_key(backend, state=state)
    assert key_state(backend, key.key_id) == state
    assert key_state(backend, key.arn) == state


def test_set_key_state_moves_between_states(ssm_kms, backend):
    key = seed_key(backend, alias="alias/k")
    set_key_state(backend, "alias/k", "Disabled")
    assert key_state(backend, key.key_id) == "Disabled"
    set_key_state(backend, key.arn, "PendingDeletion", pending_window_days=7)
    assert key_state(backend, key.key_id) == "PendingDeletion"
    ssm_kms.clock.advance(days=8)
    with pytest.raises(PluginUsageError, match="deleted, or never created"):
        key_state(backend, key.key_id)


def test_external_key_seeded_enabled_has_material_and_can_go_pending_import(backend):
    key = seed_key(backend, origin="EXTERNAL")
    assert key.state == "Enabled"
    set_key_state(backend, key.key_id, "PendingImport")
    assert key.state == "PendingImport"
    set_key_state(backend, key.key_id, "Enabled")
    assert key.state == "Enabled"


def test_rotation_option(backend):
    assert seed_key(backend, rotation=True).rotation_period_days == 365
    assert seed_key(backend, rotation=90).rotation_period_days == 90
    assert seed_key(backend).rotation_enabled is False


@pytest.mark.parametrize(
    ("kwargs", "named"),
    [
        ({"state": "Gone"}, "state='Gone'"),
        ({"origin": "AWS_CLOUDHSM"}, "origin="),
        ({"key_spec": "AES_256"}, "key_spec="),
        ({"key_spec": "HMAC_256"}, "key_usage="),
        ({"key_id": "nope"}, "key_id="),
        ({"alias": "app"}, "alias="),
        ({"alias": "alias/aws/ssm"}, "alias="),
        ({"policy": "{not json"}, "policy"),
        ({"policy": {"Statement": []}}, "policy"),
        ({"tags": {"aws:x": "y"}}, "tags"),
        ({"rotation": 30}, "rotation="),
    ],
)
def test_bad_values_name_the_argument(backend, kwargs, named):
    with pytest.raises(PluginUsageError) as caught:
        seed_key(backend, **kwargs)
    assert named in str(caught.value)


def test_bad_state_lists_accepted_values(backend):
    key = seed_key(backend)
    with pytest.raises(PluginUsageError) as caught:
        set_key_state(backend, key.key_id, "enabled")
    assert "Enabled, Disabled, PendingDeletion, PendingImport" in str(caught.value)
    with pytest.raises(PluginUsageError, match="pending_window_days"):
        set_key_state(backend, key.key_id, "PendingDeletion", pending_window_days=3)
    with pytest.raises(PluginUsageError, match="origin='EXTERNAL'"):
        set_key_state(backend, key.key_id, "PendingImport")


def test_duplicates_are_refused(backend):
    seed_key(backend, alias="alias/a", key_id="1234abcd-12ab-34cd-56ef-1234567890ab")
    with pytest.raises(PluginUsageError, match="already exists"):
        seed_key(backend, alias="alias/a")
    with pytest.raises(PluginUsageError, match="already exists"):
        seed_key(backend, key_id="1234abcd-12ab-34cd-56ef-1234567890ab")


def test_seeded_policy_is_kept(backend):
    policy = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "kms:*", "Resource": "*"}],
    }
    key = seed_key(backend, policy=policy)
    assert '"kms:*"' in key.policy
