"""The house's import rules, read from the code itself: no import cycle between our modules, and no
arrow that runs back up the layers drawn in README "Architecture" (faces -> orchestration and the
report -> spiders, market, demo, migrations -> store -> normalizers -> vocabulary). Function-level
imports count too: hiding an import inside a function does not make it go the other way."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# folder of the checkout -> the package it is installed as (pyproject.toml's package-dir)
ROOMS = {"emr_jobs": "emr_jobs", "cli": "emr_jobs.cli", "runs": "emr_jobs.runs", "report": "emr_jobs.report",
         "spiders": "emr_jobs.spiders", "market": "emr_jobs.market", "demo": "emr_jobs.demo",
         "migrations": "emr_jobs.migrations", "store": "emr_jobs.store", "pipeline": "emr_jobs.pipeline"}
# top to bottom: a room may import its own modules and any room of a lower layer, nothing else
LAYERS = (
    ("emr_jobs.cli",),
    ("emr_jobs.runs", "emr_jobs.report"),
    ("emr_jobs.spiders", "emr_jobs.market", "emr_jobs.demo", "emr_jobs.migrations"),
    ("emr_jobs.store",),
    ("emr_jobs.pipeline",),
    ("emr_jobs",),
)


def module_files() -> dict[str, Path]:
    files = {"scheduler": ROOT / "scheduler.py"}
    for folder, package in ROOMS.items():
        for path in sorted((ROOT / folder).rglob("*.py")):
            parts = list(path.relative_to(ROOT / folder).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts = parts[:-1]
            files[".".join([package, *parts])] = path
    return files


def imports_of(path: Path, modules: set[str]) -> set[str]:
    """Our modules that `path` imports anywhere in its body (a `from P import m` of a module is P.m)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [f"{node.module}.{alias.name}" if f"{node.module}.{alias.name}" in modules else node.module
                     for alias in node.names]
        found |= {name for name in names if name in modules}
    return found


def import_graph() -> dict[str, set[str]]:
    files = module_files()
    return {module: imports_of(path, set(files)) - {module} for module, path in files.items()}


FACES = {"scheduler": "emr_jobs.cli", "emr_jobs.__main__": "emr_jobs.cli"}  # entry points of the CLI's room


def room_of(module: str) -> str:
    """The room a module belongs to: the longest layer entry that is it or a package above it."""
    if module in FACES:
        return FACES[module]
    rooms = [room for layer in LAYERS for room in layer if module == room or module.startswith(room + ".")]
    return max(rooms, key=len)


def layer_of(room: str) -> int:
    return next(index for index, layer in enumerate(LAYERS) if room in layer)


def back_arrows(graph: dict[str, set[str]]) -> list[str]:
    problems = []
    for module, targets in sorted(graph.items()):
        room = room_of(module)
        for target in sorted(targets):
            other = room_of(target)
            if other != room and layer_of(other) <= layer_of(room):
                problems.append(f"{module} -> {target} ({room} may not import {other})")
    return problems


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
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


def test_no_import_cycle():
    assert cycles(import_graph()) == []


def test_no_arrow_runs_back_up_the_layers():
    assert back_arrows(import_graph()) == []


def test_every_module_belongs_to_a_room():
    assert all(room_of(module) for module in import_graph())


@pytest.mark.parametrize(("graph", "expected_cycles", "expected_arrows"), [
    ({"emr_jobs.cli.main": {"emr_jobs.cli.market"}, "emr_jobs.cli.market": {"emr_jobs.cli.main"}},
     [["emr_jobs.cli.main", "emr_jobs.cli.market"]], []),
    ({"emr_jobs.market.refresh": {"emr_jobs.spiders.registry"}, "emr_jobs.spiders.registry": set()},
     [], ["emr_jobs.market.refresh -> emr_jobs.spiders.registry (emr_jobs.market may not import emr_jobs.spiders)"]),
    ({"emr_jobs.pipeline.pay": {"emr_jobs.store.models"}, "emr_jobs.store.models": {"emr_jobs.pipeline.pay"}},
     [["emr_jobs.pipeline.pay", "emr_jobs.store.models"]],
     ["emr_jobs.pipeline.pay -> emr_jobs.store.models (emr_jobs.pipeline may not import emr_jobs.store)"]),
    ({"emr_jobs.vocabulary": {"emr_jobs.pipeline.posting"}, "emr_jobs.pipeline.posting": {"emr_jobs.vocabulary"}},
     [["emr_jobs.pipeline.posting", "emr_jobs.vocabulary"]],
     ["emr_jobs.vocabulary -> emr_jobs.pipeline.posting (emr_jobs may not import emr_jobs.pipeline)"]),
    ({"emr_jobs.runs.refresh": {"emr_jobs.market.snapshot", "emr_jobs.store.db"}, "emr_jobs.market.snapshot": set(),
      "emr_jobs.store.db": set()}, [], []),
])
def test_the_checks_catch_what_they_are_for(graph, expected_cycles, expected_arrows):
    assert cycles(graph) == expected_cycles
    assert back_arrows(graph) == expected_arrows


def test_readme_architecture_names_every_room_folder():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Architecture", 1)[1].split("\n## ", 1)[0]
    listed = set(re.findall(r"^\| `([\w.]+)/?` ", section, flags=re.MULTILINE))
    assert set(ROOMS) | {"scheduler.py"} <= listed
    assert all((ROOT / name).exists() for name in listed)


def test_pyproject_installs_every_room_inside_the_package():
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    for folder, package in ROOMS.items():
        assert f'"{package}" = "{folder}"' in text
    assert "py-modules" not in text  # nothing of ours at the top of site-packages
