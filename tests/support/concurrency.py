"""Requests sent at the same moment: threads released together by a barrier, each with its own session."""

from __future__ import annotations

import threading

THREADS = 20
JOIN_SECONDS = 300  # a bound for a hung thread, not a speed: a busy machine may take long


def run_together(work, count: int = THREADS) -> list:
    """Call ``work(i)`` for ``i`` in ``range(count)`` in threads started together; return the results in order.

    Any exception a thread raises fails the calling test, named with its ``repr``.
    """
    barrier = threading.Barrier(count)
    results, errors = [None] * count, []

    def runner(index):
        try:
            barrier.wait(timeout=30)
            results[index] = work(index)
        except Exception as exc:  # reported below, with the thread that raised it
            errors.append(repr(exc))

    threads = [threading.Thread(target=runner, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=JOIN_SECONDS)
    assert not [t for t in threads if t.is_alive()], "a request thread did not finish"
    assert errors == []
    return results


def signed_in_clients(app, emails: list[str], password: str) -> list:
    """One test client per e-mail, each signed in through the login form (its own cookie and session)."""
    clients = []
    for email in emails:
        client = app.test_client()
        response = client.post("/login", data={"email": email, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)[:300]
        clients.append(client)
    return clients
