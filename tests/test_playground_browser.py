"""The playground page in a real browser: headless Chromium driven by Playwright, against the real bot.

Needs Playwright for Python (the `test` extra) and a Chromium binary: Debian's `chromium` package at
/usr/bin/chromium, or the path in PLAYGROUND_CHROMIUM. Playwright's own browser download is never used.
Without them the tests are skipped, except under CI=true, where a missing browser is a failure: a CI machine is
meant to run them. Screenshots land in artifacts/ (not committed).
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import pytest_asyncio

from bot.playground import Playground
from bot.settings import SHIPPED_CONTENT_DIR, Settings

if TYPE_CHECKING:
    from playwright.async_api import Browser, Locator, Page

REPO = Path(__file__).resolve().parent.parent
ARTIFACTS = REPO / "artifacts"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
OBJECTIVES_TITLE = "Objectives of NATO’s Involvement in Iraq"
FIRST_POINT = "A self-sufficient security capacity"
MENU = "Open a point in full, or a related topic…"
# Every command's first answer, as a member would type it: each must fit one phone screen.
FIRST_ANSWERS = [
    "/overview",
    "/overview part:Introduction",
    "/history",
    "/role",
    "/objectives",
    "/contributions",
    "/collaboration",
    "/collaboration partner:the United States",
    "/collaboration partner:coalition countries",
    "/achievements",
    "/achievements area:training and capacity building",
    "/achievements area:regional stability",
    "/challenges",
    "/future",
    "/impact",
    "/conclusion",
    "/timeline",
    "/topics",
    "/help",
    "/about",
]

# One browser for the module (launching Chromium is the slow part); every test gets its own playground and page,
# all on the module's event loop.
pytestmark = pytest.mark.asyncio(loop_scope="module")


def find_chromium() -> str | None:
    configured = os.environ.get("PLAYGROUND_CHROMIUM")
    if configured:
        return configured if Path(configured).is_file() else None
    for candidate in ("/usr/bin/chromium", shutil.which("chromium"), shutil.which("chromium-browser")):
        if candidate and Path(candidate).is_file():
            return candidate
    return None


@pytest.fixture(scope="module")
def chromium() -> str:
    reason = None
    try:
        import playwright.async_api  # noqa: F401
    except ImportError:
        reason = "Playwright is not installed (pip install -e '.[test]')"
    path = find_chromium()
    if reason is None and path is None:
        reason = "no Chromium found (apt install chromium, or set PLAYGROUND_CHROMIUM to its path)"
    if reason is not None or path is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI=true, so the browser tests must run, but: {reason}")
        pytest.skip(f"browser test skipped: {reason}")
    return path


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def browser(chromium: str) -> AsyncIterator[Browser]:
    from playwright.async_api import async_playwright

    async with async_playwright() as driver:
        launched = await driver.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS, headless=True)
        try:
            yield launched
        finally:
            await launched.close()


@pytest_asyncio.fixture(loop_scope="module")
async def playground() -> AsyncIterator[Playground]:
    async with Playground(Settings(), port=0, watch=False) as running:
        yield running


@pytest_asyncio.fixture(loop_scope="module")
async def page(browser: Browser, playground: Playground) -> AsyncIterator[Page]:
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    opened = await context.new_page()
    problems: list[str] = []
    # A Content-Security-Policy violation or a script error shows up here; the page must have none.
    # (A request the playground refuses, 4xx, is logged by the browser too; the page shows it, so it is not one.)
    opened.on(
        "console",
        lambda m: (
            problems.append(f"console {m.type}: {m.text}")
            if m.type == "error" and "the server responded with a status of 4" not in m.text
            else None
        ),
    )
    opened.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    await opened.goto(playground.url)
    from playwright.async_api import expect

    await expect(opened.locator("#status")).to_have_attribute("data-state", "live")
    yield opened
    await context.close()
    assert problems == []
    playground.sim.assert_no_rejections()


async def run_command(page: Page, text: str) -> Locator:
    """Type a slash command as a user would, send it, and return the bot's answer (the newest message)."""
    from playwright.async_api import expect

    count = await page.locator(".message").count()
    box = page.locator("#input")
    await box.click()
    await box.press_sequentially(text)
    await box.press("Enter")
    await expect(page.locator(".message")).to_have_count(count + 1)
    # Pinned by id: "the last message" would move on to whatever arrives next.
    message_id = await page.locator(".message").last.get_attribute("data-id")
    answer = page.locator(f'.message[data-id="{message_id}"]')
    await expect(answer.locator(".embed").first).to_be_visible()
    return answer


async def screenshot(page: Page, name: str, *, height: int | None = None) -> None:
    """Save the page; `height` makes the window tall enough to show a long answer whole."""
    ARTIFACTS.mkdir(exist_ok=True)
    if height is not None:
        await page.set_viewport_size(
            {"width": page.viewport_size["width"] if page.viewport_size else 1280, "height": height}
        )
    await page.screenshot(path=str(ARTIFACTS / name))


async def test_slash_lists_commands_and_objectives_renders_like_discord(page: Page, playground: Playground) -> None:
    from playwright.async_api import expect

    box = page.locator("#input")
    await box.click()
    await box.press_sequentially("/")
    popup = page.locator("#popup")
    await expect(popup).to_be_visible()
    objectives = popup.locator(".popup-item", has_text="/objectives")
    description = playground.bot.tree.get_command("objectives").description  # type: ignore[union-attr]
    await expect(objectives).to_contain_text(description)
    # As on Discord, a command for administrators only (/reload) is not offered to a member.
    offered = [c for c in playground.commands() if not c["default_member_permissions"]]
    assert len(offered) == len(playground.commands()) - 1
    await expect(popup.locator(".popup-item")).to_have_count(len(offered))
    await box.press_sequentially("objectives")
    await expect(popup.locator(".popup-item")).to_have_count(1)
    await box.press("Enter")

    answer = page.locator(".message").last
    await expect(answer.locator(".embed-title")).to_have_text(OBJECTIVES_TITLE)
    await expect(answer.locator(".embed-description strong").first).to_have_text(FIRST_POINT)
    await expect(answer.locator(".message-context")).to_contain_text("Sim User used /objectives")
    await expect(answer.locator(".app-tag")).to_have_text("APP")
    # The pack's colour as the embed's bar, Discord markdown as elements: bold, inline code, block quotes.
    colour = playground.bot.library.pack.colour
    rgb = f"rgb({colour >> 16}, {(colour >> 8) & 0xFF}, {colour & 0xFF})"
    await expect(answer.locator(".embed")).to_have_css("border-left-color", rgb)
    await expect(answer.locator(".embed-description strong").last).to_have_text("Related:")
    # The commands are synced, so Related names them as Discord's command mentions.
    await expect(answer.locator(".embed-description .md-command").first).to_have_text("/role")
    await expect(answer.locator(".embed-description .md-quote")).to_have_count(0)  # no quote beside the words
    await expect(answer.locator(".embed-footer")).to_contain_text("Source:")
    await expect(answer.get_by_role("button", name=MENU)).to_be_visible()
    await expect(answer.get_by_role("button", name="Source ¶1–4")).to_be_visible()
    await screenshot(page, "playground-objectives.png", height=1400)


async def test_the_source_is_one_tap_away_and_back(page: Page) -> None:
    from playwright.async_api import expect

    answer = await run_command(page, "/timeline")
    await expect(answer.get_by_role("button", name="1/1")).to_have_count(0)  # one page, no page buttons
    await answer.get_by_role("button", name="Source", exact=True).click()
    await expect(answer.locator(".embed-author")).to_contain_text("The document’s own words")
    await answer.get_by_role("button", name="Back to the timeline").click()
    await expect(answer.locator(".embed-title")).to_have_text("Timeline")
    await expect(page.locator(".message")).to_have_count(1)


async def test_an_autocomplete_suggestion_from_the_bot_can_be_picked(page: Page) -> None:
    from playwright.async_api import expect

    box = page.locator("#input")
    await box.click()
    await box.press_sequentially("/timeline era:")
    suggestions = page.locator("#popup .popup-item")
    pick = suggestions.filter(has_text="in 2004 — NTM-I is set up")
    await expect(pick).to_be_visible()
    await expect(page.locator("#command-bar")).to_contain_text("era")
    await box.press_sequentially("2004")
    # Narrowed by the bot's handler as the value is typed.
    await expect(suggestions).to_have_count(1)
    await pick.click()
    await expect(box).to_have_value(re.compile(r"^/timeline era:in 2004 — NTM-I is set up $"))
    await box.press("Enter")
    answer = page.locator(".message").last
    # The moment in full: its title, when in the document's words, and the quote.
    await expect(answer.locator(".embed-title")).to_have_text("NTM-I is set up")
    await expect(answer.locator(".embed-author")).to_contain_text("in 2004")
    await expect(answer.locator(".embed-description .md-quote")).to_have_count(1)


async def test_a_private_answer_is_only_for_its_user(page: Page) -> None:
    from playwright.async_api import expect

    answer = await run_command(page, "/objectives private:True")
    await expect(answer.locator(".ephemeral-note")).to_contain_text("Only you can see this")
    await expect(answer).to_have_class(re.compile(r"\bis-ephemeral\b"))
    await screenshot(page, "playground-private.png", height=1300)
    await page.locator("#user-picker").select_option(label="Alex")
    await expect(page.locator(".message")).to_have_count(0)
    await page.locator("#user-picker").select_option(label="Sim User")
    await expect(page.locator(".message")).to_have_count(1)
    await page.get_by_role("button", name="Dismiss message").click()
    await expect(page.locator(".message")).to_have_count(0)


async def test_a_click_by_someone_else_gets_them_their_own_copy(page: Page) -> None:
    from playwright.async_api import expect

    original = await run_command(page, "/timeline")
    await page.locator("#user-picker").select_option(label="Alex")
    await original.get_by_role("button", name="Source", exact=True).click()
    copy = page.locator(".message.is-ephemeral")
    await expect(copy).to_have_count(1)
    await expect(copy.get_by_role("button", name="Back to the timeline")).to_be_visible()
    await expect(copy.locator(".ephemeral-note")).to_contain_text("Only you can see this")
    await expect(copy.locator(".message-context")).to_contain_text("Timeline")
    await expect(original.locator(".embed-title")).to_have_text("Timeline")
    await screenshot(page, "playground.png", height=1900)
    await page.locator("#user-picker").select_option(label="Sim User")
    await expect(page.locator(".message.is-ephemeral")).to_have_count(0)


async def test_the_jump_menu_opens_another_topic(page: Page, playground: Playground) -> None:
    from playwright.async_api import expect

    answer = await run_command(page, "/objectives")
    await answer.get_by_role("button", name=MENU).click()
    option = answer.get_by_role("option", name=re.compile("NATO’s role"))
    await expect(option).to_be_visible()
    await option.click()
    await expect(answer.locator(".embed-title")).to_have_text(playground.bot.library.by_id["role"].title)


async def test_a_narrow_window_stays_readable(page: Page) -> None:
    from playwright.async_api import expect

    await page.set_viewport_size({"width": 390, "height": 844})
    answer = await run_command(page, "/timeline")
    await expect(page.locator(".sidebar")).to_be_hidden()
    await expect(page.locator("#user-picker")).to_be_visible()
    overflow = await page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    box = await answer.locator(".embed").bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
    await screenshot(page, "playground-narrow.png")
    # Its Picture button turns the answer into the picture, drawn inside the embed, loaded from the page's own
    # origin, and fitting it.
    await answer.get_by_role("button", name="Picture").click()
    picture = answer.locator(".embed .embed-image img")
    await expect(picture).to_be_visible()
    await expect(picture).to_have_attribute("alt", re.compile(r"\w"))
    assert await picture.evaluate("img => img.complete && img.naturalWidth") > 0
    drawn = await picture.bounding_box()
    assert drawn is not None and drawn["x"] + drawn["width"] <= box["x"] + box["width"]
    assert await answer.locator(".attachments").count() == 0  # drawn once, in the embed, as Discord does
    await screenshot(page, "playground-narrow-picture.png")


async def test_every_first_answer_fits_one_phone_screen(browser: Browser) -> None:
    """At 390 × 844 each command's first answer, whole, is no taller than the chat's visible area."""
    from playwright.async_api import expect

    async with Playground(Settings(cooldown_rate=10_000), port=0, watch=False) as running:
        context = await browser.new_context(viewport={"width": 390, "height": 844})
        page = await context.new_page()
        await page.goto(running.url)
        await expect(page.locator("#status")).to_have_attribute("data-state", "live")
        too_tall: dict[str, tuple[float, int]] = {}
        for text in FIRST_ANSWERS:
            answer = await run_command(page, text)
            box = await answer.bounding_box()
            visible = int(await page.evaluate("() => document.getElementById('scroller').clientHeight"))
            assert box is not None
            if box["height"] > visible:
                too_tall[text] = (box["height"], visible)
        await context.close()
        running.sim.assert_no_rejections()
    assert not too_tall, too_tall


@pytest.fixture
def broken_pack(tmp_path: Path) -> Path:
    """A copy of the pack the test may break; CONTENT_DIR points the playground at it."""
    copy = tmp_path / "content"
    shutil.copytree(SHIPPED_CONTENT_DIR, copy)
    return copy


async def test_reload_errors_and_successes_show_on_the_page(browser: Browser, broken_pack: Path) -> None:
    from playwright.async_api import expect

    settings = Settings.from_env({"CONTENT_DIR": str(broken_pack)}, env_file=None)
    async with Playground(settings, port=0, debounce_ms=50) as playground:
        page = await browser.new_page(viewport={"width": 1100, "height": 800})
        await page.goto(playground.url)
        await expect(page.locator("#status")).to_have_attribute("data-state", "live")
        await expect(page.locator("#pack-version")).to_have_text("pack 1.0.0")

        topic = broken_pack / "topics" / "objectives.yaml"
        good = topic.read_text(encoding="utf-8")
        topic.write_text(good.replace("paragraph: 2\n", "paragraph: [2\n", 1), encoding="utf-8")
        error = page.locator(".notice-error")
        await expect(error).to_contain_text("Content reload refused: still serving pack 1.0.0")
        await expect(error.locator(".problem-where")).to_have_text(re.compile(r"^topics/objectives\.yaml:\d+$"))
        await screenshot(page, "playground-reload-error.png")
        answer = await run_command(page, "/objectives")
        await expect(answer.locator(".embed-title")).to_have_text(OBJECTIVES_TITLE)

        pack = broken_pack / "pack.yaml"
        pack.write_text(pack.read_text(encoding="utf-8").replace('"1.0.0"', '"1.1.0"'), encoding="utf-8")
        topic.write_text(good, encoding="utf-8")
        await expect(page.locator(".notice-ok")).to_contain_text("now serving pack 1.1.0")
        await expect(error).to_have_count(0)
        await expect(page.locator("#pack-version")).to_have_text("pack 1.1.0")
        await page.close()


MARKDOWN_CASES = [
    ("**bold** *it* _it2_ __under__ ~~gone~~ `a < b`", "<strong>bold</strong> <em>it</em> <em>it2</em> <u>under</u>"),
    ("**bold** *it* _it2_ __under__ ~~gone~~ `a < b`", '<s>gone</s> <code class="md-code">a &lt; b</code>'),
    ("***both***", "<strong><em>both</em></strong>"),
    ("> quoted **line**\nafter", '<blockquote class="md-quote">quoted <strong>line</strong></blockquote>after'),
    (
        "- one\n- two\n  - nested",
        '<ul class="md-list"><li>one</li><li>two<ul class="md-list"><li>nested</li></ul></li></ul>',
    ),
    ("1. first\n2. second", '<ol class="md-list" start="1"><li>first</li><li>second</li></ol>'),
    ("[the site](https://example.com/a)", 'href="https://example.com/a"'),
    ("see https://example.com/x.", ">https://example.com/x</a>."),
    # Underscores inside a word stay literal (asterisks, as on Discord, do not).
    ("snake_case_name", "snake_case_name"),
    ("\\*not italic\\*", "*not italic*"),
    ("```\n<b>raw</b>\n```", '<pre class="md-codeblock"><code>&lt;b&gt;raw&lt;/b&gt;</code></pre>'),
]


async def test_markdown_renders_discords_syntax_as_elements(page: Page) -> None:
    render = """async (source) => {
        const { renderMarkdown } = await import("/static/markdown.js");
        const holder = document.createElement("div");
        holder.append(renderMarkdown(source));
        return holder.innerHTML;
    }"""
    for source, expected in MARKDOWN_CASES:
        html = await page.evaluate(render, source)
        assert expected in html, (source, html)


HOSTILE = [
    "<img src=x onerror=alert(1)>",
    "[click](javascript:alert(1))",
    "<script>alert(1)</script>",
    "**<b onclick=alert(1)>x</b>**",
    '[x](https://example.com" onmouseover="alert(1))',
]


async def test_markdown_never_turns_text_into_html(page: Page) -> None:
    inspect = """async (source) => {
        const { renderMarkdown } = await import("/static/markdown.js");
        const holder = document.createElement("div");
        holder.append(renderMarkdown(source));
        const nodes = [...holder.querySelectorAll("*")];
        return {
            tags: nodes.map((node) => node.tagName.toLowerCase()),
            handlers: nodes.flatMap((node) => node.getAttributeNames().filter((n) => n.startsWith("on"))),
            links: [...holder.querySelectorAll("a")].map((a) => a.protocol),
            text: holder.textContent,
        };
    }"""
    for source in HOSTILE:
        found = await page.evaluate(inspect, source)
        assert not set(found["tags"]) & {"img", "script", "b"}, (source, found)
        assert found["handlers"] == [], (source, found)
        assert all(protocol in ("http:", "https:") for protocol in found["links"]), (source, found)
        assert "alert(1)" in found["text"], (source, found)


async def test_an_error_note_stays_where_it_happened_below_it_come_newer_answers(page: Page) -> None:
    from playwright.async_api import expect

    box = page.locator("#input")
    await box.click()
    # /reload is for administrators: Sim User is refused, and the refusal is a note only they see.
    await box.press_sequentially("/reload")
    await box.press("Enter")
    note = page.locator(".message.is-ephemeral", has_text="for server administrators")
    await expect(note).to_have_count(1)
    await expect(note).to_contain_text("Switch user to Sim Owner")
    answer = await run_command(page, "/objectives")
    ids = await page.locator(".message").evaluate_all("nodes => nodes.map(n => n.dataset.id)")
    assert ids[-1] == await answer.get_attribute("data-id"), "the newer answer must come below the old note"
    assert ids.index(await note.get_attribute("data-id")) == len(ids) - 2
    await screenshot(page, "playground-refused-then-answered.png", height=1300)


async def test_reload_as_the_servers_owner_from_the_page(page: Page) -> None:
    from playwright.async_api import expect

    await page.locator("#user-picker").select_option(label="Sim Owner")
    box = page.locator("#input")
    await box.click()
    await box.press_sequentially("/rel")
    await expect(page.locator("#popup .popup-item", has_text="/reload")).to_have_count(1)
    await box.press("Enter")
    await box.press("Enter")
    await expect(page.locator(".message.is-ephemeral .message-content")).to_contain_text("✅")
    await page.locator("#user-picker").select_option(label="Sim User")


async def test_notices_fade_or_last_as_long_as_what_they_report(browser: Browser, broken_pack: Path) -> None:
    from playwright.async_api import expect

    from bot.playground import wire

    settings = Settings.from_env({"CONTENT_DIR": str(broken_pack)}, env_file=None)
    async with Playground(settings, port=0, watch=False) as playground:
        page = await browser.new_page(viewport={"width": 1100, "height": 800})
        await page.goto(playground.url)
        await expect(page.locator("#pack-version")).to_have_text("pack 1.0.0")
        await playground._reload(None)  # type: ignore[arg-type]  # what the page's reload does, without a request

        ok = page.locator(".notice-ok")
        await expect(ok).to_contain_text("Content reloaded: now serving pack 1.0.0")
        # Something that happened: it fades (after 6 s) instead of staying for good.
        await expect(ok).to_have_count(0, timeout=12_000)
        # ... and a fresh page is not told again about a reload it never saw.
        await page.reload()
        await expect(page.locator("#pack-version")).to_have_text("pack 1.0.0")
        await page.wait_for_timeout(300)
        await expect(page.locator(".notice")).to_have_count(0)

        # A refused reload is a state: its notice stays while the old pack is served ...
        topic = broken_pack / "topics" / "objectives.yaml"
        topic.write_text(topic.read_text(encoding="utf-8").replace("paragraph: 2\n", "paragraph: [2\n", 1), "utf-8")
        await playground._reload(None)  # type: ignore[arg-type]
        error = page.locator(".notice-error")
        await expect(error).to_contain_text("Content reload refused")
        # ... and goes when the playground restarts: the page reconnects to one that has reloaded nothing.
        playground.content = wire.content_json(None, playground.bot.library.pack.version, playground.sim.now())
        await playground.hub.close()
        await expect(error).to_have_count(0)
        await page.close()
