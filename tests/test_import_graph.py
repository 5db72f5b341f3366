"""The project's modules import each other without circles, and the engine stays a library.

Every ``import`` statement of ``engine/``, ``studio/`` and ``painting_site/`` counts,
including those inside functions (a lazy import that closes a circle is still a
circle a reader has to untangle). Only the project's own modules are graph nodes.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("engine", "studio", "painting_site")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" not in path.parts:
                found[_module_name(path)] = path
    return found


def _imported_names(module: str, path: Path, *, old_job_paths: bool = True) -> set[str]:
    """Dotted names ``module`` imports (``from a import b`` gives ``a.b`` and ``a``).

    ``old_job_paths=False`` leaves out what a module-level ``__getattr__`` imports: it runs
    only when asked for a name the module does not define (RQ, for a job stored under the
    path it had before it moved), never on import or on a page.
    """
    is_package = path.name == "__init__.py"
    tree = ast.parse(path.read_text(), filename=str(path))
    if not old_job_paths:
        tree.body = [n for n in tree.body if not (isinstance(n, ast.FunctionDef) and n.name == "__getattr__")]
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against this module's package
                base = module.split(".")
                base = base[: len(base) - node.level + (1 if is_package else 0)]
                prefix = ".".join(base + ([node.module] if node.module else []))
            else:
                prefix = node.module
            names.add(prefix)
            names.update(f"{prefix}.{alias.name}" for alias in node.names)
    return names


def import_graph(*, old_job_paths: bool = True) -> dict[str, set[str]]:
    """Project module → project modules it imports (the longest matching module name)."""
    modules = _modules()
    graph = {}
    for module, path in modules.items():
        targets = set()
        for name in _imported_names(module, path, old_job_paths=old_job_paths):
            # "from engine.color import luminance" names a module; "from engine.color.spaces
            # import luma" names a function: keep the longest prefix that is a module.
            parts = name.split(".")
            for end in range(len(parts), 0, -1):
                candidate = ".".join(parts[:end])
                if candidate in modules:
                    if candidate != module:
                        targets.add(candidate)
                    break
        graph[module] = targets
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan), each sorted."""
    index, low, on_stack, stack, found = {}, {}, set(), [], []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_graph_sees_the_project():
    graph = import_graph()
    assert {"engine.color.spaces", "engine.lesson.palette", "studio.models", "painting_site.settings"} <= set(graph)
    assert "engine.color.spaces" in graph["engine.lesson.palette"]
    # the cycle finder finds a planted circle
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_module_imports_one_that_imports_it_back():
    assert cycles(import_graph()) == []


def test_the_engine_is_a_library():
    """Nothing under engine/ imports Django, the command line or the benchmarks (they import it)."""
    offenders = []
    for module, path in _modules().items():
        if not module.startswith("engine") or module.startswith(("engine.cli", "engine.benchmarks")):
            continue
        if module == "engine.__main__":
            continue  # `python -m engine` is the command line's entry point
        for name in _imported_names(module, path):
            if name.split(".")[0] in ("django", "studio", "painting_site") or name.startswith(
                ("engine.cli", "engine.benchmarks")
            ):
                offenders.append(f"{module} imports {name}")
    assert offenders == []


def _engine_part(module: str) -> str:
    """``engine.lesson.palette`` → ``engine.lesson``; ``engine.imageio`` stays itself."""
    return ".".join(module.split(".")[:2])


def test_engine_subpackages_depend_one_way_and_colour_on_nothing():
    """Between subpackages too (engine.lesson → engine.color, never back), and
    engine.color, the base of the others, uses nothing else of the engine."""
    parts: dict[str, set[str]] = {}
    for module, targets in import_graph().items():
        if module.startswith("engine."):
            parts.setdefault(_engine_part(module), set()).update(
                _engine_part(t) for t in targets if t.startswith("engine.") and _engine_part(t) != _engine_part(module)
            )
    assert "engine.lesson" in parts and "engine.color" in parts["engine.lesson"]
    assert cycles(parts) == []
    assert parts["engine.color"] == set()


def _worker_side(module: str) -> bool:
    """The studio's RQ jobs: ``studio.<name>_jobs``, run only by workers, found by dotted path."""
    return module.startswith("studio.") and module.endswith("_jobs")


def test_no_module_outside_the_worker_side_imports_the_worker_side():
    """Views and the services they call queue jobs by dotted path and never import a job
    module, not even inside a function: the web process never loads the worker's code.
    Only a module-level ``__getattr__`` answering a job's old path may name one."""
    graph = import_graph(old_job_paths=False)
    worker_side = {module for module in graph if _worker_side(module)}
    assert {"studio.generation_jobs", "studio.canvas_check_jobs", "studio.thumbnail_jobs",
            "studio.lesson_pdf_jobs"} <= worker_side
    offenders = sorted(f"{module} imports {target}" for module, targets in graph.items() if module not in worker_side
                       for target in targets & worker_side)
    assert offenders == []
    # and the check sees such an import: canvas_checks names its job's old path in __getattr__
    assert "studio.canvas_check_jobs" in import_graph()["studio.canvas_checks"]
