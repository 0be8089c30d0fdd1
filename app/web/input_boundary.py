"""The input boundary: what a request may carry, checked once, before anything reads it.

1. The body's type. Every page posts a form (the pages' scripts post ``FormData`` too), so a
   body is form data unless its view is marked :func:`accepts_json`. Flask-WTF would read a
   JSON body as the form and skip the form's own checks; it is refused with 415 instead.
2. The characters (:data:`app.domain.limits.CONTROL`, the one rule): the address, the query
   string, form fields and their names, uploaded file names and, where a view takes JSON,
   every string of the body (keys too, however nested). A refusal names the field and the
   character; nothing is saved, and the page that sent it keeps what was typed.

It runs first of all the request hooks, before the form token is read or the user loaded:
a NUL in an address must not reach PostgreSQL (it cannot hold one) by any route.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import Flask, abort, current_app, g, request
from flask_babel import gettext as _

from app.domain.limits import control_character, escape_controls, forbidden_in, path_text

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
JSON_TYPE = "application/json"
#: Methods that submit: Flask-WTF reads a body sent with these as the form.
SUBMITTING = frozenset({"POST", "PUT", "PATCH", "DELETE"})

View = TypeVar("View", bound=Callable)


def accepts_json(view: View) -> View:
    """Mark a view that takes a JSON body (every string of it still meets the character rule)."""
    view.accepts_json = True  # type: ignore[attr-defined]
    return view


def accepts_upload(limit: Callable[[], int]) -> Callable[[View], View]:
    """Mark a view that takes a file larger than a form's ``MAX_CONTENT_LENGTH``: its body may be
    ``limit()`` bytes (and the form around the file). Set before anything reads the body."""

    def mark(view: View) -> View:
        view.upload_limit = limit  # type: ignore[attr-defined]
        return view

    return mark


#: Room for the form's other fields and the multipart framing around an uploaded file.
UPLOAD_FRAMING = 64 * 1024


def register_input_boundary(app: Flask) -> None:
    """Check every request's body type and characters before any other hook."""
    app.before_request_funcs.setdefault(None, []).insert(0, check_input)


def check_input() -> None:
    """Stop with 415 for a body the view does not take, 400 for a forbidden character."""
    view = current_app.view_functions.get(request.endpoint) if request.endpoint else None
    limit = getattr(view, "upload_limit", None)
    if limit is not None:  # an upload: its own size limit, set before the body is read
        g.upload_limit = limit()  # what a refusal names: the file's limit, not the framing's
        request.max_content_length = g.upload_limit + UPLOAD_FRAMING
    takes_json = _takes_json()
    _refuse_unsupported_body(takes_json)
    _refuse_forbidden_characters(takes_json)


def _takes_json() -> bool:
    view = current_app.view_functions.get(request.endpoint) if request.endpoint else None
    return bool(getattr(view, "accepts_json", False))


def _refuse_unsupported_body(takes_json: bool) -> None:
    declared = request.mimetype
    has_body = bool(request.content_length) or "chunked" in request.headers.get("Transfer-Encoding", "").lower()
    if not has_body and (not declared or request.method not in SUBMITTING):
        return  # a bodiless GET, or a POST of an empty form
    accepted = (*FORM_TYPES, JSON_TYPE) if takes_json else FORM_TYPES
    if declared in accepted:
        return
    abort(
        415,
        description=_(
            "This address takes a form (%(accepted)s), not %(sent)s, so nothing was saved. "
            "Send it from the page's own form.",
            accepted=_(" or ").join(accepted),
            sent=escape_controls(declared) or _("a body without a type"),
        ),
    )


def _refuse_forbidden_characters(takes_json: bool) -> None:
    bad = control_character(request.path)
    if bad:
        abort(
            400,
            description=_(
                "The address contains a control character (%(char)s); nothing here has such an address.", char=bad
            ),
        )
    for source in (request.args, request.form):
        for name, value in source.items(multi=True):
            _refuse_field(name, value)
    for name, upload in request.files.items(multi=True):
        _refuse_field(name, upload.filename or "")
    if takes_json and request.is_json:
        body = request.get_json(silent=True)
        if body is None and request.get_data():
            abort(400, description=_("The body is not valid JSON, so nothing was saved."))
        found = forbidden_in(body)
        if found:
            _refuse(path_text(found[0]) or _("the body"), found[1])


def _refuse_field(name: str, value: str) -> None:
    bad = control_character(name)
    if bad:
        _refuse(escape_controls(name), bad)
    bad = control_character(value)
    if bad:
        # Per-requirement forms prefix their fields ("AAA-01-evidence_note"): name the field.
        _refuse(name.rsplit("-", 1)[-1], bad)


def _refuse(field: str, char: str) -> None:
    abort(
        400,
        description=_(
            "The field '%(field)s' contains a control character (%(char)s). Nothing was saved; "
            "remove it and try again.",
            field=field,
            char=char,
        ),
    )
