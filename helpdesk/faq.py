"""The knowledge base: staff promote an accepted forum answer or a resolved request to a public FAQ entry.

A promoted entry starts as an unpublished draft holding the text it came from;
staff edit both languages and publish it.  Only published entries are public:
on ``/faq``, in the suggestions on the consultation form and in search (the
``faq`` document source).  The forum post or the request itself is never shown.
"""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from accounts.models import User
from consultation.models import Status, Ticket
from core import audit
from core.errors import Conflict, Forbidden, Invalid, NotFound
from core.extensions import db
from helpdesk.models import CATEGORIES, FaqEntry, ForumPost, ForumThread
from search_index.documents import DocumentSource, SearchDocument
from search_index.indexing import mark_changed

SOURCE = "faq"
QUESTION_MAX = 300
ANSWER_MAX = 20_000
SUGGEST_MIN = 3
SUGGEST_LIMIT = 5
EDITORS = ("operator", "supervisor", "admin")


class FaqError(Invalid):
    """An FAQ edit that breaks an FAQ rule."""


def require_editor(user: User) -> None:
    if not any(user.has_role(role) for role in EDITORS):
        raise Forbidden(_l("Only operators and supervisors edit the FAQ."))


def promote_thread(actor: User, thread: ForumThread) -> FaqEntry:
    require_editor(actor)
    if thread.accepted_post_id is None:
        raise Conflict(_l("Accept an answer before promoting the thread to the FAQ."))
    answer = db.session.get(ForumPost, thread.accepted_post_id)
    entry = FaqEntry(category=thread.category, question_id=thread.title[:QUESTION_MAX], answer_id=answer.body,
                     thread_id=thread.id, promoted_by_id=actor.id)
    return _add(actor, entry)


def promote_ticket(actor: User, ticket: Ticket) -> FaqEntry:
    require_editor(actor)
    if ticket.status not in (Status.RESOLVED, Status.CLOSED):
        raise Conflict(_l("Only a resolved request can become an FAQ entry."))
    answers = [m.body for m in ticket.messages if m.from_staff]
    if not answers:
        raise Conflict(_l("This request has no answer from staff."))
    entry = FaqEntry(category="consultation", question_id=ticket.subject[:QUESTION_MAX], answer_id=answers[-1],
                     ticket_id=ticket.id, promoted_by_id=actor.id)
    return _add(actor, entry)


def _add(actor: User, entry: FaqEntry) -> FaqEntry:
    db.session.add(entry)
    db.session.flush()
    audit.record("helpdesk.faq_promoted", entry, actor, thread=entry.thread_id, ticket=entry.ticket_id)
    mark_changed(SOURCE, entry.id)
    db.session.commit()
    return entry


def edit(actor: User, entry: FaqEntry, *, category: str, question_id: str, question_en: str, answer_id: str,
         answer_en: str, published: bool) -> FaqEntry:
    require_editor(actor)
    question_id, question_en = question_id.strip(), question_en.strip()
    answer_id, answer_en = answer_id.strip(), answer_en.strip()
    if category not in CATEGORIES:
        raise FaqError(_l("Choose a category."))
    if not question_id or len(question_id) > QUESTION_MAX or len(question_en) > QUESTION_MAX:
        raise FaqError(_l("Give the question in Indonesian, at most %(n)s characters.", n=QUESTION_MAX))
    if not answer_id or len(answer_id) > ANSWER_MAX or len(answer_en) > ANSWER_MAX:
        raise FaqError(_l("Give the answer in Indonesian, at most %(n)s characters.", n=ANSWER_MAX))
    if published and not (question_en and answer_en):
        raise FaqError(_l("Publish only with the English question and answer as well."))
    entry.category, entry.question_id, entry.question_en = category, question_id, question_en
    entry.answer_id, entry.answer_en, entry.published = answer_id, answer_en, published
    audit.record("helpdesk.faq_edited", entry, actor, published=published)
    mark_changed(SOURCE, entry.id)
    db.session.commit()
    return entry


def published_entry(entry_id: int) -> FaqEntry:
    entry = db.session.get(FaqEntry, entry_id)
    if entry is None or not entry.published:
        raise NotFound(_l("No such question."))
    return entry


def suggestions(text: str, locale: str) -> list[FaqEntry]:
    """Published entries that answer ``text``, best first (at most five).

    Through the search backend, so a question in plain words finds its entry: its stemming and stop words
    make "Berapa kode KBLI untuk kopi keliling?" ask for kode, kbli, kopi and keliling.  Entries holding
    every word come first; when none does, entries holding any of them, by relevance.  When the index has
    nothing (it is rebuilt in the background), the words are looked up in the database as before.
    """
    return _searched(text, locale) or _keyword_matches(text)


def _searched(text: str, locale: str) -> list[FaqEntry]:
    from search_index import service
    from search_index.backend import Filters, SearchRequest
    from search_index.query import Query, QueryError, parse

    try:
        query = parse(text[:200])
    except QueryError:
        return []
    if query.empty:
        return []
    any_word = Query((tuple(element for group in query.required for element in group),), query.excluded)
    for attempt in (query, any_word):
        result = service.backend().search(SearchRequest(
            query=attempt, filters=Filters(sources=(SOURCE,)), facets=(), per_page=SUGGEST_LIMIT,
            language=locale))
        ids = [int(hit.key) for hit in result.hits if hit.key.isdigit()]
        if ids:
            found = {e.id: e for e in db.session.scalars(sa.select(FaqEntry).where(
                FaqEntry.id.in_(ids), FaqEntry.published.is_(True)))}
            return [found[i] for i in ids if i in found]
    return []


def _keyword_matches(text: str) -> list[FaqEntry]:
    words = [w for w in text.lower().split() if len(w) >= SUGGEST_MIN][:6]
    if not words:
        return []
    query = sa.select(FaqEntry).where(FaqEntry.published.is_(True))
    for word in words:
        pattern = "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        fields = (FaqEntry.question_id, FaqEntry.question_en, FaqEntry.answer_id, FaqEntry.answer_en)
        query = query.where(sa.or_(*(sa.func.lower(f).like(pattern, escape="\\") for f in fields)))
    return list(db.session.scalars(query.order_by(FaqEntry.updated_at.desc()).limit(SUGGEST_LIMIT)))


def document(entry: FaqEntry) -> SearchDocument:
    return SearchDocument(source=SOURCE, key=str(entry.id), kind="faq", url=f"/faq/{entry.id}",
                          title_id=entry.question_id, title_en=entry.question_en, abstract_id=entry.answer_id,
                          abstract_en=entry.answer_en, keywords=(entry.category,), released_at=entry.updated_at,
                          public=entry.published)


def load(keys: Iterable[str]) -> list[SearchDocument]:
    ids = sorted({int(k) for k in keys if str(k).isdigit()})
    return [document(e) for e in db.session.scalars(sa.select(FaqEntry).where(FaqEntry.id.in_(ids)))]


def all_keys() -> list[str]:
    return [str(i) for i in db.session.scalars(
        sa.select(FaqEntry.id).where(FaqEntry.published.is_(True)).order_by(FaqEntry.id))]


def source() -> DocumentSource:
    return DocumentSource(SOURCE, load, all_keys)
