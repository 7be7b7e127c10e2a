"""The soak script, shortened for CI: one minute of mixed traffic (citizens, a curator uploading and
publishing, an LLM that fails every fourth call, a backup in the middle), then the integrity checks.
The 30-minute run and its figures are in docs/reliability.md."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT


@pytest.mark.integration
@pytest.mark.alone  # beside another test file on two cores its restored-app check failed twice (session 9)
def test_a_short_soak_has_no_errors_and_passes_its_integrity_checks(tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "soak.py"), "--minutes", "1", "--clients", "2", "--embedder", "hash",
         "--curator-every", "10", "--llm-fail-every", "4", "--sample", "5", "--max-growth-mb", "400",
         "--work", str(tmp_path / "work"), "--json", str(out)],
        capture_output=True, text=True, timeout=900, cwd=ROOT)
    assert out.exists(), done.stdout[-3000:] + done.stderr[-3000:]
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["errors"] == {}, report["errors"]
    assert report["busy"] <= 0.05 * report["requests"], report  # "busy, retry" now and then on a shared machine
    assert report["requests"] > 50 and report["curator_rounds"] >= 2
    assert report["llm_planned_failures"] > 0 and report["modes"].get("extractive", 0) > 0  # fell back, no error
    assert report["backup"]["ok"], report["backup"]
    assert report["checks"] and all(report["checks"].values()), report["checks"]
    assert report["passed"] and done.returncode == 0
