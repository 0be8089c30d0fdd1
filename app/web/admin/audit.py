"""The audit trail for administrators: filter and read; nothing here changes an event."""

from __future__ import annotations

from flask import render_template, request

from app.services.accounts.audit import event_names, find_events
from app.web.admin.forms import AuditFilterForm
from app.web.admin.views import bp
from app.web.decisions import ADMIN, requires


@bp.get("/audit")
@requires(ADMIN)
def audit():
    """Events, newest first, filtered by user, event name and assessment."""
    form = AuditFilterForm(request.args)
    form.event.choices = [("", "—"), *((name, name) for name in event_names())]
    assessment = form.assessment.data or ""
    page = find_events(
        user_email=form.user.data or None,
        name=form.event.data or None,
        assessment_id=int(assessment) if assessment.isdigit() and len(assessment) < 10 else None,
        page=request.args.get("page", 1, type=int),
    )
    filters = {"user": form.user.data or None, "event": form.event.data or None, "assessment": assessment or None}
    return render_template("admin/audit.html", form=form, page=page, filters=filters)
