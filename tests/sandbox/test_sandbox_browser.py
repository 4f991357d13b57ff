"""The sandbox in a real browser: headless Chromium on the page, typing commands into simcord's composer."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import Select, WebDriverWait

from tests.bot_process import ROOT

ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"
URL = re.compile(r"http://127\.0\.0\.1:\d+/#[\w-]+")
WAIT = 30  # seconds; generous for a shared, busy machine: every wait ends as soon as its condition holds
# Without the background-networking switches Chromium keeps calling home, which a closed network floods with.
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1280,900",
)


def chromium() -> tuple[str, str]:
    """Paths of the system's Chromium and its driver (Debian: chromium, chromium-driver); .ci/run installs them."""
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver")
    if browser and driver:
        return browser, driver
    message = "Chromium and chromedriver are needed: apt-get install chromium chromium-driver (.ci/run does it)"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="module")
def sandbox_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`python -m bot sandbox` in a subprocess, as a user starts it; its URL once it is printed."""
    workdir = tmp_path_factory.mktemp("sandbox")
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "KANSOU_"))}
    environ["PYTHONPATH"] = str(ROOT)  # the checkout under test, not an installed copy
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "sandbox", "--no-browser"],
        cwd=workdir,
        env=environ,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert process.stdout is not None
    found: list[str] = []
    shown: list[str] = []
    ready = threading.Event()

    def read() -> None:  # keeps draining the pipe so the sandbox never blocks on a full one
        assert process.stdout is not None
        for line in process.stdout:
            shown.append(line)
            match = URL.search(line)
            if match and not found:
                found.append(match.group(0))
                ready.set()
        ready.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        assert ready.wait(120) and found, "".join(shown)
        yield found[0]
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        reader.join(timeout=5)


@pytest.fixture
def browser(request: pytest.FixtureRequest) -> Iterator[WebDriver]:
    binary, driver_path = chromium()
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    profile = tempfile.mkdtemp(prefix="kansou-chromium-")
    for flag in (*CHROMIUM_FLAGS, f"--user-data-dir={profile}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    try:
        yield driver
    finally:
        ARTIFACTS.mkdir(exist_ok=True)
        driver.save_screenshot(str(ARTIFACTS / f"{request.node.name}.png"))
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def wait(driver: WebDriver) -> WebDriverWait[WebDriver]:
    return WebDriverWait(driver, WAIT, ignored_exceptions=(StaleElementReferenceException, NoSuchElementException))


def viewer(driver: WebDriver) -> str:
    return Select(driver.find_element(By.ID, "viewer-picker")).first_selected_option.text


def open_as(driver: WebDriver, url: str, person: str) -> None:
    """Open the page and pick the person to act as in "Viewing as"."""
    driver.get(url)
    wait(driver).until(ec.visibility_of_element_located((By.ID, "channel-composer-input")))
    wait(driver).until(ec.presence_of_element_located((By.CSS_SELECTOR, "#preview-app[aria-busy='false']")))
    wait(driver).until(viewer)
    if viewer(driver) != person:
        # The page empties the list while it asks the server, then rebuilds it with the new person selected.
        Select(driver.find_element(By.ID, "viewer-picker")).select_by_visible_text(person)
    wait(driver).until(lambda d: viewer(d) == person)
    wait(driver).until(ec.element_to_be_clickable((By.ID, "channel-composer-input")))


def start_command(driver: WebDriver, typed: str, invocation: str) -> None:
    """Type a slash and part of a command's name in the composer, then pick the command from the list.

    The page may redraw the composer once more after switching person; the text is typed again if it went.
    """
    entry = f"//*[@id='command-picker-listbox']//strong[normalize-space()='/{invocation}']"

    def listed(d: WebDriver) -> WebElement | bool:
        composer = d.find_element(By.ID, "channel-composer-input")
        if not (composer.get_attribute("value") or "").startswith("/") and composer.is_enabled():
            composer.click()
            composer.send_keys(typed)
        found = [item for item in d.find_elements(By.XPATH, entry) if item.is_displayed()]
        return found[0] if found else False

    command = wait(driver).until(listed)
    assert isinstance(command, WebElement)
    command.click()


def option_field(driver: WebDriver, option: str) -> WebElement:
    locator = (By.CSS_SELECTOR, f"input.command-option-input[data-option='{option}']")
    return wait(driver).until(ec.element_to_be_clickable(locator))


def autocomplete(driver: WebDriver, option: str, typed: str, choice: str) -> None:
    """Type into an autocomplete option and click the bot's suggestion that starts with `choice`."""
    field = option_field(driver, option)
    field.click()
    field.send_keys(typed)
    suggestion = (
        By.XPATH,
        f"//*[@id='command-suggestion-listbox']//*[contains(@class,'command-suggestion')]"
        f"[starts-with(normalize-space(), {xpath_text(choice)})]",
    )
    wait(driver).until(ec.element_to_be_clickable(suggestion)).click()


def xpath_text(text: str) -> str:
    """An XPath string literal for text that may hold quotes."""
    if "'" not in text:
        return f"'{text}'"
    return "concat(" + ', "\'", '.join(f"'{part}'" for part in text.split("'")) + ")"


def send(driver: WebDriver) -> None:
    wait(driver).until(ec.element_to_be_clickable((By.ID, "send-message"))).click()


def timeline_shows(driver: WebDriver, text: str) -> WebElement:
    """Wait for a message in the channel whose text holds `text`; scroll it into view for the screenshot."""
    locator = (
        By.XPATH,
        f"//*[@id='channel-message-list']//*[contains(@class,'message-content')]"
        f"[contains(normalize-space(.), {xpath_text(text)})]",
    )
    message = wait(driver).until(ec.presence_of_element_located(locator))
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", message)
    return message


def test_a_member_rates_a_title_through_the_composer(browser: WebDriver, sandbox_url: str) -> None:
    """As Yuki: /rate, the title picked from the bot's autocomplete, a score, Send; kansou's reply shows."""
    open_as(browser, sandbox_url, "Yuki")
    start_command(browser, "/rat", "rate")
    autocomplete(browser, "title", "made in ab", "Made in Abyss")
    option_field(browser, "score").send_keys("8")
    send(browser)
    timeline_shows(browser, "Saved your 8/10 for Made in Abyss.")


def test_the_moderator_posts_a_review_and_sees_its_summary(browser: WebDriver, sandbox_url: str) -> None:
    """As Ren (moderator): /mod review post, the form, Publish; the summary embed appears in #reviews."""
    open_as(browser, sandbox_url, "Ren (moderator)")
    start_command(browser, "/review p", "mod review post")
    autocomplete(browser, "title", "frieren", FRIEREN)
    send(browser)
    field = wait(browser).until(ec.visibility_of_element_located((By.CSS_SELECTOR, "form.modal-dialog textarea")))
    field.send_keys(REVIEW)
    submit = (By.XPATH, "//form[contains(@class,'modal-dialog')]//button[normalize-space()='Submit']")
    wait(browser).until(ec.element_to_be_clickable(submit)).click()
    publish = (By.XPATH, "//button[normalize-space()='Publish']")
    wait(browser).until(ec.element_to_be_clickable(publish)).click()
    timeline_shows(browser, "Published the official review of Frieren: Beyond Journey's End")
    card = (
        By.XPATH,
        "//article[contains(@class,'embed-card')]"
        f"[.//*[contains(@class,'embed-title')][normalize-space()={xpath_text(FRIEREN)}]]",
    )
    summary = wait(browser).until(ec.presence_of_element_located(card))
    browser.execute_script("arguments[0].scrollIntoView({block: 'start'})", summary)
    text = " ".join((summary.get_attribute("textContent") or "").split())
    assert "Official score: 8 / 10" in text
    assert "Community" in text and "Verdict" in text


FRIEREN = "Frieren: Beyond Journey's End"
REVIEW = """Frieren follows an elf mage in the long quiet after her party defeated the demon king.

The story is slow in the best way: small journeys that keep circling back to memories of the old party.
The characters are warm and funny, and Fern and Stark have a lovely awkward chemistry.
The animation is gorgeous, and the music is sublime.

I recommend it to anyone who likes a gentle, thoughtful fantasy.

Score: 8/10
"""
