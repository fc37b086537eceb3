"""The web widget's weight and speed: widget.js bytes (raw and gzipped), and in a real Chromium
on loopback the time from clicking the launcher to the first bot message visible, and from
sending a message to the bot's answer visible.

Starts the assistant the way `make run` does (`python -m bot serve --demo-page-port`, a
temporary SQLite database seeded with the `demo-partner` site, which is given the demo page's
origin) and opens the demo partner page, another origin, in Debian's Chromium
(/usr/lib/chromium/chromium) driven by Playwright. Each run is a fresh browser context (a
first-time visitor): load the page, wait for the widget's session, then time inside the page
(performance.now(), from the click or the submit to the frame the message is visible in).

    python bench/widget.py --runs 10 --json bench/results/widget.json --screenshot docs/widget.png
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from turns import free_port, stop_server  # noqa: E402

WIDGET_JS = ROOT / "bot" / "web" / "static" / "widget.js"
CHROMIUM = "/usr/lib/chromium/chromium"
BUDGET_GZIP_BYTES = 15 * 1024

# Clicks the launcher inside the shadow root; resolves with the milliseconds until a bot
# message is laid out and painted (the next animation frame after it has a box).
OPEN_TO_FIRST_MESSAGE = """() => new Promise(resolve => {
    const root = document.querySelector("s3bot-widget").shadowRoot;
    const started = performance.now();
    root.querySelector(".launcher").click();
    const check = () => {
        const message = root.querySelector(".msg.bot");
        if (message && message.getClientRects().length) resolve(performance.now() - started);
        else requestAnimationFrame(check);
    };
    requestAnimationFrame(check);
})"""

# Submits `text` and resolves with the milliseconds until a new bot message is visible.
SEND_TO_REPLY = """text => new Promise(resolve => {
    const root = document.querySelector("s3bot-widget").shadowRoot;
    const before = root.querySelectorAll(".msg.bot").length;
    root.querySelector("input").value = text;
    const started = performance.now();
    root.querySelector("form").requestSubmit();
    const check = () => {
        const all = root.querySelectorAll(".msg.bot");
        if (all.length > before && all[all.length - 1].getClientRects().length)
            resolve(performance.now() - started);
        else requestAnimationFrame(check);
    };
    requestAnimationFrame(check);
})"""


def sizes() -> dict[str, int]:
    """widget.js as served (it is the only file the widget loads), raw and gzipped."""
    raw = WIDGET_JS.read_bytes()
    return {"raw_bytes": len(raw), "gzip_bytes": len(gzip.compress(raw, compresslevel=9))}


def cli(env: dict[str, str], *args: str) -> None:
    """Run `s3bot ARGS`; stop with its output when it fails."""
    done = subprocess.run(
        [sys.executable, "-m", "bot", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if done.returncode:
        raise SystemExit(f"s3bot {' '.join(args)} failed:\n{done.stdout}{done.stderr}")


def start(tmp: Path) -> tuple[subprocess.Popen[bytes], str, str, Path]:
    """The assistant and its demo page on free loopback ports, up and answering."""
    port, demo_port = free_port(), free_port()
    url, demo_url = f"http://127.0.0.1:{port}", f"http://127.0.0.1:{demo_port}"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp / 'bench.db'}", "LOG_LEVEL": "WARNING"}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    env["RATE_LIMIT_PER_ADDRESS"] = "0"  # every run comes from one address
    cli(env, "seed")
    cli(env, "sites", "update", "demo-partner", "--add-origin", demo_url)
    log = tmp / "server.log"
    command = [sys.executable, "-m", "bot", "serve", "--host", "127.0.0.1", "--port", str(port)]
    with log.open("wb") as out:
        process = subprocess.Popen(
            [*command, "--demo-page-port", str(demo_port)],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"server exited:\n{log.read_text(errors='replace')[-3000:]}")
        try:
            if all(httpx.get(u, timeout=2).status_code == 200 for u in (url + "/ready", demo_url)):
                return process, url, demo_url, log
        except httpx.HTTPError:
            pass
        time.sleep(0.25)
    stop_server(process)
    raise SystemExit("server did not come up within 300 s")


def measure(demo_url: str, runs: int, screenshot: Path | None) -> dict[str, Any]:
    """`runs` first visits: open to first message, and a message to its answer (ms)."""
    from playwright.sync_api import sync_playwright

    opened: list[float] = []
    replied: list[float] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        for run in range(runs + 1):  # the first run warms the server up and is not counted
            context = browser.new_context(viewport={"width": 1280, "height": 760})
            page = context.new_page()
            with page.expect_response("**/widget/v1/sessions"):
                page.goto(demo_url + "/")
            first = page.evaluate(OPEN_TO_FIRST_MESSAGE)
            reply = page.evaluate(SEND_TO_REPLY, "hello")
            if run:
                opened.append(first)
                replied.append(reply)
                print(f"  run {run}: open {first:.0f} ms, reply {reply:.0f} ms", flush=True)
            if screenshot is not None and run == runs:
                page.locator("s3bot-widget .buttons").wait_for()
                screenshot.parent.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(screenshot))
            context.close()
        browser.close()
    return {
        "runs": runs,
        "open_to_first_message_ms": {"median": statistics.median(opened), "max": max(opened)},
        "send_to_reply_ms": {"median": statistics.median(replied), "max": max(replied)},
    }


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=10, help="first visits to time")
    parser.add_argument("--json", type=Path, help="write the figures here as JSON")
    parser.add_argument("--screenshot", type=Path, help="save the last run's page here (PNG)")
    parser.add_argument("--sizes-only", action="store_true", help="only widget.js's bytes")
    args = parser.parse_args(argv)
    if not 1 <= args.runs <= 200:
        parser.error("--runs: between 1 and 200")
    return args


def main(argv: list[str] | None = None) -> int:
    """Print the figures; returns 1 when widget.js is over its gzipped budget."""
    args = parse_args(argv)
    report: dict[str, Any] = {"benchmark": "widget", **sizes()}
    print(f"widget.js: {report['raw_bytes']} bytes, {report['gzip_bytes']} gzipped", end=" ")
    print(f"(budget {BUDGET_GZIP_BYTES})", flush=True)
    if not args.sizes_only:
        with tempfile.TemporaryDirectory(prefix="s3bot-bench-widget-") as tmp:
            process, _, demo_url, log = start(Path(tmp))
            try:
                report |= measure(demo_url, args.runs, args.screenshot)
            except BaseException:
                print(log.read_text(errors="replace")[-4000:], file=sys.stderr)
                raise
            finally:
                stop_server(process)
        opened, replied = report["open_to_first_message_ms"], report["send_to_reply_ms"]
        print(f"click launcher -> first bot message visible: median {opened['median']:.1f} ms")
        print(f"send a message -> the answer visible: median {replied['median']:.1f} ms")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, indent=2))
    return 1 if report["gzip_bytes"] > BUDGET_GZIP_BYTES else 0


if __name__ == "__main__":
    sys.exit(main())
