"""Importing Gradio without regenerating its type stubs.

Every Gradio component class, as it is defined, reads its own source file, cuts its class out and
rewrites the matching ``.pyi`` stub in site-packages (``gradio.component_meta.create_or_modify_pyi``).
The stubs are for editors; the server never reads them, yet this is about 40 % of the CPU that
``import gradio`` costs (1.5–1.9 s of 3.9–4.1 s on this machine). :func:`skip_stub_writing`, called before
Gradio is first imported, makes that step do nothing.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import sys
from collections.abc import Sequence
from types import ModuleType
from typing import Any

_MODULE = "gradio.component_meta"


def _no_stub(*_args: Any, **_kwargs: Any) -> None:
    return None


def _patch(module: ModuleType) -> None:
    module.create_or_modify_pyi = _no_stub  # type: ignore[attr-defined]


class _PatchingLoader(importlib.abc.Loader):
    def __init__(self, real: importlib.abc.Loader) -> None:
        self._real = real

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType | None:
        return self._real.create_module(spec)

    def exec_module(self, module: ModuleType) -> None:
        self._real.exec_module(module)
        _patch(module)  # before any component class is defined: they are defined in modules imported later


class _Finder(importlib.abc.MetaPathFinder):
    def find_spec(self, fullname: str, path: Sequence[str] | None,
                  target: ModuleType | None = None) -> importlib.machinery.ModuleSpec | None:
        if fullname != _MODULE:
            return None
        spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        if spec is not None and spec.loader is not None:
            spec.loader = _PatchingLoader(spec.loader)
        return spec


def skip_stub_writing() -> None:
    """Make Gradio skip rewriting its ``.pyi`` stubs; effective when called before Gradio is imported."""
    if _MODULE in sys.modules:
        _patch(sys.modules[_MODULE])
    elif not any(isinstance(f, _Finder) for f in sys.meta_path):
        sys.meta_path.insert(0, _Finder())
