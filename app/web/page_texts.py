"""The texts the pages' scripts show, translated on the server like every other text.

They come once, not in every page: base.html loads them as a small script of their own
(``/page-texts/LANGUAGE.js?v=HASH``), which the browser keeps until the texts change (the hash
of the texts is in its address); app/static/js/session.js reads them.
"""

from __future__ import annotations

import hashlib
import json

from flask import Flask, abort, current_app, make_response, url_for
from flask_babel import force_locale, get_locale, ngettext
from flask_babel import gettext as _

from app.services.formatting import current_language, regional
from app.web.decisions import PUBLIC, requires
from app.web.i18n import offered

#: The endpoint of the texts' script: public (the interface's own words) and kept by browsers.
ENDPOINT = "page_texts"


def plural_forms(singular: str, plural: str, *, count: str) -> dict:
    """A text with a count the script fills in: the language's form for each plural category
    (CLDR's one, few, other, ...), each taken from the catalogue with a number of that category."""
    locale = get_locale()
    rule = locale.plural_form if locale is not None else None
    categories = len(rule.tags) + 1 if rule is not None else 2  # and "other"
    forms: dict[str, str] = {}
    for n in range(200):  # every category has a number below 200
        category = rule(n) if rule is not None else ("one" if n == 1 else "other")
        if category not in forms:
            forms[category] = ngettext(singular, plural, n, **{count: f"%({count})s"})
            if len(forms) == categories:
                break
    return {"count": count, "forms": forms}


def page_texts() -> dict[str, str | dict]:
    """Every text the scripts need, by key (refusal codes among them, for answers without JSON)."""
    limit = (current_app.config.get("MAX_CONTENT_LENGTH") or 0) // (1024 * 1024)
    kept = _("Your input is kept here and in this browser.")
    return {
        # Refusals, when the answer carries no message of its own (a proxy's page, no answer).
        "network": _(
            "Not saved: the server did not answer (the network or the server may be down). %(kept)s It is sent "
            "again in a few seconds, or press Save again.",
            kept=kept,
        ),
        "bad_request": _(
            "Not saved: the request was not understood. %(kept)s Copy it, then reload the page.", kept=kept
        ),
        "csrf_expired": _(
            "Not saved: the page's security token expired. %(kept)s Reload the page to save it (the draft is "
            "offered back).",
            kept=kept,
        ),
        "signed_out": _(
            "You are signed out, so this was not saved. %(kept)s Sign in again in a new tab, then come back: "
            "it is saved then.",
            kept=kept,
        ),
        "forbidden": _(
            "Not saved: you may not change this. %(kept)s Ask an administrator if you should be able to.", kept=kept
        ),
        "not_found": _(
            "Not saved: this is no longer there, or you may no longer see it. %(kept)s Copy it, then reload.",
            kept=kept,
        ),
        "method_not_allowed": _(
            "Not saved: the page sent the wrong kind of request. %(kept)s Reload the page.", kept=kept
        ),
        "stage_moved": _(
            "Not saved: the assessment moved to another stage meanwhile. %(kept)s Copy what you want to keep, "
            "then reload to see where it stands.",
            kept=kept,
        ),
        "conflict": _("Someone else saved this meanwhile. Their values are shown beside yours."),
        "busy": _("Not saved: the server was busy. %(kept)s It is sent again in a moment.", kept=kept),
        "too_large": _(
            "Not saved: this is more than the server takes at once (%(mb)s MB). %(kept)s Shorten the longest text "
            "and save again.",
            mb=limit,
            kept=kept,
        ),
        "invalid": _("Not saved: check the highlighted fields."),
        "throttled": _("Not saved: too many requests at once. %(kept)s It is sent again in a minute.", kept=kept),
        "server_error": _(
            "Not saved: something went wrong on the server. %(kept)s Press Save again in a moment; if it keeps "
            "failing, tell your administrator.",
            kept=kept,
        ),
        # Saving
        "saving": _("Saving…"),
        "saved_now": _("Saved"),
        "not_saved": _("Not saved"),
        "save_again": _("Save again"),
        "wait_na": _("Say why it does not apply; it is saved once you write it."),
        "wait_reason": _(
            "The score is not the level the elements ticked give: say why, and it is saved with the reason."
        ),
        "wait_comment": _("A disagreement or a query is saved with its comment: write the comment for the unit."),
        "not_saved_leave": _("Not saved yet: %(what)s. Follow the link again to leave without saving it."),
        # Conflicts
        "their_values": _("Their values"),
        "theirs": _("theirs"),
        "mine": _("mine"),
        "both": _("both of you changed it"),
        "keep": _("Keep mine"),
        "take": _("Take theirs"),
        "merge": _("Save these choices"),
        # Session
        "sign_in": _("Sign in (opens a new tab)"),
        "signed_in_check": _("I have signed in: save now"),
        "signed_in_again": _("You are signed in again. What you typed is being saved."),
        "warn_idle": plural_forms(
            "You will be signed out in %(min)s minute for lack of activity. Typing or saving keeps you signed in.",
            "You will be signed out in %(min)s minutes for lack of activity. Typing or saving keeps you signed in.",
            count="min",
        ),
        "warn_max": plural_forms(
            "Your session ends in %(min)s minute, however busy: save your work, then sign in again.",
            "Your session ends in %(min)s minutes, however busy: save your work, then sign in again.",
            count="min",
        ),
        "stay": _("Stay signed in"),
        "stayed": _("You stay signed in."),
        "ended": _(
            "You are signed out. Nothing typed is lost: it stays on this page and in this browser. Sign in again "
            "in a new tab, then come back to this tab to save it."
        ),
        # Drafts
        "draft_offer": _("A draft you typed at %(time)s is kept in this browser (%(fields)s)."),
        "restore": _("Restore"),
        "discard": _("Discard"),
        "draft_restored": _("Draft restored."),
        "orphans": _("Drafts kept in this browser that this page can no longer take: copy what you need."),
        # What a card opens on demand (on_demand.js)
        "loading": _("Loading…"),
        "not_loaded": _("This could not be loaded. Close it and open it again to try once more, or:"),
    }


def _script(texts: dict) -> str:
    return "(window.CSI = window.CSI || {}).texts = " + json.dumps(texts, sort_keys=True) + ";\n"


def page_texts_url() -> str:
    """The address of the texts' script in the page's language, with the hash of the texts.

    The hash is taken once per language in each app (the texts change only with the catalogues
    and the settings, which a restart brings), not on every page.
    """
    language = current_language()
    versions = current_app.extensions.setdefault("page_texts_versions", {})
    if language not in versions:
        versions[language] = hashlib.sha256(_script(page_texts()).encode()).hexdigest()[:16]
    return url_for(ENDPOINT, language=language, v=versions[language])


@requires(PUBLIC)
def page_texts_script(language: str):
    """The scripts' texts in ``language``, as a script that sets ``CSI.texts``."""
    if language not in offered():
        abort(404)
    with force_locale(regional(language)):
        response = make_response(_script(page_texts()))
    response.mimetype = "text/javascript"
    response.headers["Cache-Control"] = "public, max-age=31536000, immutable"  # a new text is a new address
    return response


def register_page_texts(app: Flask) -> None:
    """The texts' script, and its address for templates."""
    app.add_url_rule("/page-texts/<language>.js", ENDPOINT, page_texts_script)

    @app.context_processor
    def _texts() -> dict:
        return {"page_texts_url": page_texts_url}
