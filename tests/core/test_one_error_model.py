"""The source keeps one error model: services raise ``core.errors`` classes and never ``abort``.

Only ``core.errors`` decides how a status is carried and answered; a package's own exception
classes are named members of the family (``RosterError(Invalid)``) with no ``status`` or ``code``
of their own, so no view has to unpack an error case by case.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from core import errors
from tests.support.source import is_view_module

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("accounts", "catalog", "consultation", "helpdesk", "orders", "roster", "search_index")
PLUMBING = {"status", "code"}


def _modules():
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            yield path.relative_to(ROOT).as_posix(), ast.parse(path.read_text(encoding="utf-8"), filename=str(path))



def _calls_abort(tree) -> list[int]:
    return [node.lineno for node in ast.walk(tree) if isinstance(node, ast.Call)
            and (isinstance(node.func, ast.Name) and node.func.id == "abort"
                 or isinstance(node.func, ast.Attribute) and node.func.attr == "abort")]


def _is_exception_class(node: ast.ClassDef) -> bool:
    names = {ast.unparse(base).split(".")[-1] for base in node.bases}
    return any(name.endswith(("Error", "Exception", "Problem", "Refused", "Locked", "Search"))
               or name in errors.__dict__ for name in names)


def _plumbing(node: ast.ClassDef) -> set[str]:
    """Names among ``status``/``code`` that the class sets, on itself or on its instances."""
    found = set()
    for statement in ast.walk(node):
        targets = statement.targets if isinstance(statement, ast.Assign) else \
            [statement.target] if isinstance(statement, ast.AnnAssign | ast.AugAssign) else []
        for target in targets:
            if isinstance(target, ast.Name) and target.id in PLUMBING:
                found.add(target.id)
            if (isinstance(target, ast.Attribute) and target.attr in PLUMBING
                    and isinstance(target.value, ast.Name) and target.value.id == "self"):
                found.add(target.attr)
    return found


def test_services_never_abort():
    found = [f"{path}:{line}" for path, tree in _modules() if not is_view_module(tree) for line in _calls_abort(tree)]
    assert found == [], "raise core.errors.NotFound (or another family member) from a service"


def test_no_exception_class_outside_core_carries_its_own_status():
    found = []
    for path, tree in _modules():
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef) and _is_exception_class(node) and _plumbing(node):
                found.append(f"{path}:{node.lineno} {node.name} sets {sorted(_plumbing(node))}")
    assert found == [], "subclass a core.errors family member; its class decides the status"


def test_the_checks_see_what_they_look_for():
    """The two checks above would find the old shapes (so an empty result means something)."""
    old = ast.parse("class RosterError(Exception):\n"
                    "    def __init__(self, message, status=400):\n"
                    "        self.status = status\n")
    assert _is_exception_class(old.body[0]) and _plumbing(old.body[0]) == {"status"}
    assert _calls_abort(ast.parse("from flask import abort\nabort(404)\n")) == [2]
    views = dict(_modules())
    assert is_view_module(views["orders/views.py"]) and not is_view_module(views["catalog/services.py"])


@pytest.mark.parametrize("family", [errors.Invalid, errors.Unprocessable, errors.TooLarge, errors.UnsupportedType,
                                    errors.Unauthenticated, errors.Forbidden, errors.NotFound, errors.Conflict,
                                    errors.Gone, errors.TooMany, errors.Unavailable])
def test_every_family_member_has_a_translated_title(app, family):
    with app.test_request_context("/?lang=en"):
        assert family.status in errors.MESSAGES
        assert issubclass(family, errors.DomainError) and str(family().message)
