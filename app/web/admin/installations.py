"""Trusted installations: whose signed packages may bring their review here, as reported by them."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from app.extensions import db
from app.services.exchange.packages import this_installation
from app.services.exchange.signing import fingerprint, own_public_key
from app.services.exchange.trust import TrustError, trust_installation, trusted_installations, untrust_installation
from app.web.admin.views import bp
from app.web.auth import second_factor
from app.web.decisions import ADMIN, requires


class TrustForm(FlaskForm):
    """Another installation, as its administrator gives it (``flask installations this`` prints it there)."""

    installation = StringField(_l("Installation id"), validators=[DataRequired(), Length(max=64)])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    public_key = TextAreaField(_l("Public key"), validators=[DataRequired(), Length(max=100)])


class UntrustForm(FlaskForm):
    """Remove one installation from the list."""

    installation = HiddenField(validators=[DataRequired(), Length(max=64)])


def _page(form: TrustForm, status: int = 200):
    here = this_installation()
    return render_template(
        "admin/installations.html",
        form=form,
        remove=UntrustForm(),
        trusted=[(t, fingerprint(t.public_key)) for t in trusted_installations()],
        here=here | {"public_key": own_public_key(), "fingerprint": fingerprint(own_public_key())},
        ask_code=not second_factor.recent(),
        confirm_url=second_factor.confirm_url(url_for("admin.installations")),
    ), status


def _needs_code():
    """Changing whose reviews are kept asks for a recent second-factor code, as changing roles does."""
    if second_factor.recent():
        return None
    flash(_("Changing the trusted installations needs your authenticator code: confirm it, then try again."), "info")
    return redirect(second_factor.confirm_url(url_for("admin.installations")))


@bp.route("/installations", methods=["GET", "POST"])
@requires(ADMIN)
def installations():
    """This installation's key, the installations trusted here, and a form to trust another."""
    form = TrustForm()
    if form.is_submitted() and (asked := _needs_code()):
        return asked
    if form.validate_on_submit():
        try:
            trusted = trust_installation(
                form.installation.data, form.name.data, form.public_key.data, current_user._get_current_object()
            )
        except TrustError as exc:
            db.session.rollback()
            form.public_key.errors.append(str(exc))
        else:
            db.session.commit()
            flash(
                _(
                    "%(name)s is trusted: the review its signed packages carry is kept here, as reported by it "
                    "(key %(key)s).",
                    name=trusted.name,
                    key=fingerprint(trusted.public_key),
                ),
                "success",
            )
            return redirect(url_for("admin.installations"))
    return _page(form, 400 if form.errors else 200)


@bp.post("/installations/untrust")
@requires(ADMIN)
def untrust():
    """Remove an installation from the list: its later packages bring only the unit's own answers."""
    if asked := _needs_code():
        return asked
    form = UntrustForm()
    if not form.validate_on_submit():
        flash(_("Choose an installation on the list to remove."), "error")
        return redirect(url_for("admin.installations"))
    try:
        removed = untrust_installation(form.installation.data, current_user._get_current_object())
    except TrustError as exc:
        db.session.rollback()
        flash(str(exc), "error")
    else:
        db.session.commit()
        flash(
            _(
                "%(name)s is no longer trusted. Copies imported before keep what they were imported with.",
                name=removed.name,
            ),
            "success",
        )
    return redirect(url_for("admin.installations"))
