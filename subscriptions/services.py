"""Following and unfollowing, preferences, one-click unsubscribe, in-site notifications.

Each operation checks who acts, validates, changes rows and commits once.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _

from catalog import reference
from catalog import services as catalog_services
from catalog.calendar import announced
from catalog.models import Item
from core import audit
from core.errors import Conflict, Gone, Invalid, NotFound
from core.extensions import db
from core.fields import MAX_ID
from search_index.query import QueryError
from subscriptions import matching, tokens
from subscriptions.models import Alert, AlertEvent, Frequency, Subscription, Target

LANGUAGES = ("id", "en")
MAX_SUBSCRIPTIONS = 200


@dataclass
class Preferences:
    frequency: str = Frequency.INSTANT.value
    by_email: bool = True
    in_site: bool = True
    language: str = "id"

    def checked(self) -> Preferences:
        if self.frequency not in {f.value for f in Frequency}:
            raise Invalid(_("Choose at once, daily or weekly."), errors={"frequency": [_("Unknown choice.")]})
        if self.language not in LANGUAGES:
            raise Invalid(_("Choose Indonesian or English."), errors={"language": [_("Unknown choice.")]})
        if not (self.by_email or self.in_site):
            raise Invalid(_("Choose e-mail, the notifications list or both."),
                          errors={"by_email": [_("Choose at least one channel.")]})
        return self


def followable_item(item_id: int) -> Item:
    """An item one may follow: public, withdrawn after release, or announced (scheduled); 404 otherwise."""
    item = catalog_services.fetch(item_id) if 0 < item_id <= MAX_ID else None
    if item is None or not (item.is_viewable() or announced(item)):
        raise NotFound()
    return item


def resolve(target: str, value: str, locale: str = "id") -> tuple[Target, str, str]:
    """``(target, stored value, label)`` for what a person asked to follow; ``Invalid``/``NotFound`` if not."""
    try:
        kind = Target(target)
    except ValueError:
        raise Invalid(_("Unknown kind of subscription.")) from None
    value = (value or "").strip()
    if kind in (Target.ITEM, Target.SERIES):
        if not value.isdigit():
            raise NotFound()
        item = followable_item(int(value))
        if kind is Target.ITEM:
            return kind, str(item.id), item.title(locale)[:300]
        return kind, matching.series_key(item), matching.series_label(item, locale)[:300]
    if kind is Target.SUBJECT:
        if value not in reference.subjects():
            raise NotFound()
        return kind, value, reference.subject_name(value, locale)
    if kind is Target.REGION:
        if value not in reference.regions():
            raise NotFound()
        return kind, value, reference.region_name(value)
    if kind is Target.PRODUCER:
        if not value or not db.session.scalar(sa.select(sa.exists().where(Item.unit == value[:120]))):
            raise NotFound()
        return kind, value[:120], value[:120]
    try:
        stored = matching.normalised_search(dict(_search_args(value)))
    except QueryError:
        raise Invalid(_("Type the words to look for before saving the search."),
                      errors={"q": [_("Type the words to look for.")]}) from None
    fields = matching.search_fields(stored)
    return kind, stored, fields["q"][:300]


def _search_args(value: str):
    from urllib.parse import parse_qsl

    return parse_qsl(value) if "=" in value else [("q", value)]


def follow(user, target: str, value: str, preferences: Preferences) -> Subscription:
    """Follow something (or change the preferences of an existing follow of it)."""
    preferences.checked()
    kind, stored, label = resolve(target, value, preferences.language)
    subscription = db.session.scalar(sa.select(Subscription).where(
        Subscription.user_id == user.id, Subscription.target == kind, Subscription.value == stored))
    if subscription is None:
        count = db.session.scalar(sa.select(sa.func.count()).where(Subscription.user_id == user.id))
        if count >= MAX_SUBSCRIPTIONS:
            raise Conflict(_("You follow %(count)d things already; end some subscriptions first.",
                             count=MAX_SUBSCRIPTIONS))
        subscription = Subscription(user_id=user.id, target=kind, value=stored, label=label)
        db.session.add(subscription)
    _apply(subscription, preferences)
    db.session.flush()
    audit.record("subscription.followed", subscription, user, followed=kind.value)
    try:
        db.session.commit()
    except sa.exc.IntegrityError:  # the same follow submitted twice at once: the first one stands
        db.session.rollback()
        subscription = db.session.scalar(sa.select(Subscription).where(
            Subscription.user_id == user.id, Subscription.target == kind, Subscription.value == stored))
    return subscription


def _apply(subscription: Subscription, preferences: Preferences) -> None:
    subscription.frequency = Frequency(preferences.frequency)
    subscription.by_email, subscription.in_site = preferences.by_email, preferences.in_site
    subscription.language = preferences.language


def own(user, subscription_id: int) -> Subscription:
    subscription = db.session.get(Subscription, subscription_id) if 0 < subscription_id <= MAX_ID else None
    if subscription is None or subscription.user_id != user.id:
        raise NotFound()
    return subscription


def update(user, subscription_id: int, preferences: Preferences) -> Subscription:
    preferences.checked()
    subscription = own(user, subscription_id)
    _apply(subscription, preferences)
    audit.record("subscription.changed", subscription, user)
    db.session.commit()
    return subscription


def unfollow(user, subscription_id: int) -> None:
    subscription = own(user, subscription_id)
    audit.record("subscription.ended", subscription, user)
    db.session.delete(subscription)
    db.session.commit()


def subscriptions_of(user) -> list[Subscription]:
    return list(db.session.scalars(sa.select(Subscription).where(Subscription.user_id == user.id)
                                   .order_by(Subscription.target, Subscription.label, Subscription.id)))


def following(user, target: Target, value: str) -> Subscription | None:
    return db.session.scalar(sa.select(Subscription).where(
        Subscription.user_id == user.id, Subscription.target == target, Subscription.value == value))


def check_unsubscribe(token: str) -> Subscription:
    """The subscription a token ends; 400 for a forged token, 410 for a used or stale one."""
    try:
        subscription_id, nonce = tokens.read_unsubscribe_token(token)
    except tokens.BadToken:
        raise Invalid(_("This unsubscribe link is not valid.")) from None
    subscription = db.session.get(Subscription, subscription_id) if 0 < subscription_id <= MAX_ID else None
    if subscription is None or subscription.token_nonce != nonce:
        raise Gone(_("This unsubscribe link has already been used or the subscription has ended."))
    return subscription


def unsubscribe(token: str) -> str:
    """End the subscription the token names (no session needed); returns its label."""
    subscription = check_unsubscribe(token)
    label = subscription.label
    audit.record("subscription.unsubscribed", subscription, None, followed=subscription.target.value)
    deleted = db.session.execute(sa.delete(Subscription).where(Subscription.id == subscription.id,
                                                               Subscription.token_nonce == subscription.token_nonce))
    if deleted.rowcount != 1:  # a simultaneous use of the same link won
        db.session.rollback()
        raise Gone(_("This unsubscribe link has already been used or the subscription has ended."))
    db.session.commit()
    return label


def unread_count(user) -> int:
    return db.session.scalar(sa.select(sa.func.count()).where(
        Alert.user_id == user.id, Alert.in_site.is_(True), Alert.read_at.is_(None))) or 0


def notifications(user):
    """The person's in-site notifications with their events and items, newest first (a query to paginate)."""
    return (sa.select(Alert, AlertEvent, Item).join(AlertEvent, AlertEvent.id == Alert.event_id)
            .join(Item, Item.id == AlertEvent.item_id)
            .where(Alert.user_id == user.id, Alert.in_site.is_(True)).order_by(Alert.id.desc()))
