"""The layering a newcomer relies on: imports run downhill, Chroma's syntax stays in its adapter,
and nothing generated is tracked."""

from __future__ import annotations

import ast
import re
import subprocess

from tests.conftest import ROOT

ORDER = {"knowledge": 0, "ingest": 1, "bot": 2}


def _imports(path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.append(node.module)
    return out


def test_imports_only_run_downhill() -> None:
    wrong = []
    for layer, rank in ORDER.items():
        for path in (ROOT / layer).rglob("*.py"):
            for module in _imports(path):
                top = module.split(".")[0]
                if (top in ORDER and ORDER[top] > rank) or top == "app":
                    wrong.append(f"{path.relative_to(ROOT)} imports {module}")
    assert not wrong


def test_only_the_chroma_adapter_speaks_chroma_filters() -> None:
    adapter = ROOT / "knowledge" / "index" / "vector_store.py"
    offenders = [str(p.relative_to(ROOT)) for layer in ORDER for p in (ROOT / layer).rglob("*.py")
                 if p != adapter and ('"$and"' in p.read_text(encoding="utf-8")
                                      or '"$in"' in p.read_text(encoding="utf-8"))]
    assert not offenders


def test_only_the_chroma_adapter_talks_to_chroma() -> None:
    """Backup, ingestion and the engine go through knowledge/index/vector_store.py, never the client."""
    adapter = ROOT / "knowledge" / "index" / "vector_store.py"
    offenders = [str(p.relative_to(ROOT)) for layer in [*ORDER, "scripts"] for p in (ROOT / layer).rglob("*.py")
                 if p != adapter and re.search(r"^\s*(import chromadb|from chromadb)", p.read_text(encoding="utf-8"),
                                               re.MULTILINE)]
    assert not offenders


def test_every_module_is_in_the_architecture_doc() -> None:
    doc = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    missing = [str(p.relative_to(ROOT)) for layer in ORDER for p in (ROOT / layer).rglob("*.py")
               if p.name not in ("__init__.py", "__main__.py") and p.stem not in doc]
    assert not missing


def test_nothing_generated_is_tracked() -> None:
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert ".egg-info/" not in tracked and "__pycache__" not in tracked
