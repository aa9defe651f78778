"""The calendar guard: with QIANTANG_TEST_CLOCK set, every test starts at that instant.

`make test` sets it for the PostgreSQL pass (see the Makefile), so the whole suite runs once
on today's clock and once years ahead, just before midnight in Shanghai. These tests check the
guard itself is in force, so it cannot quietly stop moving the clock.
"""

import datetime as dt
import time

import pytest
from django.utils import timezone

from .conftest import moved_clock_instant

pytestmark = pytest.mark.skipif(
    moved_clock_instant() is None, reason="QIANTANG_TEST_CLOCK is not set (the SQLite pass)"
)


def test_each_test_starts_at_the_guard_instant():
    instant = moved_clock_instant()
    assert abs(timezone.now() - instant) < dt.timedelta(seconds=5)
    # time.time() moves too: signed links and sessions read it, not only timezone.now().
    assert abs(time.time() - instant.timestamp()) < 5


def test_the_clock_runs_on_from_there():
    before = timezone.now()
    time.sleep(0.05)
    assert timezone.now() > before
