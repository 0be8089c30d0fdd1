"""Gunicorn settings for serving the app to more than one person (``make serve``).

Threads in a few worker processes: pages and autosaves wait on the database more than on
the CPU. Draft PDFs render in a separate process of their own (see app.services.reporting.drafts).
Put a reverse proxy with HTTPS in front (README, "Serving").
"""

import gc
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


#: The collector's thresholds in a worker (Python's defaults: 700, 10, 10). A page or a save allocates
#: tens of thousands of objects, nearly all freed by reference count; with the defaults the collector
#: ran about 3,000 times a minute in each worker under the crowd of make bench-load, a fifth of its
#: CPU. Rarer, it finds the same cycles: measured there, its time fell from 3.6-5.6 s to 0.6-1.7 s
#: a worker, the workers' CPU by about a tenth, and their peak memory stayed as it was (under 270 MB).
WORKER_GC_THRESHOLDS = (20_000, 20, 20)


def post_worker_init(worker):
    """The worker has loaded the app: what is alive now (the app, its modules) is left out of garbage
    collections (:func:`gc.freeze`, as the render process does), and collections come less often."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*WORKER_GC_THRESHOLDS)


def worker_exit(server, worker):
    """A worker leaving (stopped, restarted, timed out): its queued draft renders are dropped, the running one ended.

    Gunicorn calls this in the worker after it has served its last request, and in the master for a
    worker found dead; only a process that has rendered drafts has the module loaded. In the worker
    itself its database connections are then closed, and the interpreter's exit is kept quick
    (:func:`leave_quickly`).
    """
    drafts = sys.modules.get("app.services.reporting.drafts")
    if drafts is not None:
        drafts.stop_renders()
    if worker.pid == os.getpid():  # the worker itself, not the master burying it
        close_databases(getattr(worker, "wsgi", None))  # none when the app failed to load
        leave_quickly()


def close_databases(wsgi) -> None:
    """Close the app's database connections now, as an orderly exit does, rather than leave it to the interpreter.

    SQLite folds its write-ahead log back into the database file when the last connection closes;
    PostgreSQL sees each session end instead of a dropped socket. Only a request still running past
    the graceful timeout keeps its connection, until the process ends.
    """
    if not hasattr(wsgi, "app_context"):  # not a Flask app (or none loaded): nothing of ours to close
        return
    from app.extensions import db

    with wsgi.app_context():
        for engine in db.engines.values():
            engine.dispose()


def leave_quickly() -> None:
    """Leave what is alive now out of the interpreter's last garbage collections.

    A process exiting collects garbage several times while it tears its modules down, and each
    collection walks every object alive: a worker that has served pages holds the app, the
    checklists, templates and translations, and those walks were most of the 1.5 s a worker took to
    exit on a busy machine (py-spy: gc_collect_main), for memory the process gives back anyway.
    Frozen (:func:`gc.freeze`), they are skipped. Exit hooks still run (logs flushed, the pools of
    threads and render processes stopped), and objects freed by reference count are freed as before;
    only finalizers of objects caught in reference cycles may not run, as Python never promises at exit.
    Call it once the process has released what needs releasing (renders, database connections).
    """
    gc.freeze()


def on_exit(server):
    """The master leaving, its workers gone: its exit kept quick too (it has imported the app's packages)."""
    leave_quickly()
