"""``flask translations derive-cyrillic|status``."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from app.cli.output import echo
from app.services.catalogues import catalogue_file, derive_cyrillic, translation_roots
from app.services.content.translations import translated_texts

group = AppGroup("translations", help="The interface's message catalogues and the review status of every translation.")


@group.command("derive-cyrillic")
def derive() -> None:
    """Write the Serbian Cyrillic catalogue from the Serbian Latin one, by transliteration."""
    root = translation_roots()[0]
    source = catalogue_file("sr-Latn", root)
    if not source.is_file():
        raise click.ClickException(f"no Serbian Latin catalogue at {source}: nothing to derive from")
    target, count = derive_cyrillic(root)
    echo(f"Wrote {target}: {count} messages transliterated from {source}")


@group.command("status")
def status() -> None:
    """One line per translated text: language, text, status (the newest review's, else its file's), source."""
    for text in translated_texts():
        reviewed = f" (reviewed {text.review.reviewed_on.isoformat()} by {text.review.reviewer})" if text.review else ""
        echo(f"{text.language}\t{text.catalogue}\t{text.status}{reviewed}\t{text.source}")


def register(app: Flask) -> None:
    app.cli.add_command(group)
