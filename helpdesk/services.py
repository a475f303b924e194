"""Forum operations: start a thread, reply, mention, subscribe, accept an answer."""

from __future__ import annotations

import re

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from accounts.models import User
from consultation.models import Ticket
from core import audit, clock
from core.errors import Forbidden, Invalid, NotFound
from core.extensions import db
from core.outbox import queue_email
from helpdesk.models import CATEGORIES, ForumPost, ForumSubscription, ForumThread

MENTION = re.compile(r"(?<![\w.])@([\w.+-]+@[\w-]+(?:\.[\w-]+)+)")
TITLE_MAX = 200


class ForumError(Invalid):
    """A forum action that breaks a forum rule."""


def require_staff(user: User) -> None:
    if not (user and user.is_authenticated and user.is_staff):
        raise NotFound(_l("Only staff may use the forum."))


def visible_thread(thread_id: int, user: User) -> ForumThread:
    """The thread, or 404 for anyone who is not staff."""
    require_staff(user)
    thread = db.session.get(ForumThread, thread_id)
    if thread is None:
        raise NotFound(_l("No such thread."))
    return thread


def mentioned_staff(body: str, author: User) -> list[User]:
    emails = {m.lower().rstrip(".") for m in MENTION.findall(body)}
    if not emails:
        return []
    found = db.session.scalars(sa.select(User).where(sa.func.lower(User.email).in_(emails))).unique().all()
    return [u for u in found if u.is_staff and u.is_active and u.id != author.id]


def _notify(thread: ForumThread, post: ForumPost, author: User) -> list[User]:
    mentioned = mentioned_staff(post.body, author)
    link = f"/helpdesk/forum/{thread.id}"  # no url_for: may run outside a request
    for user in mentioned:
        queue_email(user.email, "helpdesk/email/mention", locale=user.locale, name=user.full_name,
                    author=author.full_name, thread=thread, link=link)
    mentioned_ids = {u.id for u in mentioned}
    subscribers = db.session.scalars(
        sa.select(User).join(ForumSubscription, ForumSubscription.user_id == User.id)
        .where(ForumSubscription.thread_id == thread.id)).unique().all()
    for user in subscribers:
        if user.id != author.id and user.id not in mentioned_ids and user.is_staff and user.is_active:
            queue_email(user.email, "helpdesk/email/reply", locale=user.locale, name=user.full_name,
                        author=author.full_name, thread=thread, link=link)
    return mentioned


def _subscribe(thread: ForumThread, user: User) -> None:
    if db.session.get(ForumSubscription, (thread.id, user.id)) is None:
        db.session.add(ForumSubscription(thread_id=thread.id, user_id=user.id))


def start_thread(author: User, category: str, title: str, body: str, ticket_id: int | None = None) -> ForumThread:
    require_staff(author)
    title, body = (title or "").strip(), (body or "").strip()
    if category not in CATEGORIES:
        raise ForumError(_l("Choose a category."))
    if not title or len(title) > TITLE_MAX:
        raise ForumError(_l("Give a title of at most %(n)s characters.", n=TITLE_MAX))
    if not body:
        raise ForumError(_l("Write the question."))
    if ticket_id is not None and db.session.get(Ticket, ticket_id) is None:
        raise ForumError(_l("No such request."))
    thread = ForumThread(category=category, title=title, author_id=author.id, ticket_id=ticket_id,
                         last_post_at=clock.now())
    post = ForumPost(author_id=author.id, body=body)
    thread.posts.append(post)
    db.session.add(thread)
    db.session.flush()
    _subscribe(thread, author)
    _notify(thread, post, author)
    audit.record("helpdesk.thread_started", thread, actor=author, ticket_id=ticket_id)
    db.session.commit()
    return thread


def reply(thread: ForumThread, author: User, body: str) -> ForumPost:
    require_staff(author)
    body = (body or "").strip()
    if not body:
        raise ForumError(_l("Write the answer."))
    post = ForumPost(thread_id=thread.id, author_id=author.id, body=body)
    db.session.add(post)
    thread.last_post_at = clock.now()
    db.session.flush()
    _notify(thread, post, author)
    _subscribe(thread, author)
    audit.record("helpdesk.replied", thread, actor=author, post_id=post.id)
    db.session.commit()
    return post


def set_subscription(thread: ForumThread, user: User, on: bool) -> None:
    require_staff(user)
    existing = db.session.get(ForumSubscription, (thread.id, user.id))
    if on and existing is None:
        db.session.add(ForumSubscription(thread_id=thread.id, user_id=user.id))
    elif not on and existing is not None:
        db.session.delete(existing)
    db.session.commit()


def accept(thread: ForumThread, post_id: int, user: User) -> None:
    """The thread's author or a supervisor marks one reply as the answer."""
    require_staff(user)
    if user.id != thread.author_id and not user.has_role("supervisor"):
        raise Forbidden(_l("Only the author of the question or a supervisor may accept an answer."))
    post = db.session.get(ForumPost, post_id)
    if post is None or post.thread_id != thread.id or post.id == thread.posts[0].id:
        raise ForumError(_l("Choose a reply of this thread."))
    thread.accepted_post_id = post.id
    audit.record("helpdesk.answer_accepted", thread, actor=user, post_id=post.id)
    db.session.commit()


def threads_for_ticket(ticket_id: int) -> list[ForumThread]:
    return db.session.scalars(sa.select(ForumThread).where(ForumThread.ticket_id == ticket_id)
                              .order_by(ForumThread.id)).unique().all()
