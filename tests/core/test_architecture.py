"""The shape of the code: apps depend one way, no module imports another that imports it back, and jobs name tasks
that exist.

The import graph is read from the source (every `import`, also those inside functions, which only hide a cycle),
over the project's own packages; migrations are left out. docs/architecture.md explains the layout.
"""

import ast
from pathlib import Path

from django.conf import settings

from reports.services import builds
from surveys import outbox
from teknokyla.celery import app

ROOT = Path(settings.BASE_DIR)


def _modules() -> dict[str, Path]:
    packages = [path.parent for path in ROOT.glob("*/__init__.py") if path.parent.name not in ("tests", "bench")]
    modules = {}
    for package in packages:
        for path in package.rglob("*.py"):
            if "migrations" in path.parts:
                continue
            parts = path.relative_to(ROOT).with_suffix("").parts
            modules[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return modules


def import_graph() -> dict[str, set[str]]:
    """Module → the project's modules it imports (a `from package import module` counts as the module)."""
    modules = _modules()
    graph = {name: set() for name in modules}
    for name, path in modules.items():
        package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    base = ".".join(package[: len(package) - node.level + 1] + ([base] if base else []))
                targets = [base, *(f"{base}.{alias.name}" for alias in node.names)]
            else:
                continue
            graph[name] |= {target for target in targets if target in modules and target != name}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan's algorithm, iterative)."""
    index, low, on_stack, stack, found = {}, {}, set(), [], []
    counter = 0
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1:
                    found.append(sorted(group))
    return found


def test_the_graph_reader_finds_a_cycle_and_the_imports_inside_functions():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    graph = import_graph()
    assert "surveys.models" in graph["surveys.services"]  # from .models import ...
    assert "reports.services.editions" in graph["reports.services.builds"]  # imported inside _renderer()


def test_no_module_imports_one_that_imports_it_back():
    assert cycles(import_graph()) == []


# The apps from the bottom up: an app may import the ones below it, never one above. `teknokyla` is the project
# itself (settings, URLs, Celery, the dev runner), which wires every app together.
LAYERS = [
    "teknokyla.core", "companies", "surveys", "workforce", "workshops", "reports", "search", "privacy", "teknokyla"
]  # fmt: skip


def app_of(module: str) -> str:
    return "teknokyla.core" if module.startswith("teknokyla.core") else module.split(".")[0]


def upward_imports(graph: dict[str, set[str]], layers: list[str]) -> set[tuple[str, str]]:
    """(module, app above it that it imports), for every import from a lower app to a higher one."""
    rank = {app: index for index, app in enumerate(layers)}
    return {
        (module, app_of(target))
        for module, targets in graph.items()
        for target in targets
        if rank[app_of(target)] > rank[app_of(module)]
    }


def test_the_layer_check_finds_an_import_that_points_up():
    graph = {"companies.models": {"surveys.models"}, "surveys.models": {"companies.models"}}
    assert upward_imports(graph, LAYERS) == {("companies.models", "surveys")}


def test_every_app_has_its_layer():
    assert {app_of(module) for module in import_graph()} <= set(LAYERS)


def test_apps_import_only_the_apps_below_them():
    assert sorted(upward_imports(import_graph(), LAYERS)) == [], "an app imports one above it; see docs/architecture.md"


def test_durable_jobs_send_tasks_that_the_worker_knows():
    app.loader.import_default_modules()
    assert {outbox.DELIVER_TASK, builds.BUILD_TASK} <= set(app.tasks)
