"""The direction of imports (docs/architecture.md): every module of ``S3`` is parsed (ast) and
each ``S3.…`` import it makes, at any depth (function-local and TYPE_CHECKING imports too),
must point to its own package or to a layer below its own."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2] / "S3"

# Lowest first. A module may import from its own package and from any layer below its own;
# the packages of one layer do not import each other. Keep in step with docs/architecture.md.
LAYERS: tuple[frozenset[str], ...] = (
    frozenset({"ExitCodes", "PkgInfo", "runtime", "output", "atomic"}),
    frozenset({"errors"}),
    frozenset({"identity", "signing", "transport", "settings"}),
    frozenset({"sts"}),
    frozenset({"credentials"}),
    frozenset({"s3"}),
    frozenset({"transfer", "cloudfront"}),
    frozenset({"sync"}),
    frozenset({"Config", "Exceptions"}),
    frozenset({"cli"}),
)
RANK = {name: rank for rank, names in enumerate(LAYERS) for name in names}


def unit_of(path: Path) -> str:
    """The layer unit a file belongs to: its top-level package, or the top-level module itself."""
    return path.relative_to(ROOT).parts[0].removesuffix(".py")


def imported_units(path: Path) -> set[tuple[int, str]]:
    found: set[tuple[int, str]] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            # ``from S3 import ExitCodes`` names the unit in the imported names
            modules = [f"S3.{a.name}" for a in node.names] if node.module == "S3" else [node.module]
        else:
            continue
        found |= {(node.lineno, module.split(".")[1]) for module in modules
                  if module.startswith("S3.") and len(module.split(".")) > 1}
    return found


MODULES = sorted(p for p in ROOT.rglob("*.py") if p.relative_to(ROOT).parts[0] != "__init__.py")


def test_every_package_has_a_layer() -> None:
    units = {unit_of(p) for p in MODULES}
    assert units - RANK.keys() == set(), "place the new package in LAYERS and in docs/architecture.md"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_imports_point_down(path: Path) -> None:
    unit = unit_of(path)
    upward = [f"line {line}: {unit} imports S3.{target}" for line, target in sorted(imported_units(path))
              if target != unit and RANK.get(target, len(LAYERS)) >= RANK[unit]]
    assert upward == []


def test_the_check_can_fail(tmp_path: Path) -> None:
    """The detector itself: an upward import (sts → credentials) and a sibling import are found."""
    bad = tmp_path / "bad.py"
    bad.write_text("def f():\n    from S3.credentials.errors import InvalidConfiguration\nfrom S3 import settings\n")
    assert imported_units(bad) == {(2, "credentials"), (3, "settings")}
    assert RANK["credentials"] > RANK["sts"] and RANK["settings"] == RANK["transport"]
