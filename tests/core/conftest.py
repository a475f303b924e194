"""Fixtures of the core tests."""

import pytest
from redis import Redis


@pytest.fixture
def redis(app):
    """The app's Redis; the test's queue and its cron entries are removed afterwards.

    A module using it sets ``STATDESK_REDIS_URL`` and a queue of its own
    (``STATDESK_JOB_QUEUE``) in its ``app_config``.
    """
    connection = Redis.from_url(app.config["STATDESK_REDIS_URL"])
    yield connection
    queue = app.config["STATDESK_JOB_QUEUE"]
    for key in connection.scan_iter(f"*{queue}*"):
        connection.delete(key)
    for name in connection.zrange("rq:cron_jobs", 0, -1):  # RQ's registry of cron job names
        if queue in name.decode():
            connection.zrem("rq:cron_jobs", name)
