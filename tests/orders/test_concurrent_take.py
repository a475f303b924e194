"""On PostgreSQL: twenty operators taking one queued fulfilment task at once leave one winner."""

import pytest
import sqlalchemy as sa

from core.extensions import db
from core.models import AuditEntry
from orders.fulfilment import ITEM_TYPE
from orders.models import FulfilmentTask
from roster.models import AssignmentDecision, DecisionOutcome, OperatorState, WorkItem, WorkStatus
from tests.orders.test_fulfilment_routing import _to_preparation
from tests.support.concurrency import THREADS, run_together, signed_in_clients

pytestmark = pytest.mark.postgresql_only


@pytest.fixture(autouse=True)
def _postgresql_only(backend):
    if backend != "postgresql":
        pytest.skip("runs on the PostgreSQL pass")


def test_twenty_operators_taking_one_task_at_once_leave_one_winner(app, shop, users, client, login):
    order_id = _to_preparation(app, shop, users, client, login)  # nobody on duty: the task waits in the queue
    with app.app_context():
        task_id = db.session.scalar(sa.select(FulfilmentTask.id).where(FulfilmentTask.order_id == order_id))
    clients = signed_in_clients(app, [users.make("operator") for _ in range(THREADS)], users.PASSWORD)

    codes = run_together(lambda i: clients[i].post(f"/desk/tasks/{task_id}/take").status_code)

    assert sorted(codes) == [302] + [409] * (THREADS - 1)
    with app.app_context():
        task = db.session.get(FulfilmentTask, task_id)
        item = db.session.scalar(sa.select(WorkItem).where(WorkItem.item_type == ITEM_TYPE,
                                                           WorkItem.item_id == str(task_id)))
        decisions = db.session.scalars(sa.select(AssignmentDecision).where(
            AssignmentDecision.work_item_id == item.id, AssignmentDecision.outcome != DecisionOutcome.QUEUED)).all()
        loads = dict(db.session.execute(sa.select(OperatorState.operator_id, OperatorState.open_items)
                                        .where(OperatorState.open_items != 0)).all())
        takes = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)
                                  .where(AuditEntry.action == "fulfilment.take"))
        assert item.status is WorkStatus.ASSIGNED and task.assignee_id == item.assignee_id
        assert [(d.outcome, d.operator_id) for d in decisions] == [(DecisionOutcome.TAKEN, task.assignee_id)]
        assert loads == {task.assignee_id: 1}
        assert takes == 1
