"""Choosing the interface's language, and what each translation says of its review.

The switcher on every page posts here. A signed-in person's choice is kept with the account
(audited); an anonymous person's (on the sign-in page) in the session, and it stays through
signing in until the account has a language of its own.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, Flask, abort, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.domain.languages import LANGUAGES
from app.extensions import db
from app.services.accounts.audit import record
from app.services.content.translations import GLOSSARY, INTERFACE, TranslatedText, interface_text, translated_texts
from app.services.formatting import current_language
from app.web.decisions import PUBLIC, requires
from app.web.i18n import SESSION_KEY, offered

bp = Blueprint("languages", __name__)


@bp.post("/language")
@requires(PUBLIC)
def switch():
    """Change the interface language, then go back to the page the switcher was on."""
    code = request.form.get("language", "")
    if code not in offered():
        abort(400, _("Choose one of the languages offered."))
    if current_user.is_authenticated:
        user = current_user._get_current_object()
        if user.language != code:
            before = user.language
            user.language = code
            record(
                "user.language_changed",
                user=user,
                object_type="user",
                object_id=user.id,
                summary=f"{before or 'browser'} -> {code}",
                before={"language": before},
                after={"language": code},
            )
            db.session.commit()
    else:
        session[SESSION_KEY] = code
    return redirect(back_to(request.form.get("next")))


def back_to(target: str | None) -> str:
    """The page to return to: a path on this site only (never another host), else the start page."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/") and not target.startswith(("//", "/\\")):
            return target
    return url_for("dashboard.index")


@bp.get("/languages")
@requires(PUBLIC)
def status():
    """Every language's translations: how each was made and who has reviewed it."""
    texts = translated_texts(offered())
    return render_template("languages/status.html", texts=texts, languages=LANGUAGES)


def switcher_next() -> str:
    """Where the switcher returns to: this page (a page shown after a POST: the page it was sent from)."""
    if request.method == "GET":
        return request.full_path.rstrip("?")
    referrer = urlsplit(request.referrer or "")
    if referrer.netloc == request.host and referrer.path:
        return referrer.path + (f"?{referrer.query}" if referrer.query else "")
    return url_for("dashboard.index")


def translation_notice():
    """The interface translation's status for the page's language (None in English): the footer's line."""
    return interface_text(current_language())


def translated_text_label(text: TranslatedText) -> str:
    """What a translated text is, in words: the interface, a checklist overlay or a glossary."""
    if text.kind == INTERFACE:
        return _("Interface (pages and reports)")
    if text.kind == GLOSSARY:
        return _("Glossary of terms")
    return _("Checklist %(name)s", name=text.catalogue)


def register_languages(app: Flask) -> None:
    """Give every page the switcher's languages and its translation's status."""
    app.jinja_env.globals.update(
        translation_notice=translation_notice,
        switcher_next=switcher_next,
        translated_text_label=translated_text_label,
        interface_language_name=lambda: LANGUAGES[current_language()].name,
        language_of=LANGUAGES.get,
    )
