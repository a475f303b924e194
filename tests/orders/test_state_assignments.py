"""No module sets an invoice's or a fulfilment task's state except their state machine.

A source check over every first-party module (tests and migrations aside): an
assignment to ``.status``/``.state`` of something named like an invoice or a task,
or of a value of ``InvoiceStatus``/``TaskState``; a ``setattr`` of those names; the
models built with a state; a bulk ``update``/``insert`` of their tables that writes
one.  Only ``core/states.py`` (the machine's ``_set``) may, and a benchmark's seeding.  At run time the
machines also guard the attributes (see test_invoice_and_task_transitions).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SKIPPED = {".venv", "tests", "migrations", "node_modules", "instance", ".git"}
ALLOWED = {
    "core/states.py",  # StateMachine._set: the one place
    "benchmarks/exports.py",  # seeds 100,000 rows of synthetic history in bulk; no application path
}
FIELDS = {"status", "state"}
MODELS = {"Invoice", "FulfilmentTask"}
ENUMS = {"InvoiceStatus", "TaskState"}
RECEIVER = re.compile(r"invoice|task", re.IGNORECASE)
BULK = re.compile(r"\b(update|insert)\((Invoice|FulfilmentTask)\b")


def _modules():
    for path in sorted(ROOT.rglob("*.py")):
        relative = path.relative_to(ROOT)
        if relative.parts[0] not in SKIPPED and relative.as_posix() not in ALLOWED:
            yield relative.as_posix(), path.read_text(encoding="utf-8")


def _names(node) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)} | \
           {n.attr for n in ast.walk(node) if isinstance(n, ast.Attribute)}


def _targets(node):
    if isinstance(node, ast.Assign):
        targets = node.targets
    elif isinstance(node, ast.AugAssign | ast.AnnAssign):
        targets = [node.target]
    else:
        return
    for target in targets:
        yield from (t for t in ast.walk(target) if isinstance(t, ast.Attribute) and isinstance(t.ctx, ast.Store))


def _within_model_class(node, parents) -> bool:
    while node in parents:
        node = parents[node]
        if isinstance(node, ast.ClassDef) and node.name in MODELS:
            return True
    return False


def _sets_state(call: ast.Call) -> bool:
    """``setattr(x, "status", …)``, ``Invoice(status=…)``, ``update(Invoice)….values(status=…)``."""
    func = ast.unparse(call.func)
    keywords = {k.arg for k in call.keywords}
    if func == "setattr":
        return len(call.args) >= 2 and isinstance(call.args[1], ast.Constant) and call.args[1].value in FIELDS
    if func.split(".")[-1] in MODELS:
        return bool(keywords & FIELDS)
    if func.endswith(".values") and BULK.search(func):
        written = keywords | {k.value for a in call.args if isinstance(a, ast.Dict)
                              for k in a.keys if isinstance(k, ast.Constant)}
        return bool(written & FIELDS) or None in keywords  # None: a **mapping we cannot read
    if func.endswith("execute") and len(call.args) >= 2 and BULK.search(ast.unparse(call.args[0])):
        given = call.args[1]  # one row, a list of rows, or a comprehension of rows
        rows = [given, getattr(given, "elt", None), *getattr(given, "elts", [])]
        return any(isinstance(row, ast.Dict) and any(isinstance(k, ast.Constant) and k.value in FIELDS
                                                     for k in row.keys) for row in rows)
    return False


def offences(source: str) -> list[str]:
    """The lines of ``source`` that set an invoice's or a task's state directly."""
    tree = ast.parse(source)
    parents = {child: parent for parent in ast.walk(tree) for child in ast.iter_child_nodes(parent)}
    found = []
    for node in ast.walk(tree):
        for target in _targets(node):
            if target.attr not in FIELDS:
                continue
            receiver = ast.unparse(target.value)
            value = getattr(node, "value", None)
            if RECEIVER.search(receiver) or (value is not None and _names(value) & ENUMS) \
                    or (receiver == "self" and _within_model_class(node, parents)):
                found.append(f"{node.lineno}: {ast.unparse(node)}")
        if isinstance(node, ast.Call) and _sets_state(node):
            found.append(f"{node.lineno}: {ast.unparse(node)}")
    return found


def test_no_module_sets_an_invoice_or_task_state_outside_the_state_machine():
    scanned, offending = 0, {}
    for name, source in _modules():
        scanned += 1
        if lines := offences(source):
            offending[name] = lines
    assert scanned > 100  # the walk really saw the code base
    assert offending == {}


def test_the_check_catches_each_way_of_setting_the_state():
    caught = [
        "invoice.status = InvoiceStatus.PAID",
        "order.invoice.status = status",
        "task.state, task.done_at = TaskState.DONE, now",
        "row.status = InvoiceStatus.REFUNDED",
        "setattr(invoice, 'status', new)",
        "Invoice(order=order, status=InvoiceStatus.OPEN)",
        "models.FulfilmentTask(order_id=1, state=TaskState.OPEN)",
        "db.session.execute(sa.update(Invoice).where(Invoice.id == 1).values(status=InvoiceStatus.PAID))",
        "sa.update(FulfilmentTask).values({'state': TaskState.DONE})",
        "db.session.execute(sa.insert(Invoice), [{'id': n, 'status': 'paid'} for n in ids])",
        "db.session.execute(sa.update(FulfilmentTask), [{'id': 1, 'state': 'done'}])",
        "class Invoice:\n    def pay(self):\n        self.status = PAID",
    ]
    for source in caught:
        assert offences(source), source
    fine = ["refund.status = RefundStatus.APPROVED", "order.state = target", "item.status = ReleaseStatus.RELEASED",
            "if invoice.status is InvoiceStatus.OPEN:\n    pass", "sa.update(Invoice).values(closed_at=now)",
            "db.session.execute(sa.insert(Payment), [{'invoice_id': 1, 'amount': 5}])",
            "class Refund:\n    def approve(self):\n        self.status = APPROVED"]
    for source in fine:
        assert not offences(source), source
