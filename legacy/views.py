"""The administrator's import page: upload the source and the mapping, follow the job, read the report."""

from __future__ import annotations

import secrets

from flask import Blueprint, abort, current_app, redirect, render_template, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.utils import secure_filename

from core.errors import Invalid
from core.jobs import QueueNotConfigured, job_queue, redis_connection
from core.permissions import roles_required
from legacy import jobs
from legacy.forms import ImportForm
from legacy.mapping import MappingError, parse

bp = Blueprint("legacy", __name__, template_folder="templates", url_prefix="/admin/legacy")
NO_STORE = {"Cache-Control": "no-store"}
SOURCE_TYPES = (".csv", ".xlsx")
REPORT_FILES = {"report.html": "text/html", "rejected.csv": "text/csv", "merged.csv": "text/csv"}


def _queue():
    try:
        connection = redis_connection(current_app)
    except QueueNotConfigured:
        return None
    return job_queue(current_app, connection)


@bp.route("/", methods=["GET", "POST"])
@roles_required("admin")
def start():
    form = ImportForm()
    queue = _queue()
    if form.validate_on_submit():
        if queue is None:
            raise Invalid(_("The background queue is not configured (STATDESK_REDIS_URL); run flask legacy import."))
        text = form.mapping.data.read().decode("utf-8", errors="replace")
        try:
            parse(text)
        except MappingError as exc:
            return render_template("legacy/start.html", form=form, problems=exc.problems, queue=queue), 400, NO_STORE
        uploads = [f for f in form.files.data or [] if f and f.filename]
        names = [secure_filename(f.filename) for f in uploads]
        if not uploads or any(not n.lower().endswith(SOURCE_TYPES) for n in names):
            raise Invalid(_("Choose the source files: CSV or XLSX."))
        token = secrets.token_urlsafe(16)
        folder = jobs.folder_of(token)
        (folder / "source").mkdir(parents=True)
        (folder / "mapping.toml").write_text(text, encoding="utf-8")
        for upload, name in zip(uploads, names, strict=True):
            upload.save(folder / "source" / name)
        queue.enqueue(jobs.run_import, token, bool(form.dry_run.data), current_user.id, job_id=f"legacy-{token}",
                      job_timeout=24 * 3600, result_ttl=7 * 24 * 3600)
        return redirect(url_for("legacy.progress", token=token))
    status = 400 if form.is_submitted() else 200
    return render_template("legacy/start.html", form=form, problems=[], queue=queue), status, NO_STORE


@bp.get("/<token>")
@roles_required("admin")
def progress(token: str):
    queue = _queue()
    job = queue.fetch_job(f"legacy-{token}") if queue is not None else None
    if job is None:
        abort(404)
    state = job.get_status(refresh=True)
    state_value = getattr(state, "value", str(state))
    shown = job.meta.get("progress", {"done": 0, "total": 0, "rate": 0})
    done = state_value == "finished"
    return render_template("legacy/progress.html", token=token, state=state_value, progress=shown, done=done,
                           failed=state_value in ("failed", "stopped", "canceled")), 200, NO_STORE


@bp.get("/<token>/<name>")
@roles_required("admin")
def report_file(token: str, name: str):
    if name not in REPORT_FILES or secure_filename(token) != token:
        abort(404)
    path = jobs.folder_of(token) / "report" / name
    if not path.is_file():
        abort(404)
    return send_file(path, mimetype=REPORT_FILES[name], as_attachment=name.endswith(".csv"), max_age=0)
