"""A person signs up and completes a step by clicking, in headless Chromium."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.async_api import Browser, expect

from tests.e2e.conftest import System
from tests.factories import eventually

SCREENSHOTS = Path(__file__).parent / "screenshots"


async def test_a_newcomer_signs_up_and_completes_a_step_by_clicking(system: System, browser: Browser) -> None:
    page = await browser.new_page(viewport={"width": 390, "height": 844})  # a phone
    await page.goto(f"{system.web_url}/signup")
    await page.get_by_label("Email", exact=True).fill("clicker@example.org")
    await page.get_by_label("Name to show others").fill("Clicker")
    await page.get_by_label("Email me a reminder").check()
    await page.get_by_role("button", name="Sign up").click()
    await expect(page.get_by_role("heading", name="Check your email")).to_be_visible()

    [welcome] = await eventually(lambda: system.outbox.to("clicker@example.org"))
    link = re.search(r"http\S+/signin/verify\?token=\S+", welcome.body)
    assert link is not None
    await page.goto(link.group(0))
    await page.get_by_role("button", name="Sign in").click()
    await expect(page.get_by_role("heading", name="Your journey, Clicker")).to_be_visible()

    await page.keyboard.press("Tab")  # the skip link comes first for keyboard users
    await expect(page.get_by_role("link", name="Skip to content")).to_be_focused()
    await page.get_by_role("button", name="Mark “Accept the code of conduct” done").click()

    profile_step = page.locator("#step-profile")
    await expect(profile_step).to_have_attribute("aria-current", "step")
    await expect(page.locator("#step-code_of_conduct .badge")).to_have_text("Done")
    SCREENSHOTS.mkdir(exist_ok=True)
    await page.screenshot(path=str(SCREENSHOTS / "checklist-after-first-step.png"), full_page=True)
    assert (SCREENSHOTS / "checklist-after-first-step.png").stat().st_size > 10_000
