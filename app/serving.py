"""Gunicorn settings for serving the app to more than one person (``make serve``).

Threads in a few worker processes: pages and autosaves wait on the database more than on
the CPU. Draft PDFs render in a separate process of their own (see app.services.reporting.drafts).
Put a reverse proxy with HTTPS in front (README, "Serving").
"""

import multiprocessing
import os
import sys

bind = os.environ.get("BIND", "127.0.0.1:8000")
worker_class = "gthread"
workers = int(os.environ.get("WORKERS", min(4, multiprocessing.cpu_count() + 1)))
threads = int(os.environ.get("THREADS", 8))
timeout = 120
# How long a stopping worker lets its requests in flight finish. Draft renders are not waited
# for: each worker stops its own on the way out (worker_exit below).
graceful_timeout = 30
# X-Forwarded-Proto and the like are believed only from a declared proxy: with PROXIES unset,
# a client on the same machine could otherwise make a plain request pass for HTTPS.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1") if int(os.environ.get("PROXIES") or 0) else ""
accesslog = "-" if os.environ.get("ACCESS_LOG") else None


def worker_exit(server, worker):
    """A worker leaving (stopped, restarted, timed out): its queued draft renders are dropped, the running one ended.

    Gunicorn calls this in the worker after it has served its last request, and in the master for a
    worker found dead; only a process that has rendered drafts has the module loaded.
    """
    drafts = sys.modules.get("app.services.reporting.drafts")
    if drafts is not None:
        drafts.stop_renders()
