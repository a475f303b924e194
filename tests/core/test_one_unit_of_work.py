"""The source keeps one unit of work: commits go through the session, views never roll back.

After-commit effects are queued with ``core.unit_of_work`` and follow the session's
own commit, so no package may grow a commit wrapper of its own (or call another
package's), and a view leaves what it did not commit to the request teardown.
"""

from __future__ import annotations

import ast
from pathlib import Path

from tests.support.source import is_view_module

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("accounts", "catalog", "consultation", "helpdesk", "orders", "roster", "search_index")


def _modules():
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            yield path, ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _calls(tree, names):
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in names:
            yield node



def _imported_names(tree) -> set[str]:
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            names |= {alias.asname or alias.name.split(".")[0] for alias in node.names}
    return names - {"db"}


def test_no_module_commits_or_rolls_back_through_another_module():
    found = []
    for path, tree in _modules():
        imported = _imported_names(tree)
        for call in _calls(tree, {"commit", "rollback"}):
            receiver = call.func.value
            if isinstance(receiver, ast.Name) and receiver.id in imported:
                found.append(f"{path.relative_to(ROOT)}:{call.lineno} {ast.unparse(call)}")
    assert found == [], "commit through db.session; queue after-commit work with core.unit_of_work"


def test_no_module_defines_or_imports_a_commit_helper_of_its_own():
    found = []
    for path, tree in _modules():
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef) and node.col_offset == 0 and node.name in {"commit", "rollback"}:
                found.append(f"{path.relative_to(ROOT)}:{node.lineno} def {node.name}")
            if isinstance(node, ast.ImportFrom):
                for alias in node.names:
                    if alias.name in {"commit", "rollback", "announce"} or alias.asname == "transaction":
                        found.append(f"{path.relative_to(ROOT)}:{node.lineno} import {alias.name}")
    assert found == []


def test_no_view_module_rolls_back():
    views = []
    found = []
    for path, tree in _modules():
        if not is_view_module(tree):
            continue
        views.append(path)
        found += [f"{path.relative_to(ROOT)}:{call.lineno}" for call in _calls(tree, {"rollback"})]
    assert len(views) >= 10  # the check sees the view modules (orders/views.py, catalog/manage.py, …)
    assert ROOT / "orders" / "views.py" in views and ROOT / "catalog" / "manage.py" in views
    assert found == [], "the request teardown rolls back what a view left open"
