"""Values an installation makes on first use and keeps in its instance folder (secret key, id, signing seed).

Gunicorn's workers start together on a fresh instance folder: each must end with the same value,
and none may read a file another is still writing (an empty secret key refuses every sign-in of
that worker; an empty signing seed every export).
"""

from __future__ import annotations

import os
import threading
import time

from app import config


def test_workers_starting_together_all_get_the_one_value_written_never_a_half_written_one(tmp_path, monkeypatch):
    fdopen = os.fdopen

    class SlowFile:
        """A file whose write takes a while, as on a busy disk: the moment another worker may look."""

        def __init__(self, handle):
            self.handle = handle

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.handle.close()

        def write(self, text):
            time.sleep(0.3)
            return self.handle.write(text)

    monkeypatch.setattr(os, "fdopen", lambda *args, **kwargs: SlowFile(fdopen(*args, **kwargs)))
    values = {}

    def worker(n):
        values[n] = config.instance_secret_key(str(tmp_path))

    first = threading.Thread(target=worker, args=(1,))
    first.start()
    time.sleep(0.1)  # the first is writing its value when the second starts
    worker(2)
    first.join()
    assert values[1] == values[2] != ""
    assert (tmp_path / "secret_key").read_text() == values[1]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["secret_key"]  # no draft left behind
    assert config.instance_secret_key(str(tmp_path)) == values[1]  # and kept for the next start


def test_the_value_is_readable_by_the_installation_alone(tmp_path):
    config.installation_signing_seed(str(tmp_path))
    assert (tmp_path / "installation_key").stat().st_mode & 0o777 == 0o600
