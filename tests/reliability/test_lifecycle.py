"""Mocks started and stopped in any order leave nothing behind; decorated generators run
inside their mock."""

from __future__ import annotations

import asyncio
import os
from typing import Any

import boto3
import botocore.handlers
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pytest_ssmkms import mock_ssm_kms
from pytest_ssmkms.adapters import botocore_hook
from pytest_ssmkms.adapters.activation import active_world, active_worlds
from pytest_ssmkms.mock import environment

REGIONS = ("eu-west-1", "ap-south-1", "us-west-2", "sa-east-1")
# The developer's environment the mocks must give back (what each of them replaces).
DEVELOPER = {
    "AWS_ACCESS_KEY_ID": "AKIAREALDEVELOPERKEY",
    "AWS_SECRET_ACCESS_KEY": "real-secret",
    "AWS_SESSION_TOKEN": "real-token",
    "AWS_PROFILE": "production",
    "AWS_DEFAULT_REGION": "eu-central-1",
    "AWS_ENDPOINT_URL": "https://example.invalid",
}


@pytest.fixture
def developer(monkeypatch: pytest.MonkeyPatch, tmp_path) -> dict[str, str]:
    config = tmp_path / "config"
    config.write_text("[profile production]\nregion = eu-central-1\n")
    for name, value in {**DEVELOPER, "AWS_CONFIG_FILE": str(config)}.items():
        monkeypatch.setenv(name, value)
    for name in ("AWS_REGION", "AWS_SHARED_CREDENTIALS_FILE"):
        monkeypatch.delenv(name, raising=False)
    previous = boto3.DEFAULT_SESSION
    # A default session made before the mocks, its credentials not yet resolved.
    boto3.setup_default_session()
    yield environ()
    boto3.DEFAULT_SESSION = previous


def environ() -> dict[str, str]:
    # pytest's own variable changes between the fixture and the test.
    return {k: v for k, v in os.environ.items() if k != "PYTEST_CURRENT_TEST"}


def _our_handlers() -> int:
    return sum(1 for entry in botocore.handlers.BUILTIN_HANDLERS if entry[1] is botocore_hook.before_send)


# A start/stop schedule for n mocks: the first occurrence of i starts mock i, the second stops it.
schedules = st.integers(1, 4).flatmap(lambda n: st.permutations([i for i in range(n) for _ in (0, 1)]))


@settings(max_examples=60, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(schedule=schedules, calls=st.booleans(), joining=st.lists(st.booleans(), min_size=4, max_size=4))
def test_any_start_stop_order_restores_the_environment(developer, schedule, calls, joining):
    session_before = boto3.DEFAULT_SESSION
    mocks: dict[int, mock_ssm_kms] = {}
    started: list[int] = []  # active mocks with a world of their own, in start order
    for i in schedule:
        if i not in mocks:
            # A joining mock (one started while another is active shares its world) owns
            # nothing: its start and stop change neither the world nor the environment.
            join = joining[i] and bool(started)
            mocks[i] = mock_ssm_kms() if join else mock_ssm_kms(region=REGIONS[i], fresh=True)
            joined_world = active_world()
            mocks[i].start()
            if join:
                assert mocks[i].handle.world is joined_world
            else:
                started.append(i)
        else:
            mocks[i].stop()
            if i in started:
                started.remove(i)
        if started:
            innermost = mocks[started[-1]]
            # The innermost active mock answers, in its region, with the test credentials.
            assert active_world() is innermost.handle.world
            assert os.environ["AWS_DEFAULT_REGION"] == REGIONS[started[-1]]
            assert os.environ["AWS_ACCESS_KEY_ID"] != DEVELOPER["AWS_ACCESS_KEY_ID"]
            assert "AWS_PROFILE" not in os.environ
            if calls:
                # boto3's default session used inside: its credentials get resolved here.
                boto3.client("ssm").put_parameter(Name="/p", Value="v", Type="String", Overwrite=True)
    assert environ() == developer
    assert active_worlds() == ()
    assert environment.active_count() == 0
    assert boto3.DEFAULT_SESSION is session_before
    assert boto3.DEFAULT_SESSION.get_credentials().access_key == DEVELOPER["AWS_ACCESS_KEY_ID"]
    assert _our_handlers() == 1  # installed once, inert now


def test_stopping_the_outer_mock_first(developer):
    outer = mock_ssm_kms(region="eu-west-1")
    inner = mock_ssm_kms(region="ap-south-1", fresh=True)
    outer.start()
    inner.start()
    outer.stop()
    assert active_world() is inner.handle.world
    assert os.environ["AWS_DEFAULT_REGION"] == "ap-south-1"
    inner.stop()
    # Used to leave the outer mock's environment (test credentials, eu-west-1) behind.
    assert environ() == developer


def test_default_session_made_inside_the_mock_is_not_kept(developer):
    boto3.DEFAULT_SESSION = None
    with mock_ssm_kms():
        boto3.client("ssm").put_parameter(Name="/p", Value="v", Type="String")
        made_inside = boto3.DEFAULT_SESSION
    # It read the mock's credentials and empty config files: it forgets them (it used to keep
    # them), and is kept, so the next test's boto3.client() does not rebuild a session.
    assert boto3.DEFAULT_SESSION in (None, made_inside)
    client = boto3.client("ssm")
    assert client._request_signer._credentials.access_key == DEVELOPER["AWS_ACCESS_KEY_ID"]
    assert client.meta.region_name == DEVELOPER["AWS_DEFAULT_REGION"]
    assert "production" in boto3.DEFAULT_SESSION._session.full_config["profiles"]
    with mock_ssm_kms() as aws:
        # (Signed with your key, resolved outside: answered as the default administrator.)
        boto3.client("ssm").put_parameter(Name="/q", Value="v", Type="String")
        assert len(aws.trail) == 1
        assert boto3.DEFAULT_SESSION is made_inside  # reused: ~100 ms saved per test


@pytest.fixture
def developer_files(monkeypatch: pytest.MonkeyPatch, tmp_path) -> str:
    """Your credentials in ~/.aws files (not the environment), with a profile."""
    (tmp_path / "credentials").write_text(
        "[production]\naws_access_key_id = AKIAFROMTHEFILE12345\naws_secret_access_key = s\n"
    )
    (tmp_path / "config").write_text("[profile production]\nregion = eu-north-1\n")
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_DEFAULT_REGION", "AWS_REGION"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "credentials"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    monkeypatch.setenv("AWS_PROFILE", "production")
    previous = boto3.DEFAULT_SESSION
    yield "AKIAFROMTHEFILE12345"
    boto3.DEFAULT_SESSION = previous


@pytest.mark.parametrize("made", ["before, unused", "inside"])
def test_default_session_reads_your_files_again_after_the_mock(developer_files, made):
    boto3.DEFAULT_SESSION = None
    if made == "before, unused":
        boto3.setup_default_session()
    with mock_ssm_kms():
        # Read first here, the config files are the mock's (empty) and so would stay.
        boto3.client("ssm").put_parameter(Name="/p", Value="v", Type="String")
    client = boto3.client("ssm")
    assert client._request_signer._credentials.access_key == developer_files
    assert client.meta.region_name == "eu-north-1"


def test_default_session_from_before_forgets_the_mocks_credentials(developer):
    before = boto3.DEFAULT_SESSION
    with mock_ssm_kms():
        boto3.client("ssm").put_parameter(Name="/p", Value="v", Type="String")
    assert boto3.DEFAULT_SESSION is before
    # Used to answer the mock's AKIAIOSFODNN7EXAMPLE, resolved and cached inside the mock.
    assert boto3.client("ssm")._request_signer._credentials.access_key == DEVELOPER["AWS_ACCESS_KEY_ID"]


def test_default_session_with_resolved_credentials_keeps_them(developer):
    before = boto3.DEFAULT_SESSION
    resolved = before.get_credentials()
    with mock_ssm_kms():
        boto3.client("ssm").put_parameter(Name="/p", Value="v", Type="String")
    assert boto3.DEFAULT_SESSION is before
    assert before.get_credentials() is resolved


# -- decorated generators -------------------------------------------------------------------


def test_a_decorated_generator_runs_inside_its_mock_at_each_resume():
    seen: list[Any] = []

    @mock_ssm_kms(region="eu-west-1")
    def values():
        ssm = boto3.client("ssm")
        ssm.put_parameter(Name="/g", Value="1", Type="String")
        seen.append(active_world())
        got = yield "first"
        seen.append(active_world())
        # What the first resume created is there in the next: one world per call.
        yield ssm.get_parameter(Name="/g")["Parameter"]["Value"] + got
        return "done"

    gen = values()
    assert active_world() is None
    assert next(gen) == "first"
    assert seen[0] is not None  # the body used to run unmocked
    assert active_world() is None  # not while the consumer holds it
    assert gen.send("+sent") == "1+sent"
    assert seen[1] is seen[0]
    with pytest.raises(StopIteration) as stop:
        next(gen)
    assert stop.value.value == "done"
    assert active_world() is None
    assert environment.active_count() == 0


def test_a_decorated_generator_closed_or_thrown_into_cleans_up_inside_its_mock():
    events: list[Any] = []

    @mock_ssm_kms()
    def values():
        try:
            while True:
                try:
                    yield 1
                except ValueError:
                    events.append(("caught", active_world() is not None))
        finally:
            events.append(("finally", active_world() is not None))

    gen = values()
    next(gen)
    assert gen.throw(ValueError("x")) == 1
    gen.close()
    assert events == [("caught", True), ("finally", True)]
    assert active_world() is None
    assert environment.active_count() == 0


def test_generators_interleaved_with_an_outer_mock_each_answer_their_own():
    @mock_ssm_kms(fresh=True)
    def writer(name):
        ssm = boto3.client("ssm")
        ssm.put_parameter(Name=name, Value="v", Type="String")
        yield sorted(p["Name"] for p in ssm.describe_parameters()["Parameters"])
        yield sorted(p["Name"] for p in ssm.describe_parameters()["Parameters"])

    with mock_ssm_kms() as outer:
        a, b = writer("/a"), writer("/b")
        assert next(a) == ["/a"]
        assert next(b) == ["/b"]
        assert active_world() is outer.world
        assert outer.client("ssm").describe_parameters()["Parameters"] == []
        assert next(a) == ["/a"]
        assert next(b) == ["/b"]
        a.close()
        b.close()
        assert active_world() is outer.world
    assert environment.active_count() == 0


def test_a_decorated_async_generator_runs_inside_its_mock_at_each_resume():
    seen: list[Any] = []

    @mock_ssm_kms()
    async def values():
        try:
            ssm = boto3.client("ssm")
            ssm.put_parameter(Name="/g", Value="1", Type="String")
            seen.append(active_world())
            await asyncio.sleep(0)
            seen.append(active_world())  # still active across an await inside the body
            yield "first"
            yield ssm.get_parameter(Name="/g")["Parameter"]["Value"]
            yield "never"
        finally:
            seen.append(active_world())

    async def consume():
        gen = values()
        first = await gen.__anext__()
        between = active_world()
        second = await gen.__anext__()
        await gen.aclose()
        return first, between, second

    first, between, second = asyncio.run(consume())
    assert (first, between, second) == ("first", None, "1")
    assert seen[0] is not None and seen == [seen[0]] * 3
    assert active_world() is None
    assert environment.active_count() == 0


def test_a_decorated_coroutine_is_active_across_its_awaits():
    @mock_ssm_kms()
    async def body():
        await asyncio.sleep(0)
        return active_world() is not None

    assert asyncio.run(body()) is True
    assert active_world() is None


def test_a_generator_decorated_without_fresh_joins_the_active_mock():
    @mock_ssm_kms()
    def writer(name):
        ssm = boto3.client("ssm")
        ssm.put_parameter(Name=name, Value="v", Type="String")
        yield active_world()
        yield active_world()

    with mock_ssm_kms() as outer:
        gen = writer("/joined")
        assert next(gen) is outer.world
        # Between items the outer world still answers, and it has what the generator wrote.
        assert outer.client("ssm").get_parameter(Name="/joined")["Parameter"]["Value"] == "v"
        assert next(gen) is outer.world
        gen.close()
        assert active_world() is outer.world
    assert environment.active_count() == 0
