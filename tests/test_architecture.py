"""The floors of bot/: no package cycle, and the shared floors import no feature.

Read from the source with ``ast`` (every import, including ones inside functions), so a
new arrow that runs back up a floor fails here rather than in review.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

BOT = Path(__file__).resolve().parents[1] / "bot"
FEATURES = {"bot.bridge", "bot.drafts", "bot.sla", "bot.sync", "bot.admin", "bot.handlers"}
SHARED_FLOORS = ("bot.outbox", "bot.guardrails", "bot.middlewares")
COMPOSITION = {"bot.app", "bot.deps", "bot.__main__"}


def _unit(module: str) -> str:
    """``bot.outbox.worker`` → ``bot.outbox``; top-level modules are their own unit."""
    parts = module.split(".")
    return ".".join(parts[:2])


def _module_of(path: Path) -> str:
    relative = path.relative_to(BOT.parent).with_suffix("")
    parts = list(relative.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def import_graph() -> dict[str, dict[str, set[str]]]:
    """unit → unit it imports → the modules that do it (for readable failures)."""
    graph: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for path in sorted(BOT.rglob("*.py")):
        module = _module_of(path)
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                targets = [node.module]
                if node.module == "bot":  # from bot import texts
                    targets = [f"bot.{alias.name}" for alias in node.names]
            for target in targets:
                if target.startswith("bot.") and _unit(target) != _unit(module):
                    graph[_unit(module)][_unit(target)].add(module)
    return graph


def cycles(graph: dict[str, dict[str, set[str]]]) -> list[list[str]]:
    """Strongly connected components with more than one unit (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph.get(node, {}):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component: list[str] = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in list(graph):
        if node not in index:
            visit(node)
    return found


def test_the_graph_sees_the_known_arrows() -> None:
    graph = import_graph()
    assert "bot.outbox" in graph["bot.bridge"]  # bridge posts through the outbox
    assert "bot.guardrails" in graph["bot.drafts"]


def test_no_package_cycle_in_bot() -> None:
    graph = import_graph()
    found = cycles(graph)
    detail = [
        {a: {b: sorted(graph[a][b]) for b in cycle if b in graph[a]} for a in cycle}
        for cycle in found
    ]
    assert not found, f"package cycles in bot/: {detail}"


def test_shared_floors_import_no_feature() -> None:
    graph = import_graph()
    for floor in SHARED_FLOORS:
        upward = {
            target: sorted(modules)
            for target, modules in graph.get(floor, {}).items()
            if target in FEATURES or target in COMPOSITION
        }
        assert not upward, f"{floor} imports a feature: {upward}"


def test_no_feature_imports_the_composition() -> None:
    graph = import_graph()
    for feature in FEATURES | set(SHARED_FLOORS):
        upward = {t: sorted(m) for t, m in graph.get(feature, {}).items() if t in COMPOSITION}
        assert not upward, f"{feature} imports the composition: {upward}"


def test_only_the_composition_imports_the_handlers() -> None:
    graph = import_graph()
    importers = {unit for unit, targets in graph.items() if "bot.handlers" in targets}
    assert importers <= COMPOSITION, importers


def test_a_cycle_is_detected() -> None:
    graph: dict[str, dict[str, set[str]]] = {
        "a": {"b": {"a.x"}},
        "b": {"c": {"b.y"}},
        "c": {"a": {"c.z"}},
        "d": {"a": {"d.w"}},
    }
    assert cycles(graph) == [["a", "b", "c"]]


def test_the_product_imports_nothing_from_the_emulators() -> None:
    """The demo and the tests depend on the product, never the other way round: an image
    built without sandbox/ must still run."""
    offenders: dict[str, list[str]] = {}
    for package in ("bot", "connectors", "storage"):
        for path in sorted((BOT.parent / package).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
            for node in ast.walk(tree):
                names: list[str] = []
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                    names = [node.module]
                hits = [n for n in names if n == "sandbox" or n.startswith("sandbox.")]
                if hits:
                    offenders.setdefault(str(path.relative_to(BOT.parent)), []).extend(hits)
    assert not offenders, offenders


# The composition root builds the adapters; Ozon's push server is Ozon-only by nature.
MARKETPLACE_AWARE = COMPOSITION | {"bot.marketplaces", "bot.sync.push"}
ADAPTER_PACKAGES = ("connectors.ozon", "connectors.wildberries", "connectors.yandex_market")


def test_bot_reaches_marketplaces_only_through_the_port() -> None:
    offenders: dict[str, list[str]] = {}
    for path in sorted(BOT.rglob("*.py")):
        module = _module_of(path)
        if module in MARKETPLACE_AWARE:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            hits = [n for n in names if n.startswith(ADAPTER_PACKAGES)]
            if hits:
                offenders.setdefault(module, []).extend(hits)
    assert not offenders, f"bot/ modules importing an adapter instead of the port: {offenders}"


def test_one_scheduler_built_in_one_place() -> None:
    """Features receive the process's apscheduler; only ``bot.scheduling`` constructs one
    (called once from the composition root), so no feature falls back to its own."""
    builders: dict[str, int] = {}
    for path in sorted(BOT.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            if name.endswith("Scheduler") and name.startswith(("AsyncIO", "Background")):
                module = _module_of(path)
                builders[module] = builders.get(module, 0) + 1
            elif name == "build_scheduler":
                module = _module_of(path)
                builders[f"{module} (build_scheduler)"] = builders.get(module, 0) + 1
    assert builders == {"bot.scheduling": 1, "bot.app (build_scheduler)": 1}, builders


HANDLERS = BOT / "handlers"


def _handler_modules() -> dict[str, ast.Module]:
    """Every module under ``bot/handlers`` (sub-packages too), named from there:
    ``sellers``, ``add_seller.wizard``, ``add_seller`` (a package's ``__init__``); the
    assembly (``bot/handlers/__init__.py``) is left out."""
    modules: dict[str, ast.Module] = {}
    for path in sorted(HANDLERS.rglob("*.py")):
        parts = list(path.relative_to(HANDLERS).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        if parts:
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
            modules[".".join(parts)] = tree
    return modules


def _is_router_module(tree: ast.Module) -> bool:
    return any(
        isinstance(node, ast.FunctionDef) and node.name == "build_router" for node in tree.body
    )


def test_no_handler_reaches_into_a_services_database() -> None:
    """Handlers parse, call a service, render: ``service.db.…`` and storage repositories
    are the services' business."""
    offenders: dict[str, list[str]] = {}
    for name, tree in _handler_modules().items():
        found: list[str] = []
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Attribute)
                and node.value.attr == "db"
            ):
                found.append(f"line {node.lineno}: .db.{node.attr}")
            if isinstance(node, ast.ImportFrom) and (node.module or "").endswith("_repo"):
                found.append(f"line {node.lineno}: from {node.module}")
        if found:
            offenders[name] = found
    assert not offenders, offenders


def _names_database(annotation: ast.expr | None) -> bool:
    """``Database``, ``storage.database.Database``, ``Database | None``, ``"Database"``."""
    if annotation is None:
        return False
    for node in ast.walk(annotation):
        if isinstance(node, ast.Name) and node.id == "Database":
            return True
        if isinstance(node, ast.Attribute) and node.attr == "Database":
            return True
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            try:
                parsed = ast.parse(node.value, mode="eval").body
            except SyntaxError:
                continue
            if _names_database(parsed):
                return True
    return False


def test_no_handler_takes_the_database() -> None:
    """Handlers get services built once in the composition root (bot/app.py), never the
    ``Database`` from the dispatcher data: no handler module imports ``storage.database``
    and no function in one has a parameter annotated ``Database``."""
    for forbidden in ("Database", "'Database | None'", "storage.database.Database"):
        assert _names_database(ast.parse(forbidden, mode="eval").body), forbidden
    assert not _names_database(ast.parse("Workspace | None", mode="eval").body)
    offenders: dict[str, list[str]] = {}
    for name, tree in _handler_modules().items():
        found: list[str] = []
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                found += [
                    f"line {node.lineno}: import {alias.name}"
                    for alias in node.names
                    if alias.name == "storage.database"
                ]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                if node.module == "storage.database" or (
                    node.module == "storage" and any(a.name == "database" for a in node.names)
                ):
                    found.append(f"line {node.lineno}: from {node.module}")
            elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
                arguments = node.args
                params = [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]
                params += [p for p in (arguments.vararg, arguments.kwarg) if p is not None]
                found += [
                    f"line {p.lineno}: {p.arg}: Database"
                    for p in params
                    if _names_database(p.annotation)
                ]
        if found:
            offenders[name] = found
    assert not offenders, offenders


def _handler_targets(node: ast.AST, importer: str) -> list[str]:
    """The handler modules an import statement names, dotted from ``bot/handlers``
    (``add_seller.wizard``), relative imports resolved against ``importer``."""
    prefix = "bot.handlers."
    if isinstance(node, ast.Import):
        return [a.name[len(prefix) :] for a in node.names if a.name.startswith(prefix)]
    if not isinstance(node, ast.ImportFrom):
        return []
    if node.level:
        package = importer.split(".")[: -node.level]
        base = ".".join([*package, *([node.module] if node.module else [])])
    elif node.module == "bot.handlers":
        base = ""
    elif node.module and node.module.startswith(prefix):
        base = node.module[len(prefix) :]
    else:
        return []
    names = [f"{base}.{a.name}" if base else a.name for a in node.names]
    return [base, *names] if base else names


def test_no_router_module_imports_another() -> None:
    """Feature routers share helpers through modules without a router (keyboards, forms);
    only the package's assembly (``bot/handlers/__init__.py``) imports the routers."""
    trees = _handler_modules()
    routers = {name for name, tree in trees.items() if _is_router_module(tree)}
    offenders: dict[str, list[str]] = {}
    for name in sorted(routers):
        for node in ast.walk(trees[name]):
            hits = [t for t in _handler_targets(node, name) if t in routers and t != name]
            if hits:
                offenders.setdefault(name, []).extend(hits)
    assert not offenders, offenders


def test_only_the_texts_package_escapes_html() -> None:
    """Values are escaped where templates are filled (``bot.texts``); an ``html.escape`` in
    a feature is either a value escaped twice or HTML built beside the texts."""
    offenders: dict[str, list[str]] = {}
    for path in sorted(BOT.rglob("*.py")):
        module = _module_of(path)
        if _unit(module) == "bot.texts":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            hits: list[str] = []
            if isinstance(node, ast.Import):
                hits = [alias.name for alias in node.names if alias.name == "html"]
            elif isinstance(node, ast.ImportFrom) and node.module in ("html", "markupsafe"):
                hits = [f"from {node.module} import {a.name}" for a in node.names]
            elif (
                isinstance(node, ast.Attribute)
                and node.attr in ("escape", "unescape")
                and isinstance(node.value, ast.Name)
                and node.value.id == "html"
            ):
                hits = [f"html.{node.attr}"]
            if hits:
                offenders.setdefault(f"{module}:{getattr(node, 'lineno', 0)}", []).extend(hits)
    assert not offenders, f"escape through bot.texts (text(), Html, markup): {offenders}"


def test_notices_are_queued_only_through_enqueue_notice() -> None:
    """``enqueue_notice`` / ``Outbox.notice`` are the one way to queue a notice, so its
    dedup key, target and priority are named the same way everywhere; a feature building
    ``Notice(...)`` itself is a second way."""
    offenders: dict[str, list[int]] = {}
    for path in sorted(BOT.rglob("*.py")):
        module = _module_of(path)
        if _unit(module) == "bot.outbox":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
            if name == "Notice":
                offenders.setdefault(module, []).append(node.lineno)
    assert not offenders, f"queue notices with enqueue_notice / Outbox.notice: {offenders}"
