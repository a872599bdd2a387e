"""pytest-xdist: every worker has its own in-memory AWS; markers, seed files and scopes work."""

from __future__ import annotations

import json

import pytest

from tests.pytest_experience.runner import run_subprocess

pytest_plugins = ["pytester"]


def test_two_workers_each_isolated(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\nssm_kms_seed_files = seed.json\n")
    pytester.path.joinpath("seed.json").write_text('{"/seeded/by/ini": "yes"}')
    pytester.makepyfile(
        test_function_scope="""
        import boto3, pytest

        @pytest.mark.parametrize("n", range(6))
        @pytest.mark.kms_key(alias="alias/app")
        @pytest.mark.ssm_parameter("/app/pw", "s3cret", type="SecureString", key_id="alias/app")
        def test_same_names_everywhere(ssm_kms, n):
            ssm = boto3.client("ssm")
            # Overwrite=False: would fail if any other test's state were visible
            ssm.put_parameter(Name="/same", Value=str(n), Type="String")
            assert ssm.get_parameter(Name="/app/pw", WithDecryption=True)["Parameter"]["Value"] == "s3cret"
            assert ssm.get_parameter(Name="/seeded/by/ini")["Parameter"]["Value"] == "yes"
            assert len(ssm_kms.trail) == 4
        """,
        test_session_scope="""
        import os
        import boto3, pytest

        @pytest.mark.parametrize("n", range(6))
        def test_session_mock_per_worker(ssm_kms_session, n):
            worker = os.environ["PYTEST_XDIST_WORKER"]
            ssm = boto3.client("ssm")
            ssm.put_parameter(Name=f"/seen/{n}", Value=worker, Type="String")
            seen = ssm.get_parameters_by_path(Path="/seen")["Parameters"]
            # only this worker's tests wrote into this worker's session mock
            assert {item["Value"] for item in seen} == {worker}
        """,
    )
    result = run_subprocess(pytester, "-n", "2", "--ssm-kms-trail=trail.json")
    result.assert_outcomes(passed=12)
    result.stdout.fnmatch_lines(["*2 workers*"])
    # The trail file merges both workers' records: 4 calls in each function-scoped test,
    # 2 in each session-scoped one; seeding is in none of them.
    records = json.loads(pytester.path.joinpath("trail.json").read_text())["Records"]
    assert len(records) == 6 * 4 + 6 * 2
    assert len({record["pytestNodeId"] for record in records}) == 12
    puts = [record for record in records if record["eventName"] == "PutParameter"]
    assert len(puts) == 12  # the tests' own: /same and /seen/n, never the seeded /app/pw
