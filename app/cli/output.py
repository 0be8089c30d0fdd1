"""What the commands print and take: stored text never reaches a terminal raw.

Titles, names, notes and audit summaries come from users and packages. A terminal obeys an
escape sequence (ESC, CSI) and shows a bidi override as something else, so every command
prints through :func:`echo`, which writes each control character as an escape (``\\x1b``,
``\\u202e``); a field inside a tab-separated line goes through :func:`field` as well, so a
stored tab or line break cannot shift the columns or fake a line. The arguments a command
stores meet the same character rule as the web forms (:func:`check_arguments`).
"""

from __future__ import annotations

import functools
import json

import click

from app.domain.limits import TERMINAL_UNSAFE, control_character, escape_controls


def echo(message: str = "", *, err: bool = False) -> None:
    """Print a line: every control character escaped, but the line's own tabs and line feeds."""
    click.echo(escape_controls(str(message), keep="\t\n"), err=err)


def field(text: str | None) -> str:
    """Stored text as one column of a line: a backslash doubled, tabs and line breaks escaped too."""
    return escape_controls((text or "").replace("\\", "\\\\"))


def json_field(value) -> str:
    """``value`` as one line of JSON, every control character written as a JSON escape (\\u009b)."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return TERMINAL_UNSAFE.sub(lambda found: f"\\u{ord(found.group()):04x}", text)


def check_arguments(command: click.Command) -> None:
    """Refuse a forbidden character in any argument of ``command`` (and its subcommands).

    Also escapes the message of a refusal (it may quote a stored title) before click prints it.
    """
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            check_arguments(sub)
    if command.callback is None or getattr(command.callback, "arguments_checked", False):
        return
    original = command.callback

    @functools.wraps(original)
    def checked(*args, **kwargs):
        for name, value in kwargs.items():
            for one in value if isinstance(value, tuple | list) else (value,):
                bad = control_character(one) if isinstance(one, str) else None
                if bad:
                    raise click.BadParameter(f"contains a control character ({bad}); remove it", param_hint=f"'{name}'")
        try:
            return original(*args, **kwargs)
        except click.ClickException as exc:
            exc.message = escape_controls(exc.message, keep="\n")
            raise

    checked.arguments_checked = True  # type: ignore[attr-defined]
    command.callback = checked
