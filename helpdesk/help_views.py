"""The help page: how to find data, ask, order and pay, in plain words, with a link to each place."""

from __future__ import annotations

from flask import Blueprint, render_template

bp = Blueprint("help", __name__, template_folder="templates")


@bp.get("/help")
def index():
    return render_template("helpdesk/help.html")
