"""gunicorn settings of a Statdesk web host (``gunicorn -c ops/gunicorn.conf.py app:app``).

Each worker process counts its own metrics; ``PROMETHEUS_MULTIPROC_DIR`` (an empty
directory per host, emptied before the host starts) lets ``/metrics`` add them up,
and a worker that exits is marked dead there so its gauges do not linger.
"""

import os

bind = os.environ.get("STATDESK_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("STATDESK_WEB_WORKERS", "2"))
threads = int(os.environ.get("STATDESK_WEB_THREADS", "4"))
worker_class = "gthread"
timeout = 60
graceful_timeout = 20
keepalive = 5
accesslog = None  # core.logs writes one line per request, with its request id
errorlog = "-"


def child_exit(server, worker):
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
