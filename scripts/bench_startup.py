"""Start-up time of the app on an already-built knowledge base: until the page answers, until the
first question is answered, and until the ``/embed`` chat (built after start-up) answers too.

    .venv/bin/python scripts/bench_startup.py --data-dir DATA [--port 7862]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", type=Path, required=True, help="a data dir that already holds the knowledge base")
    parser.add_argument("--port", type=int, default=7862)
    args = parser.parse_args()
    env = {**os.environ, "ASKSCI_DATA_DIR": str(args.data_dir), "GRADIO_SERVER_PORT": str(args.port)}
    url = f"http://127.0.0.1:{args.port}"
    start = time.monotonic()
    proc = subprocess.Popen([sys.executable, str(ROOT / "app.py")], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.STDOUT)
    try:
        while time.monotonic() - start < 300:
            try:
                if httpx.get(url + "/", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        page = time.monotonic() - start
        httpx.post(url + "/api/ask", json={"question": "为什么天空是蓝色的？"}, timeout=60)
        first = time.monotonic() - start
        embed = httpx.get(url + "/embed/", timeout=120).status_code  # waits while the deferred apps are built
        print(f"page answers after {page:.1f} s; first answer after {first:.1f} s; "
              f"/embed answers ({embed}) after {time.monotonic() - start:.1f} s")
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    return 0


if __name__ == "__main__":
    sys.exit(main())
