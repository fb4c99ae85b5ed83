"""The API docs as a reader meets them: Swagger UI and ReDoc, served locally.

Both pages come from drf-spectacular-sidecar's files, so nothing may load
from outside the server: the `page` fixture refuses and records any such
request.
"""

import json

import pytest
from playwright.sync_api import expect

from accounts.models import User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIGNUP = "#operations-auth-auth_signup_create"


def test_u01_swagger_ui_lists_operations_and_runs_a_signup(
    page, live_server, screenshot, outside_requests
):
    page.goto(f"{live_server.url}/docs")
    page.wait_for_selector(SIGNUP)
    assert page.locator(".info .title").inner_text().startswith("Marketplace API")
    paths = {p.strip() for p in page.locator(".opblock-summary-path").all_inner_texts()}
    assert {"/auth/signup", "/catalog", "/orders"} <= paths
    screenshot("01-operations", full_page=False)

    operation = page.locator(SIGNUP)
    operation.locator(".opblock-summary").click()
    operation.locator(".try-out__btn").click()
    body = {"email": "reader@example.com", "password": "a long enough secret 42"}
    editor = operation.locator("textarea.body-param__text")
    editor.fill(json.dumps(body))
    editor.scroll_into_view_if_needed()
    screenshot("02-try-it-out", full_page=False)
    operation.locator(".execute").click()
    live = operation.locator(".live-responses-table tbody tr.response")
    live.wait_for()
    assert live.locator(".response-col_status").inner_text().strip() == "201"
    assert "access_token" in live.locator(".microlight").first.inner_text()
    live.scroll_into_view_if_needed()
    screenshot("03-executed", full_page=False)

    assert User.objects.filter(email="reader@example.com").exists()
    assert outside_requests == []


def test_redoc_renders_the_schema_from_local_files(
    page, live_server, screenshot, outside_requests
):
    page.goto(f"{live_server.url}/redoc")
    page.wait_for_selector("h1:has-text('Marketplace API')")
    page.locator("[role=menuitem]", has_text="auth").first.click()
    entry = page.locator("[role=menuitem]", has_text="auth_signup_create").last
    assert entry.inner_text().split() == ["POST", "auth_signup_create"]
    entry.click()
    signup = page.locator("[data-section-id='tag/auth/operation/auth_signup_create']")
    # Redoc renders lazily, so the jump can land short of the operation.
    signup.scroll_into_view_if_needed()
    expect(signup.locator("h2").first).to_be_in_viewport()
    assert "/auth/signup" in signup.inner_text()
    screenshot("01-signup", full_page=False)

    assert outside_requests == []
