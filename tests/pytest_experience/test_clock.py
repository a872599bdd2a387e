"""``ssm_kms.clock`` follows time-machine and freezegun, and moves on its own."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import boto3
import freezegun
import pytest
import time_machine

from pytest_ssmkms.aws.clock import Clock

UTC = timezone.utc
NEW_YEAR_2030 = datetime(2030, 1, 1, tzinfo=UTC)


def modified(name: str) -> datetime:
    parameter = boto3.client("ssm").get_parameter(Name=name)["Parameter"]
    return parameter["LastModifiedDate"].astimezone(UTC)


def test_follows_time_machine_travel_shift_and_move_to(ssm_kms):
    with time_machine.travel(NEW_YEAR_2030, tick=False) as traveller:
        assert ssm_kms.clock.now() == NEW_YEAR_2030
        boto3.client("ssm").put_parameter(Name="/t", Value="v", Type="String")
        assert modified("/t") == NEW_YEAR_2030

        traveller.shift(timedelta(days=2))
        assert ssm_kms.clock.now() == NEW_YEAR_2030 + timedelta(days=2)

        traveller.move_to(datetime(2031, 6, 1, tzinfo=UTC))
        assert ssm_kms.clock.now() == datetime(2031, 6, 1, tzinfo=UTC)
    assert abs(ssm_kms.clock.now() - datetime.now(UTC)) < timedelta(minutes=5)


def test_follows_the_time_machine_fixture(ssm_kms, time_machine):
    time_machine.move_to(NEW_YEAR_2030, tick=False)
    assert ssm_kms.clock.now() == NEW_YEAR_2030
    time_machine.shift(timedelta(hours=5))
    assert ssm_kms.clock.now() == NEW_YEAR_2030 + timedelta(hours=5)


def test_follows_freezegun_freeze_tick_and_move_to(ssm_kms):
    with freezegun.freeze_time("2030-01-01") as frozen:
        assert ssm_kms.clock.now() == NEW_YEAR_2030
        boto3.client("ssm").put_parameter(Name="/f", Value="v", Type="String")
        assert modified("/f") == NEW_YEAR_2030

        frozen.tick(timedelta(hours=2))
        assert ssm_kms.clock.now() == NEW_YEAR_2030 + timedelta(hours=2)

        frozen.move_to("2031-06-01")
        assert ssm_kms.clock.now() == datetime(2031, 6, 1, tzinfo=UTC)
    assert abs(ssm_kms.clock.now() - datetime.now(UTC)) < timedelta(minutes=5)


def test_follows_freezegun_auto_tick(ssm_kms):
    with freezegun.freeze_time("2030-01-01", tick=True):
        first = ssm_kms.clock.now()
        assert NEW_YEAR_2030 <= first < NEW_YEAR_2030 + timedelta(minutes=1)
        # auto-tick moves on with real time; it never goes back
        assert ssm_kms.clock.now() >= first


@freezegun.freeze_time("2030-01-01")
def test_follows_freezegun_as_a_decorator(ssm_kms):
    assert ssm_kms.clock.now() == NEW_YEAR_2030


def test_advance_on_its_own_and_on_top_of_a_time_library(ssm_kms):
    before = ssm_kms.clock.now()
    after = ssm_kms.clock.advance(days=30)
    assert after - before >= timedelta(days=30)
    assert ssm_kms.clock.offset == timedelta(days=30)
    with freezegun.freeze_time("2030-01-01"):
        assert ssm_kms.clock.now() == NEW_YEAR_2030 + timedelta(days=30)
        ssm_kms.clock.advance(timedelta(hours=1), minutes=30)
        assert ssm_kms.clock.now() == NEW_YEAR_2030 + timedelta(days=30, hours=1, minutes=30)
    with time_machine.travel(NEW_YEAR_2030, tick=False):
        assert ssm_kms.clock.now() == NEW_YEAR_2030 + timedelta(days=30, hours=1, minutes=30)


def test_advance_refuses_going_back_and_wrong_types():
    clock = Clock()
    with pytest.raises(ValueError, match="only moves forward"):
        clock.advance(days=-1)
    with pytest.raises(TypeError, match="timedelta or days="):
        clock.advance(30)  # type: ignore[arg-type]


def test_set_pins_the_clock_and_advance_moves_it_from_there():
    clock = Clock()
    clock.set(datetime(2029, 5, 5))  # naive means UTC
    with freezegun.freeze_time("2030-01-01"):
        assert clock.now() == datetime(2029, 5, 5, tzinfo=UTC)
    clock.advance(days=1)
    assert clock.now() == datetime(2029, 5, 6, tzinfo=UTC)


def test_now_has_millisecond_precision_like_aws():
    with time_machine.travel(datetime(2030, 1, 1, 0, 0, 0, 123456, tzinfo=UTC), tick=False):
        assert Clock().now().microsecond == 123000
