"""``/helpdesk/reports``: the supervisors' reports as pages with SVG charts, and each table as CSV."""

from __future__ import annotations

from datetime import date, timedelta

from flask import Blueprint, Response, abort, render_template, request
from flask_babel import lazy_gettext as _l

from core import spreadsheets
from core.errors import Invalid
from core.permissions import roles_required
from helpdesk import reports

bp = Blueprint("helpdesk_reports", __name__, template_folder="templates", url_prefix="/helpdesk/reports")
ROLES = ("supervisor", "admin")
LONGEST = timedelta(days=3 * 366)
REPORTS = ("sla", "backlog", "times", "complaints", "ikm")


def _date(name: str) -> date | None:
    raw = request.args.get(name, "").strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise Invalid(_l("Give dates as YYYY-MM-DD.")) from None


def period() -> reports.Period:
    default = reports.Period.default()
    first, last = _date("from") or default.first, _date("to") or default.last
    if first > last:
        raise Invalid(_l("The first day must not come after the last day."))
    if last - first > LONGEST:
        raise Invalid(_l("Choose a period of at most three years."))
    return reports.Period(first, last)


@bp.get("/")
@roles_required(*ROLES)
def index():
    chosen = period()
    by_kind, by_operator = reports.times(chosen)
    sla, backlog, ikm = reports.sla(chosen), reports.backlog(), reports.ikm(chosen)
    sla_operators = reports.sla(chosen, by="operator")
    complaints = reports.complaints(chosen)
    open_counts = [(kind, sum(row.values())) for kind, row in backlog.items()]
    charts = {"response": [(r.kind, r.response_share) for r in sla],
              "resolution": [(r.kind, r.resolution_share) for r in sla],
              "operators": [(r.kind, r.response_share) for r in sla_operators],
              "ikm": [(r.month, r.index) for r in ikm],
              "backlog": open_counts, "backlog_top": max([1, *(n for _kind, n in open_counts)])}
    return render_template("helpdesk/reports.html", period=chosen, sla=sla, sla_operators=sla_operators,
                           complaints=complaints,
                           backlog=backlog, by_kind=by_kind,
                           by_operator=by_operator, ikm=ikm, charts=charts,
                           elements=[str(e) for e in reports.ELEMENT_NAMES],
                           ages=[label for _limit, label in reports.AGES])


def _rows(name: str, chosen: reports.Period) -> list[list]:
    if name == "sla":
        return [["kind", "requests", "response_met", "response_missed", "response_met_percent", "resolution_met",
                 "resolution_missed", "resolution_met_percent"]] + [
            [r.kind, r.requests, r.response_met, r.response_missed, r.response_share, r.resolution_met,
             r.resolution_missed, r.resolution_share] for r in reports.sla(chosen)] + [
            [r.kind, r.requests, r.response_met, r.response_missed, r.response_share, r.resolution_met,
             r.resolution_missed, r.resolution_share] for r in reports.sla(chosen, by="operator")]
    if name == "backlog":
        ages = [label for _limit, label in reports.AGES]
        return [["kind", *ages]] + [[kind, *(row[a] for a in ages)] for kind, row in reports.backlog().items()]
    if name == "times":
        by_kind, by_operator = reports.times(chosen)
        header = ["group_by", "group", "requests", "first_response_median_hours", "first_response_mean_hours",
                  "resolution_median_hours", "resolution_mean_hours"]
        return [header] + [[label, r.group, r.requests, r.response_median, r.response_mean, r.resolution_median,
                            r.resolution_mean] for label, rows in (("kind", by_kind), ("operator", by_operator))
                           for r in rows]
    if name == "complaints":
        return [["group_by", "group", "complaints", "followed_up", "follow_up_median_working_hours",
                 "promise_missed"]] + [[by, r.group, r.complaints, r.followed_up, r.follow_up_median, r.promise_missed]
                                       for by, rows in reports.complaints(chosen).items() for r in rows]
    return [["month", "respondents", "ikm", "grade", *(f"nrr_{c}" for c in reports.SCORE_COLUMNS)]] + [
        [r.month, r.respondents, r.index, r.grade, *r.nrr] for r in reports.ikm(chosen)]


@bp.get("/<name>.csv")
@roles_required(*ROLES)
def download(name: str):
    if name not in REPORTS:
        abort(404)
    chosen = period()
    header, *rows = _rows(name, chosen)
    filename = f"{name}-{chosen.first.isoformat()}-{chosen.last.isoformat()}.csv"
    return Response(spreadsheets.csv_bytes(header, rows), mimetype=spreadsheets.CSV_MEDIA_TYPE,
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})
