"""The layers hold beyond imports: no back-channel through endpoint strings, blueprints or ``app.extensions``.

``lint-imports`` checks the imports against ``pyproject.toml``'s layers.  A lower
package can still depend on a higher one without importing it: by naming one of
its endpoints (``url_for("orders.cart_add")`` in the catalog), by adding routes to
another module's blueprint, by creating endpoints in a loop that no reader finds,
or by a private ``app.extensions`` key both sides know.  These tests close those
channels; a lower package asks a slot of ``core.registry`` instead.
"""

from __future__ import annotations

import ast
import inspect
import re
import tomllib
from pathlib import Path

import pytest
from flask import Flask

from app import PACKAGES
from core import registry

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE_SUFFIXES = (".html", ".txt", ".js")
_QUOTED = re.compile(r"""['"]([a-z_]+\.[a-z_]+)['"]""")

# Endpoints whose view lives outside the blueprint's module on purpose, with the reason.
FOREIGN_VIEWS = {"core.index": "the catalog's home page takes over the site root (catalog/wiring.py)"}


def layer_ranks() -> dict[str, int]:
    """Package -> height (core 0) from the import-linter layers contract; siblings share a height."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    layers = next(contract["layers"] for contract in config["contracts"] if contract["type"] == "layers")
    return {package.strip(): height for height, layer in enumerate(reversed(layers))
            for package in layer.split("|")}


def endpoint_owners(app: Flask) -> dict[str, str]:
    """Endpoint -> the package whose blueprint serves it (our packages only)."""
    ranks = layer_ranks()
    owners = {}
    for rule in app.url_map.iter_rules():
        blueprint = app.blueprints.get(rule.endpoint.rpartition(".")[0])
        package = blueprint.import_name.partition(".")[0] if blueprint else None
        if package in ranks:
            owners[rule.endpoint] = package
    return owners


def string_literals(path: Path) -> list[tuple[int, str]]:
    """(line, text) of every string constant of a Python file, or quoted text in a template or script."""
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".py":
        return [(node.lineno, node.value) for node in ast.walk(ast.parse(text))
                if isinstance(node, ast.Constant) and isinstance(node.value, str)]
    return [(text.count("\n", 0, match.start()) + 1, match.group(1)) for match in _QUOTED.finditer(text)]


def package_files(package: str, root: Path = ROOT):
    for path in sorted((root / package).rglob("*")):
        if path.suffix == ".py" or path.suffix in TEMPLATE_SUFFIXES:
            yield path


def upward_references(owners: dict[str, str], files) -> list[str]:
    """``files`` are (package, path) pairs; each endpoint string naming a package that is not below it."""
    ranks = layer_ranks()
    found = []
    for package, path in files:
        for line, text in string_literals(path):
            owner = owners.get(text)
            if owner is not None and owner != package and ranks[owner] >= ranks[package]:
                found.append(f"{path}:{line} ({package}) names {text} ({owner})")
    return found


def test_the_layers_are_read_from_pyproject():
    ranks = layer_ranks()
    assert set(ranks) == set(PACKAGES)
    assert ranks["core"] == 0 and ranks["api"] == max(ranks.values()) > ranks["helpdesk"]
    assert ranks["orders"] == ranks["consultation"] > ranks["catalog"] == ranks["roster"] > ranks["search_index"]


def test_no_package_names_an_endpoint_of_a_package_above_or_beside_it(app):
    owners = endpoint_owners(app)
    assert {"orders", "consultation", "helpdesk", "accounts", "catalog"} <= set(owners.values())
    files = [(package, path) for package in PACKAGES for path in package_files(package)]
    assert upward_references(owners, files) == []


def test_the_check_finds_the_former_back_channels(app, tmp_path):
    """What the catalog, search and consultation did before the registry is reported, in code and templates."""
    (tmp_path / "catalog").mkdir()
    (tmp_path / "catalog" / "views.py").write_text(
        'from flask import url_for\n\n\ndef actions(item):\n    return url_for("orders.cart_add"), '
        'url_for("consultation.new", item=item.id)\n')
    (tmp_path / "search_index").mkdir()
    (tmp_path / "search_index" / "views.py").write_text('ASK = NavLink("consumer", "Ask", "consultation.new")\n')
    (tmp_path / "consultation" / "templates").mkdir(parents=True)
    (tmp_path / "consultation" / "templates" / "detail.html").write_text(
        "<a href=\"{{ url_for('helpdesk.thread', thread_id=t.id) }}\">x</a>\n"
        "<a href=\"{{ url_for('catalog.item', item_id=1) }}\">fine: the catalog is below</a>\n")
    files = [(package, path) for package in ("catalog", "search_index", "consultation")
             for path in package_files(package, tmp_path)]
    found = upward_references(endpoint_owners(app), files)
    assert [entry.split(" names ")[1] for entry in found] == [
        "orders.cart_add (orders)", "consultation.new (consultation)", "consultation.new (consultation)",
        "helpdesk.thread (helpdesk)"]


def test_every_route_is_a_named_function_in_the_module_of_its_blueprint(app):
    """Each blueprint lives in the file that owns its routes, and each endpoint is a ``def`` grep finds."""
    wrong = []
    for endpoint in endpoint_owners(app):
        if endpoint.endswith(".static") or endpoint in FOREIGN_VIEWS:
            continue
        view = inspect.unwrap(app.view_functions[endpoint])
        blueprint = app.blueprints[endpoint.rpartition(".")[0]]
        if view.__module__ != blueprint.import_name or view.__qualname__ != endpoint.rpartition(".")[2]:
            wrong.append(f"{endpoint}: {view.__module__}.{view.__qualname__} (blueprint in {blueprint.import_name})")
    assert wrong == []


def _touches_app_extensions(path: Path) -> list[int]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [node.lineno for node in ast.walk(tree)
            if isinstance(node, ast.Attribute) and node.attr == "extensions"
            and not (isinstance(node.value, ast.Name) and node.value.id == "core")]  # the module core.extensions


def test_only_the_registry_reads_or_writes_app_extensions():
    found = [f"{path.relative_to(ROOT)}:{line}" for package in PACKAGES for path in package_files(package)
             if path.suffix == ".py" and path != ROOT / "core" / "registry.py"
             for line in _touches_app_extensions(path)]
    assert found == []


def test_app_extensions_holds_the_registry_and_flask_extensions_only(app):
    from authlib.integrations.flask_client import OAuth

    from core.extensions import babel, bootstrap, csrf, db, limiter, login_manager, migrate

    bare = Flask("bare")
    bare.config.update(app.config)
    for extension in (db, csrf, babel, bootstrap, limiter, login_manager):
        extension.init_app(bare)
    migrate.init_app(bare, db)
    OAuth(bare)
    assert set(app.extensions) - set(bare.extensions) == {registry.EXTENSION_KEY}


def test_every_filled_slot_is_declared_by_one_of_our_packages(app):
    declared = registry.declared()
    assert set(app.extensions[registry.EXTENSION_KEY]) <= set(declared)
    assert {slot.owner for slot in declared.values()} <= set(PACKAGES)
    assert all(slot.doc for slot in declared.values())


def test_a_slot_refuses_a_second_claim(app):
    from roster.kinds import ROUTING_KINDS

    with pytest.raises(ValueError, match="complaint"):
        ROUTING_KINDS.register(app, "complaint", "again")
    with pytest.raises(ValueError, match="already holds a value"):
        registry.declared()["roster.calendar"].register(app, None)
