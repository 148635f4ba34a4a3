"""Without JavaScript the header still works: the menu button and the user menu open, and staff can log out."""

import pytest

WIDTHS = [375, 1280]


@pytest.fixture
def page_without_script(browser, live_server):
    context = browser.new_context(java_script_enabled=False, locale="fi-FI")
    yield context.new_page()
    context.close()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", WIDTHS)
def test_staff_reach_every_link_and_log_out_without_javascript(page_without_script, live_server, staff, width):
    page = page_without_script
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Käyttäjätunnus").fill(staff.username)
    page.get_by_label("Salasana").fill("correct horse battery staple")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()

    menu_button = page.locator("header .navbar-toggler")
    if menu_button.is_visible():  # narrow windows: the links sit behind the menu button
        assert not page.get_by_role("link", name="Organisaatiot").is_visible()
        menu_button.click()
    assert page.get_by_role("link", name="Organisaatiot").is_visible()

    page.locator("header #user-menu").click()
    log_out = page.get_by_role("button", name="Kirjaudu ulos")
    assert log_out.is_visible()
    box = log_out.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= width, box  # the menu stays inside the window
    log_out.click()
    page.wait_for_load_state()
    assert page.locator("header #user-menu").count() == 0  # logged out: no user menu any more
    assert page.locator("main").get_by_role("link", name="Henkilöstön kirjautuminen").is_visible()
