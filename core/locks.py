"""Reading the rows a decision depends on so that simultaneous decisions take turns.

PostgreSQL reads them ``FOR UPDATE``: another transaction asking for the same rows
waits until this one ends, then reads what it wrote.  SQLite has no row locks but
one writer at a time, and a plain transaction becomes a writer only at its first
write, after it may already have read: ``take_writer_lock`` makes it the writer
first (``BEGIN IMMEDIATE``), so nothing it reads can change until it ends.

Objects the session already holds are refreshed by the locked read, so checks made
after it see the current values rather than ones read before the lock (unflushed
changes to those objects are overwritten: lock before changing them).  Lock in one
order everywhere (the roster engine: work item, then operators, then the owner's
record) so that two decisions cannot wait for each other.
"""

from __future__ import annotations

from core.extensions import db


def take_writer_lock() -> None:
    """On SQLite make the session's transaction the database's one writer now; nothing on PostgreSQL.

    A transaction that has already written holds the writer lock (the driver begins
    one before the first write), so only one that has not is begun ``IMMEDIATE``.
    """
    connection = db.session.connection()
    if connection.dialect.name != "sqlite":
        return
    if not connection.connection.dbapi_connection.in_transaction:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def locked(query, **for_update):
    """``query`` made to read rows for a decision: locked until the transaction ends, session objects refreshed.

    ``for_update`` is passed to ``with_for_update`` (``skip_locked=True``, ``of=…``).
    """
    take_writer_lock()
    return query.with_for_update(**for_update).execution_options(populate_existing=True)
