"""Drives the real explorer page in headless Chromium (Debian's, never a downloaded browser).

A uvicorn server on a free loopback port serves the HTTP app over the small in-memory For You
world; the test picks a user, reads the feed, opens a breakdown, re-ranks with a heavier reply
weight, finds the filtered candidate in the considered view and saves a screenshot: to the test's
temporary folder, or to docs/explorer.png (the README's picture) when UPDATE_SCREENSHOTS=1, so that
ordinary test runs leave the working tree clean.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from fastapi import FastAPI

from .conftest import ADMIN_TOKEN
from .feed_world import BLOCKED, OUT_OF_NETWORK, VIEWER, sid

CHROMIUM = Path("/usr/bin/chromium")
README_SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "explorer.png"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed at /usr/bin/chromium"),
]


@pytest.fixture
def server_url(explorer_app: FastAPI) -> Iterator[str]:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(explorer_app, log_level="warning", lifespan="off", ws="none")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("explorer test server did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


def _order(page: Any, column: str) -> list[str]:
    order: list[str] = page.locator(f"#feed-{column} li.post").evaluate_all("els => els.map(e => e.dataset.postId)")
    return order


def test_explorer_page_end_to_end(server_url: str, tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1500, "height": 1250})
            errors: list[str] = []
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
            update = os.environ.get("UPDATE_SCREENSHOTS") == "1"
            screenshot = README_SCREENSHOT if update else tmp_path / "explorer.png"
            _walk_through(page, server_url, errors, screenshot)
            assert screenshot.read_bytes().startswith(b"\x89PNG")
        finally:
            browser.close()


def _walk_through(page: Any, server_url: str, errors: list[str], screenshot: Path) -> None:
    from playwright.sync_api import expect

    page.goto(f"{server_url}/?token={ADMIN_TOKEN}")
    expect(page.locator("body")).to_have_attribute("data-ready", "true")

    # Pick a user by screen name, with the keyboard.
    page.get_by_label("User id or screen name").fill("ali")
    page.keyboard.press("Enter")
    choice = page.locator("#user-results button", has_text="@alice")
    expect(choice).to_be_visible()
    choice.focus()
    page.keyboard.press("Enter")

    posts = page.locator("#feed-default li.post")
    expect(page.locator("#viewer-name")).to_have_text("@alice")
    expect(posts.first).to_be_visible()
    assert posts.count() >= 10
    expect(posts.first.locator(".badge").first).to_have_text("in-network")
    expect(page.locator("#feed-default .badge.oon").first).to_be_visible()
    expect(page.locator("#feed-default .badge.video").first).to_be_visible()

    # Open the first post's breakdown: probability bars and the weighted terms.
    why = posts.first.get_by_role("button", name="Why this score?")
    why.click()
    expect(why).to_have_attribute("aria-expanded", "true")
    breakdown = posts.first.locator(".breakdown")
    expect(breakdown.locator(".probs li")).to_have_count(18)
    expect(breakdown.locator("table.terms tbody tr", has_text="Reply")).to_have_count(1)
    expect(breakdown.locator(".chain")).to_contain_text("final score")
    why.click()
    expect(breakdown).to_be_hidden()

    # A heavier reply weight re-ranks the feed, shown beside the default.
    before = _order(page, "default")
    page.get_by_label("Reply", exact=True).fill("60")
    page.get_by_role("button", name="Re-rank").click()
    custom = page.locator("#feed-custom li.post")
    expect(custom.first).to_be_visible()
    after = _order(page, "custom")
    assert sorted(after) == sorted(before) and after != before
    assert _order(page, "default") == before
    expect(page.locator("#custom-summary")).to_contain_text("weight.reply")

    # Everything considered (reached with the arrow key on the tab list): the blocked author's post
    # and the filter that removed it; sorting by that column brings it to the top.
    page.get_by_role("tab", name="Feed").focus()
    page.keyboard.press("ArrowRight")
    expect(page.get_by_role("tab", name="Everything considered")).to_be_focused()
    blocked_post = next(str(sid(p)) for p, a, _, _ in OUT_OF_NETWORK if a == BLOCKED)
    row = page.locator(f"#considered-body tr[data-post-id='{blocked_post}']")
    expect(row).to_contain_text("AuthorSocialgraphFilter")
    expect(row).to_contain_text("blocked_author")
    duplicate = page.locator(f"#considered-body tr[data-post-id='{sid(105)}']")
    expect(duplicate).to_contain_text("PhoenixSource #11, ThunderSource #5 (duplicate copies dropped)")
    page.get_by_role("button", name="Removed by").click()
    expect(page.locator("#considered-body tr").first.locator(".filter-name")).to_have_text("AuthorSocialgraphFilter")
    expect(page.locator("#considered-summary")).to_contain_text("1 removed by filters")

    # Back to the feed, a re-ranked post's breakdown open, for the README screenshot.
    page.keyboard.press("Shift+Tab")
    page.get_by_role("tab", name="Everything considered").focus()
    page.keyboard.press("ArrowLeft")
    expect(page.locator("#panel-feed")).to_be_visible()
    custom.nth(1).get_by_role("button", name="Why this score?").click()
    page.screenshot(path=str(screenshot))

    # Empty feed: bob follows nobody and retrieval knows nothing for him.
    page.get_by_label("User id or screen name").fill("bob")
    page.get_by_role("button", name="Find").click()
    page.locator("#user-results button", has_text="@bob").click()
    expect(page.locator("#feed-default-empty")).to_be_visible()
    expect(page.locator("#status")).to_contain_text("empty")

    assert errors == []  # no script error and no blocked (e.g. CSP-violating) resource so far

    # A shared link (?user=) opens the feed directly, the viewer named by the user search.
    page.goto(f"{server_url}/?token={ADMIN_TOKEN}&user={VIEWER}")
    expect(page.locator("#viewer-name")).to_have_text("@alice")
    expect(posts.first).to_be_visible()

    # Error: an id beyond 64 bits is rejected by the server, and the page says so.
    page.goto(f"{server_url}/?token={ADMIN_TOKEN}&user=99999999999999999999999")
    expect(page.locator("#status")).to_contain_text("unsigned 64-bit")
    expect(page.locator("#views")).to_be_hidden()
    expect(page.locator("#status")).to_have_attribute("role", "alert")
