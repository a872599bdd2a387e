"""The state file: a world saved whole and restored whole (``serve --state FILE``).

A world is filled over HTTP, saved, restored into a new world served by a new server, and
read back through boto3: values, history, labels, tags, policies, keys and every material,
aliases, grants, key policies, principals, roles and the clock are as they were; ciphertext
made before decrypts after. The trail is not saved: a restored world starts with an empty one.
"""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

import boto3
import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.serialization import load_der_public_key

from pytest_ssmkms.aws.backend import (
    DEFAULT_ACCESS_KEY_ID,
    DEFAULT_SECRET_ACCESS_KEY,
    Settings,
    World,
)
from pytest_ssmkms.mock import snapshot, state_file
from pytest_ssmkms.mock.handle import SsmKms
from pytest_ssmkms.mock.server import SsmKmsServer
from tests.server.conftest import NO_RETRIES, Served

READER = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": ["ssm:GetParameter*", "kms:Decrypt"], "Resource": "*"}]}


def fill(served: Served) -> dict[str, Any]:
    """Parameters, keys and identities of every kind, made over HTTP; what to check after."""
    ssm, kms = served.client("ssm"), served.client("kms")
    key = kms.create_key(Description="app", Tags=[{"TagKey": "team", "TagValue": "a"}])["KeyMetadata"]["Arn"]
    kms.create_alias(AliasName="alias/app", TargetKeyId=key)
    kms.enable_key_rotation(KeyId=key)
    kms.rotate_key_on_demand(KeyId=key)
    grant = kms.create_grant(KeyId=key, GranteePrincipal="arn:aws:iam::123456789012:role/worker",
                             Operations=["Decrypt"], Name="worker")
    policy = json.dumps({"Version": "2012-10-17", "Statement": [{
        "Sid": "root", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
        "Action": "kms:*", "Resource": "*"}]})
    kms.put_key_policy(KeyId=key, PolicyName="default", Policy=policy)
    before = kms.encrypt(KeyId="alias/app", Plaintext=b"made before", EncryptionContext={"app": "x"})
    signer = kms.create_key(KeySpec="RSA_2048", KeyUsage="SIGN_VERIFY")["KeyMetadata"]["Arn"]
    external = kms.create_key(Origin="EXTERNAL")["KeyMetadata"]["Arn"]
    params = kms.get_parameters_for_import(KeyId=external, WrappingAlgorithm="RSAES_OAEP_SHA_256",
                                           WrappingKeySpec="RSA_2048")
    wrapping = load_der_public_key(params["PublicKey"])
    material = os.urandom(32)
    wrapped = wrapping.encrypt(material, padding.OAEP(padding.MGF1(hashes.SHA256()), hashes.SHA256(), None))  # type: ignore[union-attr]
    kms.import_key_material(KeyId=external, ImportToken=params["ImportToken"], EncryptedKeyMaterial=wrapped,
                            ExpirationModel="KEY_MATERIAL_DOES_NOT_EXPIRE")
    imported = kms.encrypt(KeyId=external, Plaintext=b"imported")["CiphertextBlob"]

    ssm.put_parameter(Name="/app/db", Value="one", Type="SecureString", KeyId="alias/app",
                      Tags=[{"Key": "env", "Value": "prod"}])
    ssm.put_parameter(Name="/app/db", Value="two", Type="SecureString", Overwrite=True)
    ssm.put_parameter(Name="/app/db", Value="three", Type="SecureString", Overwrite=True, KeyId=external)
    ssm.label_parameter_version(Name="/app/db", ParameterVersion=2, Labels=["stable"])
    ssm.put_parameter(Name="/app/flags", Value="a,b", Type="StringList", Tier="Advanced", Policies=json.dumps([
        {"Type": "Expiration", "Version": "1.0", "Attributes": {"Timestamp": "2099-01-01T00:00:00.000Z"}}]))

    reader = served.handle.principal("reader", READER)
    role = served.handle.role("app", READER)
    served.world.clock.advance(days=3)
    session = served.client("sts").assume_role(RoleArn=role.arn, RoleSessionName="job")["Credentials"]
    return {"key": key, "grant": grant["GrantId"], "policy": policy, "before": before, "signer": signer,
            "external": external, "imported": imported, "reader": reader, "role": role, "session": session}


def reads(served: Served, made: dict[str, Any]) -> dict[str, Any]:
    """What a client sees of everything ``fill`` made."""
    ssm, kms = served.client("ssm"), served.client("kms")
    key = made["key"]

    def strip(answer: dict[str, Any]) -> dict[str, Any]:
        answer.pop("ResponseMetadata", None)
        return answer

    return {
        "history": strip(ssm.get_parameter_history(Name="/app/db", WithDecryption=True)),
        "labelled": strip(ssm.get_parameter(Name="/app/db:stable", WithDecryption=True)),
        "flags": strip(ssm.describe_parameters(ParameterFilters=[{"Key": "Name", "Values": ["/app/flags"]}])),
        "tags": strip(ssm.list_tags_for_resource(ResourceType="Parameter", ResourceId="/app/db")),
        "key": strip(kms.describe_key(KeyId=key)),
        "keys": strip(kms.list_keys()),
        "aliases": strip(kms.list_aliases()),
        "grants": strip(kms.list_grants(KeyId=key)),
        "policy": kms.get_key_policy(KeyId=key, PolicyName="default")["Policy"],
        "rotation": strip(kms.get_key_rotation_status(KeyId=key)),
        "rotations": strip(kms.list_key_rotations(KeyId=key)),
        "key_tags": strip(kms.list_resource_tags(KeyId=key)),
        "public": kms.get_public_key(KeyId=made["signer"])["PublicKey"],
        "external": strip(kms.describe_key(KeyId=made["external"])),
    }


def restored(world: World, path: Path) -> World:
    state_file.save(world, path)
    loaded = state_file.load(path)
    assert loaded is not None and loaded is not world
    return loaded


def test_everything_survives_a_save_and_restore(served: Served, tmp_path: Path):
    made = fill(served)
    seen = reads(served, made)
    now = served.world.clock.now()
    world = restored(served.world, tmp_path / "state.json")
    assert len(world.trail) == 0  # the trail is not part of the state

    with SsmKmsServer(world) as server:
        after = Served(world, server)
        assert reads(after, made) == seen
        kms = after.client("kms")
        before = made["before"]
        assert kms.decrypt(CiphertextBlob=before["CiphertextBlob"],
                           EncryptionContext={"app": "x"})["Plaintext"] == b"made before"
        assert kms.decrypt(CiphertextBlob=made["imported"])["Plaintext"] == b"imported"
        signature = kms.sign(KeyId=made["signer"], Message=b"m", SigningAlgorithm="RSASSA_PSS_SHA_256")["Signature"]
        assert kms.verify(KeyId=made["signer"], Message=b"m", Signature=signature,
                          SigningAlgorithm="RSASSA_PSS_SHA_256")["SignatureValid"]
        # New versions continue the history.
        assert after.client("ssm").put_parameter(Name="/app/db", Value="four", Type="SecureString",
                                                 Overwrite=True)["Version"] == 4
        # Identities sign with the secrets they had; their policies still decide.
        reader = made["reader"]
        as_reader = after.client("ssm", key=reader.access_key_id, secret=reader.secret_access_key)
        assert as_reader.get_parameter(Name="/app/db:2", WithDecryption=True)["Parameter"]["Value"] == "two"
        with pytest.raises(Exception, match="AccessDeniedException"):
            as_reader.put_parameter(Name="/x", Value="v", Type="String")
        session = made["session"]
        as_role = after.client("sts", key=session["AccessKeyId"], secret=session["SecretAccessKey"],
                               token=session["SessionToken"])
        assert as_role.get_caller_identity()["Arn"].endswith(":assumed-role/app/job")
        role_again = after.client("sts").assume_role(RoleArn=made["role"].arn, RoleSessionName="again")
        assert role_again["AssumedRoleUser"]["Arn"].endswith(":assumed-role/app/again")
    # The clock: its offset (advance) was kept.
    assert world.clock.offset == timedelta(days=3)
    assert world.clock.now() >= now


def test_the_file_is_owner_only_marked_and_replaced_whole(served: Served, tmp_path: Path):
    path = tmp_path / "state.json"
    served.handle.put_parameter("/p", "v")
    state_file.save(served.world, path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    data = json.loads(path.read_text())
    assert data["format"] == "pytest-ssmkms-state/1" and data["written_by"].startswith("pytest-ssmkms ")
    served.handle.put_parameter("/q", "w")
    state_file.save(served.world, path)  # over the old file
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["state.json"]  # no temporary left


def test_a_world_that_cannot_be_saved_leaves_the_old_file(served: Served, tmp_path: Path):
    path = tmp_path / "state.json"
    state_file.save(served.world, path)
    old = path.read_bytes()
    served.world.service_state["odd"] = object()  # not state the snapshot knows
    with pytest.raises(state_file.StateFileError, match=r"cannot save the state .*builtins.object"):
        state_file.save(served.world, path)
    assert path.read_bytes() == old
    assert sorted(p.name for p in tmp_path.iterdir()) == ["state.json"]


def test_a_missing_file_is_an_empty_start(tmp_path: Path):
    assert state_file.load(tmp_path / "absent.json") is None


@pytest.mark.parametrize(("content", "message"), [
    ("{not json", "is not valid JSON"),
    ('{"format": "pytest-ssmkms-state/0", "world": {}}', "not a pytest-ssmkms state file of format pytest-ssmkms-state/1"),
    ("[1, 2]", "not a pytest-ssmkms state file"),
    ('{"format": "pytest-ssmkms-state/1", "shapes": {}, "world": {"$r": 5}}', "nothing was loaded"),
    ('{"format": "pytest-ssmkms-state/1", "shapes": {}, "world": {"$o": "os:system", "#": 0, "f": {}}}',
     "outside pytest-ssmkms"),
    ('{"format": "pytest-ssmkms-state/1", "shapes": {}, "world": '
     '{"$o": "pytest_ssmkms.aws.backend:threading.Thread", "#": 0, "f": {}}}', "not a class of pytest-ssmkms"),
])
def test_unreadable_files_are_refused_clearly(tmp_path: Path, content: str, message: str):
    path = tmp_path / "state.json"
    path.write_text(content)
    with pytest.raises(state_file.StateFileError, match=message) as caught:
        state_file.load(path)
    assert str(path) in str(caught.value)
    assert path.read_text() == content  # left as it was


def test_a_file_from_code_with_other_fields_is_refused(served: Served, tmp_path: Path):
    served.handle.put_parameter("/p", "v")
    data = json.loads(json.dumps({"format": state_file.FORMAT, **snapshot.dump(served.world)}))
    name = "pytest_ssmkms.aws.ssm.model:Version"
    data["shapes"][name] = [*data["shapes"][name], "field_of_another_version"]
    path = tmp_path / "state.json"
    path.write_text(json.dumps(data))
    with pytest.raises(state_file.StateFileError, match="written by another version"):
        state_file.load(path)


def test_a_truncated_file_loads_nothing(served: Served, tmp_path: Path):
    fill(served)
    path = tmp_path / "state.json"
    state_file.save(served.world, path)
    text = path.read_text()
    path.write_text(text[: len(text) // 2])
    with pytest.raises(state_file.StateFileError):
        state_file.load(path)


# -- the command ----------------------------------------------------------------------------


def serve(*args: str, cwd: Path) -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "pytest_ssmkms", "serve", "--port", "0", "--quiet", *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=cwd,
    )
    assert process.stdout is not None
    first = process.stdout.readline()
    assert first.startswith("pytest-ssmkms serving http://127.0.0.1:"), first + process.stderr.read()
    return process, first.split()[2]


def stop(process: subprocess.Popen[str]) -> str:
    process.send_signal(signal.SIGTERM)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 0, err
    return err


def client(service: str, endpoint: str) -> Any:
    return boto3.session.Session().client(
        service, endpoint_url=endpoint, region_name="eu-west-1", config=NO_RETRIES,
        aws_access_key_id=DEFAULT_ACCESS_KEY_ID, aws_secret_access_key=DEFAULT_SECRET_ACCESS_KEY)


def test_serve_state_round_trip(tmp_path: Path):
    process, endpoint = serve("--state", "world.json", "--region", "eu-west-1", cwd=tmp_path)
    try:
        ssm, kms = client("ssm", endpoint), client("kms", endpoint)
        key = kms.create_key()["KeyMetadata"]["KeyId"]
        kms.rotate_key_on_demand(KeyId=key)
        kms.create_grant(KeyId=key, GranteePrincipal="arn:aws:iam::123456789012:user/u", Operations=["Encrypt"])
        blob = kms.encrypt(KeyId=key, Plaintext=b"kept")["CiphertextBlob"]
        ssm.put_parameter(Name="/s", Value="1", Type="SecureString", KeyId=key)
        ssm.put_parameter(Name="/s", Value="2", Type="SecureString", Overwrite=True)
        history = ssm.get_parameter_history(Name="/s", WithDecryption=True)["Parameters"]
        grants = kms.list_grants(KeyId=key)["Grants"]
    finally:
        stop(process)
    path = tmp_path / "world.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600

    process, endpoint = serve("--state", "world.json", cwd=tmp_path)  # region from the file
    try:
        ssm, kms = client("ssm", endpoint), client("kms", endpoint)
        assert kms.decrypt(CiphertextBlob=blob)["Plaintext"] == b"kept"
        assert ssm.get_parameter_history(Name="/s", WithDecryption=True)["Parameters"] == history
        assert kms.list_grants(KeyId=key)["Grants"] == grants
        assert len(kms.list_key_rotations(KeyId=key)["Rotations"]) == 1
    finally:
        stop(process)


def test_serve_refuses_a_bad_state_file_at_start(tmp_path: Path):
    (tmp_path / "world.json").write_text('{"format": "something-else"}')
    result = subprocess.run([sys.executable, "-m", "pytest_ssmkms", "serve", "--port", "0",
                             "--state", "world.json"], capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert result.returncode == 2
    assert "not a pytest-ssmkms state file" in result.stderr and "serving" not in result.stdout
    assert (tmp_path / "world.json").read_text() == '{"format": "something-else"}'


def test_serve_refuses_flags_that_contradict_the_state(tmp_path: Path):
    world = World(Settings(region="eu-west-1"))
    SsmKms(world).put_parameter("/p", "v")
    state_file.save(world, tmp_path / "world.json")
    result = subprocess.run([sys.executable, "-m", "pytest_ssmkms", "serve", "--port", "0", "--state",
                             "world.json", "--region", "us-west-2"], capture_output=True, text=True,
                            timeout=60, cwd=tmp_path)
    assert result.returncode == 2 and "--region us-west-2 differs from the state file's eu-west-1" in result.stderr
