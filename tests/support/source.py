"""Reading the project's own source for the tests that keep its conventions (AST, never imports)."""

from __future__ import annotations

import ast

ROUTE_DECORATORS = {"route", "get", "post", "put", "patch", "delete"}


def is_view_module(tree: ast.AST) -> bool:
    """Whether the module defines a route (a function decorated with ``bp.get(...)`` and the like)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            for decorator in node.decorator_list:
                target = decorator.func if isinstance(decorator, ast.Call) else decorator
                if isinstance(target, ast.Attribute) and target.attr in ROUTE_DECORATORS:
                    return True
    return False
