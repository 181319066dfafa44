"""Browser tests: sync Playwright driving Debian's headless Chromium against pytest-django's live server.

Playwright's sync API runs an event loop in this thread, so Django's async-safety check must be
relaxed for the test's own ORM calls.
"""

import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, Permission
from django.db.models.signals import post_migrate
from playwright.sync_api import sync_playwright

from cases.demo import seed_cases
from cases.models import Case
from cases.roles import ensure_roles
from tests.factories import make_user

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
SCREENSHOTS = Path(__file__).parent / "screenshots"


def _restore_roles(sender, **kwargs):
    # Live-server tests flush the database afterwards; flush re-sends post_migrate but does not re-run
    # the data migration that made the role groups, so put them back for the tests that follow.
    if sender.name == "cases":
        ensure_roles(Group, Permission)


post_migrate.connect(_restore_roles, dispatch_uid="tests.ui.restore_roles")


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def team(transactional_db):
    ensure_roles(Group, Permission)
    return {"analyst": make_user("ana", "analyst"), "supervisor": make_user("sue", "supervisor")}


@pytest.fixture
def demo_cases(team, program):
    seed_cases(program, team["supervisor"], count_scale=0.12)
    # Cases open a day after their transaction, so the weekly chart shows a spread like real traffic.
    for case in Case.objects.filter(program=program).select_related("transaction"):
        Case.objects.filter(pk=case.pk).update(created=case.transaction.date + timedelta(days=1))
    return program


def _new_page(browser, live_server, javascript=True):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1440, "height": 900},
                                  java_script_enabled=javascript, accept_downloads=True)
    context.set_default_timeout(15_000)
    return context, context.new_page()


@pytest.fixture
def page(browser, live_server, team):
    context, new_page = _new_page(browser, live_server)
    yield new_page
    context.close()


@pytest.fixture
def page_without_js(browser, live_server, team):
    context, new_page = _new_page(browser, live_server, javascript=False)
    yield new_page
    context.close()


def login(page, username: str) -> None:
    page.goto("/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", f"pw-{username}")
    page.click("button[type=submit]")
    page.wait_for_url("**/cases/")


def screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
