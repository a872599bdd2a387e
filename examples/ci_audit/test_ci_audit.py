"""CI audit: prove from the trail what the worker did with its secrets.

The same ``audit`` runs on events from ``boto3.client("cloudtrail").lookup_events`` (here, and
against real CloudTrail in a staging account) and on the CloudTrail log file that
``pytest --ssm-kms-trail=PATH`` writes as a CI artifact.
"""

import json
import textwrap

import boto3
import pytest
from botocore.exceptions import ClientError

from .audit import audit, events_from_file, events_from_lookup
from .audit import main as audit_main
from .worker import PATH, Secrets, run_billing

ACCOUNT = "123456789012"
KEY_ID = "0c1f7a54-3c8e-4b7c-9d2e-5a6b7c8d9e0f"
KEY_ARN = f"arn:aws:kms:us-east-1:{ACCOUNT}:key/{KEY_ID}"

# Least privilege for the worker: its path, and Decrypt only when SSM asks on its behalf.
WORKER_POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Action": "ssm:GetParameter",
            "Resource": f"arn:aws:ssm:us-east-1:{ACCOUNT}:parameter/billing/prod/*",
        },
        {
            "Effect": "Allow",
            "Action": "kms:Decrypt",
            "Resource": KEY_ARN,
            "Condition": {"StringEquals": {"kms:ViaService": "ssm.us-east-1.amazonaws.com"}},
        },
    ],
}

pytestmark = [
    pytest.mark.kms_key(key_id=KEY_ID, alias="alias/billing"),
    pytest.mark.ssm_parameter(
        "/billing/prod/payment-api-key", "pk_live_123", type="SecureString", key_id=KEY_ID
    ),
    pytest.mark.ssm_parameter(
        "/billing/prod/db-password", "hunter2", type="SecureString", key_id=KEY_ID
    ),
    pytest.mark.ssm_parameter("/billing/prod/currency", "EUR"),
    pytest.mark.ssm_parameter("/shared/slack-token", "xoxb-1", type="SecureString"),
]


@pytest.fixture
def worker(ssm_kms):
    return ssm_kms.principal("billing-worker", WORKER_POLICY)


def test_each_secret_is_decrypted_once(ssm_kms, worker):
    result = run_billing(Secrets(worker.session().client("ssm")), [101, 102, 103])
    assert result == {"charged": [101, 102, 103], "currency": "EUR"}

    # Straight on the trail: three reads, two decryptions made by SSM for the worker.
    ssm_kms.trail.assert_called("GetParameter", times=3, username="billing-worker")
    decrypts = ssm_kms.trail.lookup(event_name="Decrypt", username="billing-worker")
    assert sorted(d["requestParameters"]["encryptionContext"]["PARAMETER_ARN"] for d in decrypts) == [
        f"arn:aws:ssm:us-east-1:{ACCOUNT}:parameter/billing/prod/db-password",
        f"arn:aws:ssm:us-east-1:{ACCOUNT}:parameter/billing/prod/payment-api-key",
    ]
    assert {d["userIdentity"]["invokedBy"] for d in decrypts} == {"ssm.amazonaws.com"}
    # No secret value anywhere in the records.
    assert "hunter2" not in json.dumps(list(ssm_kms.trail))


def test_audit_through_lookup_events_passes(ssm_kms, worker):
    run_billing(Secrets(worker.session().client("ssm")), [101, 102])

    events = events_from_lookup(boto3.client("cloudtrail"))
    assert {e["eventName"] for e in events} == {"GetParameter", "Decrypt"}
    assert audit(events, PATH, {worker.arn}) == []


def test_audit_flags_a_leaky_worker(ssm_kms, worker):
    ssm = worker.session().client("ssm")
    for _ in range(2):  # no cache: decrypts the same secret twice
        ssm.get_parameter(Name="/billing/prod/db-password", WithDecryption=True)
    with pytest.raises(ClientError):  # denied, and still an attempt outside its path
        ssm.get_parameter(Name="/shared/slack-token", WithDecryption=True)
    boto3.client("ssm").get_parameter(Name="/billing/prod/currency")  # someone else's call

    problems = audit(events_from_lookup(boto3.client("cloudtrail")), PATH, {worker.arn})

    # LookupEvents lists newest first, as CloudTrail does; the audit keeps that order.
    assert len(problems) == 3, problems
    assert "GetParameter" in problems[0] and "unexpected principal" in problems[0]
    assert problems[0].endswith("arn:aws:iam::123456789012:user/test-admin")
    assert problems[1].endswith("read /shared/slack-token, outside /billing/prod/")
    assert problems[2].endswith("parameter/billing/prod/db-password decrypted 2 times")


def test_trail_artifact_of_a_ci_run(pytester):
    """What CI does: run the suite with --ssm-kms-trail, keep the file, audit it."""
    pytester.makepyfile(
        test_billing_job=textwrap.dedent(
            """
            from ci_audit.test_ci_audit import WORKER_POLICY, pytestmark
            from ci_audit.worker import Secrets, run_billing

            def test_job(ssm_kms):
                worker = ssm_kms.principal("billing-worker", WORKER_POLICY)
                run_billing(Secrets(worker.session().client("ssm")), [1, 2])
            """
        )
    )
    result = pytester.runpytest("--ssm-kms-trail=artifacts/cloudtrail.json", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)

    artifact = pytester.path / "artifacts" / "cloudtrail.json"
    records = events_from_file(artifact)
    assert [r["eventName"] for r in records].count("Decrypt") == 2
    assert {r["pytestNodeId"] for r in records} == {"test_billing_job.py::test_job"}
    worker_arn = f"arn:aws:iam::{ACCOUNT}:user/billing-worker"
    assert audit(records, PATH, {worker_arn}) == []
    # The CI step itself: exit status 0 when clean, 1 with one line per violation.
    assert audit_main([str(artifact), "--path", PATH, "--principal", worker_arn]) == 0
    assert audit_main([str(artifact), "--path", "/other/", "--principal", worker_arn]) == 1
    # --tests keeps one test's records (none here: no such test, nothing to flag).
    assert audit_main([str(artifact), "--path", "/other/", "--principal", worker_arn,
                       "--tests", "test_other_job.py"]) == 0
