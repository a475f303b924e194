"""Producer pages: list, create, edit, upload files, schedule, release, new version, withdraw.

Table data has its own pages: ``catalog.tables.manage``.
"""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from catalog import services
from catalog.forms import FileForm, ItemForm, ScheduleForm, VersionForm, WithdrawForm
from catalog.models import Item, ItemKind, TariffKind
from catalog.permissions import EDITOR_ROLES, editable_clause, edits_all
from catalog.tables import services as tables
from core.errors import DomainError, Unprocessable, form_failed
from core.forms import ActionForm, submitted
from core.pagination import paginate
from core.permissions import roles_required
from core.timefmt import local_zone

manage = Blueprint("catalog_manage", __name__, template_folder="templates", url_prefix="/catalog/manage")


def _user():
    return current_user._get_current_object()


def _brackets(text: str) -> list[list[int]]:
    pairs = []
    for part in filter(None, (p.strip() for p in (text or "").split(","))):
        quantity, _sep, price = part.partition(":")
        if not quantity.strip().isdigit() or not price.strip().isdigit():
            raise Unprocessable(_("Write each bracket as quantity:unit price, e.g. 11:300000."))
        pairs.append([int(quantity), int(price)])
    return pairs


def _variables(text: str) -> list[tuple[str, str, str]]:
    rows = []
    for line in filter(None, (line.strip() for line in (text or "").splitlines())):
        name, _s, rest = line.partition(";")
        label, _s, var_type = rest.partition(";")
        rows.append((name.strip(), label.strip(), var_type.strip() or "numeric"))
    return rows


def _tariff(form: ItemForm) -> dict:
    kind = TariffKind(form.tariff_kind.data)
    if kind is TariffKind.FLAT:
        return {"price": form.price.data}
    if kind is TariffKind.PER_UNIT:
        return {"unit_price": form.price.data}
    if kind is TariffKind.REGRESSIVE:
        return {"brackets": _brackets(form.brackets.data)}
    return {}


def item_data(form: ItemForm) -> services.ItemData:
    return services.ItemData(
        kind=form.kind.data, title_id=form.title_id.data or "", title_en=form.title_en.data or "",
        abstract_id=form.abstract_id.data or "", abstract_en=form.abstract_en.data or "",
        keywords=(form.keywords.data or "").split(","), subject_code=form.subject_code.data,
        region_code=form.region_code.data, year=form.year.data, unit=form.unit.data or "",
        reference_period=form.reference_period.data or "", access=form.access.data,
        tariff_kind=form.tariff_kind.data, tariff=_tariff(form), coverage_region=form.coverage_region.data or "",
        variables=_variables(form.variables.data))


def _fill(form: ItemForm, item: Item) -> None:
    for name in ("title_id", "title_en", "abstract_id", "abstract_en", "subject_code", "region_code",
                 "reference_period", "year", "unit", "coverage_region"):
        getattr(form, name).data = getattr(item, name)
    form.kind.data, form.access.data, form.tariff_kind.data = item.kind.value, item.access.value, item.tariff_kind.value
    form.keywords.data = ", ".join(item.keywords or [])
    form.price.data = item.tariff.get("price", item.tariff.get("unit_price"))
    form.brackets.data = ", ".join(f"{q}:{p}" for q, p in item.tariff.get("brackets", []))
    form.variables.data = "\n".join(f"{v.name};{v.label};{v.var_type}" for v in item.variables)


def _failed(exc: DomainError, template: str, status: int | None = None, **context):
    return form_failed(exc, template, status=status, **context)


@manage.get("/")
@roles_required(*EDITOR_ROLES)
def index():
    import sqlalchemy as sa

    query = sa.select(Item).where(editable_clause(_user())).order_by(Item.updated_at.desc(), Item.id.desc())
    return render_template("catalog/manage/index.html", page=paginate(query))


@manage.route("/new", methods=["GET", "POST"])
@roles_required(*EDITOR_ROLES)
def new():
    form = ItemForm()
    if request.method == "GET":
        form.unit.data = _user().unit
    if not form.validate_on_submit():
        return render_template("catalog/manage/edit.html", form=form, item=None,
                               edits_all=edits_all(_user())), 422 if request.method == "POST" else 200
    try:
        item = services.create_item(_user(), item_data(form))
    except DomainError as exc:
        return _failed(exc, "catalog/manage/edit.html", form=form, item=None, edits_all=edits_all(_user()))
    flash(_("The item has been saved as a draft."), "success")
    return redirect(url_for("catalog_manage.detail", item_id=item.id))


@manage.get("/<int:item_id>")
@roles_required(*EDITOR_ROLES)
def detail(item_id: int):
    item = services.get_editable(_user(), item_id)
    return render_template("catalog/manage/detail.html", item=item, file_form=FileForm(),
                           schedule_form=ScheduleForm(), version_form=VersionForm(), withdraw_form=WithdrawForm(),
                           action=ActionForm(), table_versions=tables.versions(item.id)
                           if item.kind is ItemKind.TABLE else None)


@manage.route("/<int:item_id>/edit", methods=["GET", "POST"])
@roles_required(*EDITOR_ROLES)
def edit(item_id: int):
    item = services.get_editable(_user(), item_id)
    form = ItemForm()
    if request.method == "GET":
        _fill(form, item)
    if not form.validate_on_submit():
        return render_template("catalog/manage/edit.html", form=form, item=item,
                               edits_all=edits_all(_user())), 422 if request.method == "POST" else 200
    try:
        services.update_item(_user(), item_id, item_data(form))
    except DomainError as exc:
        return _failed(exc, "catalog/manage/edit.html", form=form, item=item, edits_all=edits_all(_user()))
    flash(_("The item has been updated."), "success")
    return redirect(url_for("catalog_manage.detail", item_id=item_id))


def _done(item_id: int, message: str):
    flash(message, "success")
    return redirect(url_for("catalog_manage.detail", item_id=item_id))


@manage.post("/<int:item_id>/files")
@roles_required(*EDITOR_ROLES)
def upload(item_id: int):
    services.get_editable(_user(), item_id)
    form = FileForm()
    submitted(form)
    services.attach_file(_user(), item_id, request.files.get("file"))
    return _done(item_id, _("The file has been stored."))


@manage.post("/<int:item_id>/schedule")
@roles_required(*EDITOR_ROLES)
def schedule(item_id: int):
    form = ScheduleForm()
    if not form.validate_on_submit():
        raise Unprocessable(_("Give the release date and time."))
    at: datetime = form.release_at.data.replace(tzinfo=local_zone())
    services.schedule_release(_user(), item_id, at)
    return _done(item_id, _("The release has been scheduled."))


@manage.post("/<int:item_id>/release")
@roles_required(*EDITOR_ROLES)
def release(item_id: int):
    submitted(ActionForm())
    services.release_now(_user(), item_id)
    return _done(item_id, _("The item has been released."))


@manage.post("/<int:item_id>/version")
@roles_required(*EDITOR_ROLES)
def version(item_id: int):
    form = VersionForm()
    form.validate_on_submit()
    services.publish_version(_user(), item_id, form.changelog.data or "")
    return _done(item_id, _("The new version has been published."))


@manage.post("/<int:item_id>/withdraw")
@roles_required(*EDITOR_ROLES)
def withdraw(item_id: int):
    form = WithdrawForm()
    form.validate_on_submit()
    services.withdraw(_user(), item_id, form.reason.data or "")
    return _done(item_id, _("The item has been withdrawn."))


