"""Claiming an imported account: a consumer of the old system asks for the link that sets a password.

An imported consumer has no password.  With ``contact = "invite"`` the import e-mails
the invitation; with ``on_request`` (the default) nobody is written to until the
person comes and asks here; with ``never`` this page sends nothing either.  The
answer is the same whether or not the address belongs to an imported account.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, render_template

from accounts import history
from accounts.models import User
from accounts.services import AccountError, normalise_email
from core.extensions import db, limiter
from legacy.forms import ClaimForm
from legacy.models import LegacyRecord
from legacy.writers import MERGED, NO_CONTACT

bp = Blueprint("legacy_claim", __name__, template_folder="templates", url_prefix="/account/claim")


def claimable(email: str) -> User | None:
    """The passwordless, active account of an imported consumer the office lets us contact, if any."""
    try:
        email = normalise_email(email)
    except AccountError:
        return None
    return db.session.scalar(
        sa.select(User).join(LegacyRecord, sa.and_(LegacyRecord.entity == "consumers",
                                                   LegacyRecord.target_id == User.id))
        .where(User.email == email, User.password_hash.is_(None), User.active.is_(True),
               LegacyRecord.note.not_in((NO_CONTACT, MERGED))).limit(1))


@bp.route("/", methods=["GET", "POST"])
@limiter.limit("10/hour", methods=["POST"])
def claim():
    form = ClaimForm()
    if form.validate_on_submit():
        user = claimable(form.email.data)
        if user is not None:
            history.invite([user.id])
            db.session.commit()
        return render_template("legacy/claim_sent.html", email=form.email.data)
    return render_template("legacy/claim.html", form=form), 400 if form.is_submitted() else 200
