"""Fixtures of the browser tests: Debian's Chromium, and the assistant as `s3bot serve` runs it.

One real server for the whole session (`python -m bot serve --demo-page-port`, its own SQLite
file), with the demo partner page on a second port: another origin, as a partner's site is.
The `demo-partner` site that `s3bot seed` creates is given the demo page's origin, and a second
site is created for the member tests, whose secret they need to sign a user id.

Playwright drives the system's Chromium (`/usr/lib/chromium/chromium`, Debian's `chromium`
package); no browser is ever downloaded. Without it the tests are skipped, unless
S3BOT_REQUIRE_BROWSER=1 (set in CI), which makes them fail instead.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from browser_helpers import ROOT, Assistant, free_port, run_cli

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/lib/chromium/chromium"))
API_TOKEN = "browser-tests-api-token"


def _require_chromium() -> None:
    if CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK):
        return
    reason = f"{CHROMIUM} is missing: install Debian's chromium package (apt-get install chromium)"
    if os.environ.get("S3BOT_REQUIRE_BROWSER") == "1":
        pytest.fail(f"S3BOT_REQUIRE_BROWSER=1 but {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """pytest-playwright's launch arguments, pointed at the system's Chromium."""
    _require_chromium()
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM)}


def _wait_until_up(urls: list[str], process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 420  # the first start may train the NLU
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"server exited: {log.read_text()[-3000:]}")
        try:
            if all(httpx.get(url, timeout=2).status_code == 200 for url in urls):
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise AssertionError(f"server not up: {log.read_text()[-3000:]}")


@pytest.fixture(scope="session")
def assistant(tmp_path_factory: pytest.TempPathFactory, models_dir: Path) -> Iterator[Assistant]:
    """The assistant serving on a free port and the demo page on another, both on loopback."""
    _require_chromium()
    work = tmp_path_factory.mktemp("browser")
    if (ROOT / "models").is_dir() and not any(models_dir.iterdir()):
        # Models are named by the fingerprint of their data: a stale one is never reused.
        shutil.copytree(ROOT / "models", models_dir, dirs_exist_ok=True, symlinks=True)
    port, demo_port = free_port(), free_port()
    url, demo_url = f"http://127.0.0.1:{port}", f"http://127.0.0.1:{demo_port}"
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{work / 's3bot.db'}",
        "MODELS_DIR": str(models_dir),
        "API_TOKEN": API_TOKEN,
        "LOG_LEVEL": "WARNING",
        "RATE_LIMIT_PER_SENDER": "0",
        "RATE_LIMIT_PER_ADDRESS": "0",
        "PYTHONPATH": str(ROOT),
    }
    run_cli(env, "seed")
    run_cli(env, "sites", "update", "demo-partner", "--add-origin", demo_url)
    member = json.loads(
        run_cli(
            env, "sites", "create", "--name", "Member test site", "--origin", demo_url, "--json"
        )
    )
    log = work / "server.log"
    command = [sys.executable, "-m", "bot", "serve", "--host", "127.0.0.1", "--port", str(port)]
    with log.open("wb") as out:
        process = subprocess.Popen(
            [*command, "--demo-page-port", str(demo_port)],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_until_up([f"{url}/ready", f"{demo_url}/"], process, log)
        yield Assistant(
            url=url,
            demo_url=demo_url,
            api_token=API_TOKEN,
            member_site_key=member["site_key"],
            member_secret=member["secret"],
            env=env,
        )
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
