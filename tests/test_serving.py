"""Gunicorn's settings (make serve): forwarded headers believed only from a declared proxy."""

from __future__ import annotations

import importlib

import pytest
from gunicorn.config import Config


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
