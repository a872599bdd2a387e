"""Real clients in other processes against ssm_kms_server: the AWS CLI running the seed
document's commands, a Node program on the AWS SDK for JavaScript v3, and plain HTTP to the
Lambda extension's path."""

from __future__ import annotations

import json
import os
import subprocess
import textwrap
import urllib.request
from pathlib import Path

import pytest

from tests.server.real_clients import aws_cli, node_modules


def cli(server, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([aws_cli(), *args, "--output", "json"],
                          env={**os.environ, **(env or server.env)},
                          capture_output=True, text=True, timeout=120)


def ok(result: subprocess.CompletedProcess[str]) -> dict:
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout) if result.stdout.strip() else {}


def test_aws_cli_runs_the_seed_document_commands(ssm_kms, ssm_kms_server):
    managed = ok(cli(ssm_kms_server, "kms", "describe-key", "--key-id", "alias/aws/ssm"))["KeyMetadata"]
    assert managed["KeyManager"] == "AWS" and managed["Description"].startswith("Default key")
    assert ok(cli(ssm_kms_server, "ssm", "put-parameter", "--name", "MyParameter",
                  "--value", "secret_value", "--type", "SecureString")) == {"Version": 1, "Tier": "Standard"}
    key = ssm_kms.create_key(description="app key")
    ok(cli(ssm_kms_server, "ssm", "put-parameter", "--name", "param1", "--value", "secret",
           "--type", "SecureString", "--key-id", str(key)))
    plain = ok(cli(ssm_kms_server, "ssm", "get-parameter", "--name", "MyParameter"))["Parameter"]
    assert plain["Type"] == "SecureString" and plain["Value"] != "secret_value"
    decrypted = ok(cli(ssm_kms_server, "ssm", "get-parameter", "--name", "MyParameter", "--with-decryption"))
    assert decrypted["Parameter"]["Value"] == "secret_value"
    assert ok(cli(ssm_kms_server, "ssm", "get-parameter", "--name", "param1", "--with-decryption"))[
        "Parameter"]["Value"] == "secret"
    encrypts = ssm_kms.trail.lookup(event_name="Encrypt")
    assert [e["resources"][0]["ARN"] for e in encrypts][-1] == key.arn


def test_aws_cli_sts_get_caller_identity(ssm_kms, ssm_kms_server):
    assert ok(cli(ssm_kms_server, "sts", "get-caller-identity")) == {
        "UserId": "AIDAPYTESTSSMKMSADMIN", "Account": "123456789012",
        "Arn": "arn:aws:iam::123456789012:user/test-admin"}
    reader = ssm_kms.principal("reader")
    assert ok(cli(ssm_kms_server, "sts", "get-caller-identity", env=ssm_kms_server.env_for(reader)))[
        "Arn"] == reader.arn
    wrong = {**ssm_kms_server.env, "AWS_SECRET_ACCESS_KEY": "wrong"}
    refused = cli(ssm_kms_server, "sts", "get-caller-identity", env=wrong)
    assert refused.returncode != 0 and "(SignatureDoesNotMatch)" in refused.stderr
    assert [e["eventName"] for e in ssm_kms.trail] == ["GetCallerIdentity", "GetCallerIdentity"]


def test_aws_cli_sees_aws_errors(ssm_kms, ssm_kms_server):
    missing = cli(ssm_kms_server, "ssm", "get-parameter", "--name", "/nope")
    assert missing.returncode != 0 and "(ParameterNotFound)" in missing.stderr
    reader = ssm_kms.principal("reader")
    wrong = {**ssm_kms_server.env_for(reader), "AWS_SECRET_ACCESS_KEY": "wrong"}
    refused = cli(ssm_kms_server, "ssm", "get-parameter", "--name", "/nope", env=wrong)
    assert "(InvalidSignatureException)" in refused.stderr
    assert "The request signature we calculated does not match" in refused.stderr


NODE_SCRIPT = textwrap.dedent("""
    const { SSMClient, PutParameterCommand, GetParameterCommand } = require("@aws-sdk/client-ssm");
    const { KMSClient, EncryptCommand, DecryptCommand } = require("@aws-sdk/client-kms");
    const { STSClient, GetCallerIdentityCommand } = require("@aws-sdk/client-sts");
    const config = { endpoint: process.env.AWS_ENDPOINT_URL, region: process.env.AWS_REGION, maxAttempts: 1 };
    const ssm = new SSMClient(config);
    const kms = new KMSClient(config);
    const sts = new STSClient(config);
    const [keyId, disabledKeyId] = process.argv.slice(2);
    async function main() {
      const out = {};
      out.caller = (await sts.send(new GetCallerIdentityCommand({}))).Arn;
      const wrongSecret = new STSClient({ ...config, credentials: {
        accessKeyId: process.env.AWS_ACCESS_KEY_ID, secretAccessKey: "wrong",
        sessionToken: process.env.AWS_SESSION_TOKEN } });
      try {
        await wrongSecret.send(new GetCallerIdentityCommand({}));
      } catch (error) { out.stsRefused = error.name; out.stsStatus = error.$metadata.httpStatusCode; }
      out.put = (await ssm.send(new PutParameterCommand({
        Name: "/node/db", Value: "from-node", Type: "SecureString", KeyId: keyId }))).Version;
      out.value = (await ssm.send(new GetParameterCommand({ Name: "/node/db", WithDecryption: true }))).Parameter.Value;
      const context = { purpose: "test" };
      const encrypted = await kms.send(new EncryptCommand({
        KeyId: keyId, Plaintext: Buffer.from("hello"), EncryptionContext: context }));
      const decrypted = await kms.send(new DecryptCommand({
        CiphertextBlob: encrypted.CiphertextBlob, EncryptionContext: context }));
      out.decrypted = Buffer.from(decrypted.Plaintext).toString();
      try {
        await kms.send(new DecryptCommand({ CiphertextBlob: encrypted.CiphertextBlob }));
      } catch (error) { out.noContext = error.name; }
      try {
        await ssm.send(new PutParameterCommand({
          Name: "/node/off", Value: "x", Type: "SecureString", KeyId: disabledKeyId }));
      } catch (error) { out.disabled = error.name; out.status = error.$metadata.httpStatusCode; }
      console.log(JSON.stringify(out));
    }
    main().catch((error) => { console.error(error.name + ": " + error.message); process.exit(1); });
""")


def test_javascript_sdk_v3(ssm_kms, ssm_kms_server, tmp_path: Path):
    node, modules = node_modules()
    key = ssm_kms.create_key(alias="alias/node")
    disabled = ssm_kms.create_key(state="Disabled")
    script = tmp_path / "client.js"
    script.write_text(NODE_SCRIPT)
    result = subprocess.run(
        [node, str(script), key.arn, str(disabled)],
        env={**os.environ, **ssm_kms_server.env, "NODE_PATH": str(modules)},
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "caller": "arn:aws:iam::123456789012:user/test-admin",
        "stsRefused": "SignatureDoesNotMatch", "stsStatus": 403, "put": 1, "value": "from-node", "decrypted": "hello",
        "noContext": "InvalidCiphertextException", "disabled": "InvalidKeyId", "status": 400,
    }
    assert ssm_kms.trail.lookup(event_name="Decrypt")[0]["userIdentity"]["accessKeyId"] == (
        ssm_kms_server.env["AWS_ACCESS_KEY_ID"])


def test_plain_http_through_the_extension_path(ssm_kms, ssm_kms_server):
    ssm_kms.put_parameter("/fn/config", "c0nfig", type="SecureString")
    env = ssm_kms_server.env
    request = urllib.request.Request(
        f"http://localhost:{env['PARAMETERS_SECRETS_EXTENSION_HTTP_PORT']}"
        "/systemsmanager/parameters/get?name=%2Ffn%2Fconfig&withDecryption=true",
        headers={"X-Aws-Parameters-Secrets-Token": env["AWS_SESSION_TOKEN"]},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert json.loads(response.read())["Parameter"]["Value"] == "c0nfig"
    ssm_kms.trail.assert_called("GetParameter", times=1)
