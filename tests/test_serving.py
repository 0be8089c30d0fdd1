"""Gunicorn's settings (make serve): forwarded headers believed only from a declared proxy; a leaving worker."""

from __future__ import annotations

import gc
import importlib
import os
from pathlib import Path
from types import SimpleNamespace

import pytest
from gunicorn.config import Config
from sqlalchemy import text


def settings(monkeypatch, **env) -> Config:
    for name in ("PROXIES", "FORWARDED_ALLOW_IPS"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    import app.serving

    serving = importlib.reload(app.serving)
    config = Config()
    config.set("forwarded_allow_ips", serving.forwarded_allow_ips)
    return config


def test_without_a_declared_proxy_no_client_is_believed_about_https(monkeypatch):
    assert settings(monkeypatch).forwarded_allow_ips == []
    assert settings(monkeypatch, PROXIES="0").forwarded_allow_ips == []


@pytest.mark.parametrize(
    ("env", "expected"), [({}, ["127.0.0.1"]), ({"FORWARDED_ALLOW_IPS": "10.0.0.5"}, ["10.0.0.5"])]
)
def test_a_declared_proxy_is_believed(monkeypatch, env, expected):
    assert settings(monkeypatch, PROXIES="1", **env).forwarded_allow_ips == expected


def a_worker_with_a_file_database(tmp_path):
    """An app on a SQLite file with a connection open in its pool, as a worker that has served a page has."""
    from app import create_app
    from app.extensions import db

    database = tmp_path / "served.sqlite3"
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}", "SECRET_KEY": "serving"})
    app.instance_path = str(tmp_path / "instance")
    with app.app_context():
        db.session.execute(text("CREATE TABLE pages (n INTEGER)"))
        db.session.execute(text("INSERT INTO pages VALUES (1)"))
        db.session.commit()
        db.session.remove()  # back in the pool, still open: the write-ahead log stays beside the file
    assert Path(f"{database}-wal").exists()
    return app, database


def test_a_leaving_worker_closes_its_database_connections_and_skips_the_exit_collections(tmp_path):
    from app import serving

    app, database = a_worker_with_a_file_database(tmp_path)
    frozen = gc.get_freeze_count()
    try:
        serving.worker_exit(None, SimpleNamespace(pid=os.getpid(), wsgi=app))
        # The last connection closed: SQLite folded its log into the file, which is whole again.
        assert not Path(f"{database}-wal").exists()
        assert gc.get_freeze_count() > frozen  # what was alive is left out of the interpreter's last collections
    finally:
        gc.unfreeze()
    assert db_scalar(app, "SELECT n FROM pages") == 1  # nothing lost: what was committed is in the file


def test_a_worker_with_the_app_loaded_leaves_it_out_of_collections_and_collects_less_often():
    from app import serving

    thresholds, frozen = gc.get_threshold(), gc.get_freeze_count()
    try:
        serving.post_worker_init(SimpleNamespace(pid=os.getpid()))
        assert gc.get_freeze_count() > frozen
        assert gc.get_threshold() == serving.WORKER_GC_THRESHOLDS and gc.get_threshold()[0] > thresholds[0]
    finally:
        gc.unfreeze()
        gc.set_threshold(*thresholds)


def test_the_master_burying_a_dead_worker_keeps_its_own_connections_and_collections(tmp_path):
    from app import serving

    app, database = a_worker_with_a_file_database(tmp_path)
    frozen = gc.get_freeze_count()
    serving.worker_exit(None, SimpleNamespace(pid=os.getpid() + 1, wsgi=app))
    assert Path(f"{database}-wal").exists()
    assert gc.get_freeze_count() == frozen
    with app.app_context():
        from app.extensions import db

        db.engine.dispose()


def db_scalar(app, sql: str):
    from app.extensions import db

    with app.app_context():
        value = db.session.scalar(text(sql))
        db.session.remove()
        db.engine.dispose()
    return value


def test_a_worker_that_could_not_load_the_app_leaves_without_an_error():
    from app import serving

    try:
        serving.worker_exit(None, SimpleNamespace(pid=os.getpid()))  # gunicorn sets wsgi once the app has loaded
    finally:
        gc.unfreeze()
