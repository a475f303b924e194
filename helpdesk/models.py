"""Internal forum: threads and posts, visible to staff only."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from accounts.models import User
from consultation.models import Ticket
from core import clock
from core.extensions import db
from core.models import TimestampMixin, UTCDateTime

CATEGORIES = ("consultation", "data", "orders", "tools", "other")
CATEGORY_LABELS = {"consultation": _l("Consultations"), "data": _l("Finding data"), "orders": _l("Orders and payment"),
                   "tools": _l("Tools and formats"), "other": _l("Other questions")}


class ForumThread(TimestampMixin, db.Model):
    __tablename__ = "helpdesk_thread"

    id: Mapped[int] = mapped_column(primary_key=True)
    category: Mapped[str] = mapped_column(sa.String(20), nullable=False, index=True)
    title: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"), nullable=False)
    ticket_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("consultation_ticket.id", ondelete="SET NULL"), index=True)
    accepted_post_id: Mapped[int | None] = mapped_column(sa.Integer)
    last_post_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now, nullable=False)

    author: Mapped[User] = relationship(lazy="joined")
    ticket: Mapped[Ticket | None] = relationship(lazy="joined")
    posts: Mapped[list[ForumPost]] = relationship(back_populates="thread", order_by="ForumPost.id",
                                                  cascade="all, delete-orphan")


class ForumPost(db.Model):
    __tablename__ = "helpdesk_post"

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(sa.ForeignKey("helpdesk_thread.id", ondelete="CASCADE"),
                                           nullable=False, index=True)
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"), nullable=False)
    body: Mapped[str] = mapped_column(sa.Text, nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now, nullable=False)

    thread: Mapped[ForumThread] = relationship(back_populates="posts")
    author: Mapped[User] = relationship(lazy="joined")


class ForumSubscription(db.Model):
    __tablename__ = "helpdesk_subscription"

    thread_id: Mapped[int] = mapped_column(sa.ForeignKey("helpdesk_thread.id", ondelete="CASCADE"),
                                           primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id", ondelete="CASCADE"),
                                         primary_key=True)


class FaqEntry(TimestampMixin, db.Model):
    """A public question and answer, edited by staff from a forum answer or a resolved request."""

    __tablename__ = "helpdesk_faq"

    id: Mapped[int] = mapped_column(primary_key=True)
    category: Mapped[str] = mapped_column(sa.String(20), nullable=False, index=True)
    question_id: Mapped[str] = mapped_column(sa.String(300), nullable=False)
    question_en: Mapped[str] = mapped_column(sa.String(300), nullable=False, default="")
    answer_id: Mapped[str] = mapped_column(sa.Text, nullable=False)  # Markdown
    answer_en: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    published: Mapped[bool] = mapped_column(default=False, nullable=False, index=True)
    thread_id: Mapped[int | None] = mapped_column(sa.ForeignKey("helpdesk_thread.id", ondelete="SET NULL"))
    ticket_id: Mapped[int | None] = mapped_column(sa.ForeignKey("consultation_ticket.id", ondelete="SET NULL"))
    promoted_by_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"), nullable=False)

    promoted_by: Mapped[User] = relationship(lazy="joined")

    def question(self, locale: str) -> str:
        return (self.question_en if locale == "en" else self.question_id) or self.question_id or self.question_en

    def answer(self, locale: str) -> str:
        return (self.answer_en if locale == "en" else self.answer_id) or self.answer_id or self.answer_en
