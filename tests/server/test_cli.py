"""``python -m pytest_ssmkms serve`` as docker-compose or a developer runs it."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import boto3
import pytest

from tests.server.conftest import NO_RETRIES


def start(*args: str, cwd: Path) -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "pytest_ssmkms", "serve", "--port", "0", *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=cwd,
    )
    assert process.stdout is not None
    first = process.stdout.readline()
    assert first.startswith("pytest-ssmkms serving http://127.0.0.1:"), first + process.stderr.read()
    return process, first.split()[2]


def client(service: str, endpoint: str):
    return boto3.session.Session().client(
        service, endpoint_url=endpoint, region_name="eu-central-1", config=NO_RETRIES,
        aws_access_key_id="AKIAIOSFODNN7EXAMPLE",
        aws_secret_access_key="wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")


@pytest.mark.parametrize("stop_with", [signal.SIGTERM, signal.SIGINT])
def test_serves_seeds_and_writes_the_trail_on_stop(tmp_path: Path, stop_with: int):
    (tmp_path / "seed.json").write_text(json.dumps({"/app/url": "https://example.test"}))
    process, endpoint = start("--region", "eu-central-1", "--account-id", "111122223333",
                              "--seed", "seed.json", "--trail", "trail.json", cwd=tmp_path)
    try:
        ssm = client("ssm", endpoint)
        assert ssm.get_parameter(Name="/app/url")["Parameter"]["ARN"] == (
            "arn:aws:ssm:eu-central-1:111122223333:parameter/app/url")
        ssm.put_parameter(Name="/app/secret", Value="pw", Type="SecureString")
    finally:
        process.send_signal(stop_with)
        out, err = process.communicate(timeout=30)
    assert process.returncode == 0, err
    assert "AmazonSSM.PutParameter 200" in out and out.rstrip().endswith("pytest-ssmkms stopped")
    assert "pw" not in out + err
    records = json.loads((tmp_path / "trail.json").read_text())["Records"]
    assert [r["eventName"] for r in records] == ["GetParameter", "PutParameter", "Encrypt"]


def test_refuses_a_non_loopback_host_without_the_flag(tmp_path: Path):
    result = subprocess.run([sys.executable, "-m", "pytest_ssmkms", "serve", "--host", "0.0.0.0"],
                            capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert result.returncode == 2 and "--allow-remote" in result.stderr


def test_warns_when_allowed_beyond_loopback(tmp_path: Path):
    process = subprocess.Popen(
        [sys.executable, "-m", "pytest_ssmkms", "serve", "--host", "0.0.0.0", "--port", "0",
         "--allow-remote", "--quiet"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=tmp_path)
    assert process.stdout is not None
    assert process.stdout.readline().startswith("pytest-ssmkms serving http://0.0.0.0:")
    process.send_signal(signal.SIGTERM)
    _, err = process.communicate(timeout=30)
    assert process.returncode == 0 and "WARNING" in err


def test_a_bad_seed_file_is_a_clear_error(tmp_path: Path):
    (tmp_path / "bad.json").write_text("[1, 2")
    result = subprocess.run([sys.executable, "-m", "pytest_ssmkms", "serve", "--port", "0", "--seed", "bad.json"],
                            capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith("pytest-ssmkms: ") and "bad.json" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_port_in_use_is_a_clear_error(tmp_path: Path):
    process, endpoint = start("--quiet", cwd=tmp_path)
    try:
        port = endpoint.rsplit(":", 1)[1]
        result = subprocess.run([sys.executable, "-m", "pytest_ssmkms", "serve", "--port", port],
                                capture_output=True, text=True, timeout=60, cwd=tmp_path)
        assert result.returncode == 2 and f"cannot listen on 127.0.0.1:{port}" in result.stderr
    finally:
        process.send_signal(signal.SIGTERM)
        process.communicate(timeout=30)


def test_the_region_defaults_to_the_environment_s(tmp_path: Path):
    env = {**os.environ, "AWS_DEFAULT_REGION": "eu-west-1"}
    process = subprocess.Popen(
        [sys.executable, "-m", "pytest_ssmkms", "serve", "--port", "0", "--quiet"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=tmp_path, env=env)
    assert process.stdout is not None
    assert "(region eu-west-1," in process.stdout.readline()
    process.send_signal(signal.SIGTERM)
    process.communicate(timeout=30)
    assert process.returncode == 0
