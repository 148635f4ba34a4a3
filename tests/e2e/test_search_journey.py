"""Staff search from the header of a staff page, on a phone and a laptop, in Finnish: the results have their words
marked, the page fits the screen and axe finds nothing."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("width", [375, 1280])
def test_staff_search_sampo_from_the_header(live_server, page, login, staff, demo_data, axe_audit, width):
    page.set_viewport_size({"width": width, "height": 900})
    login(staff.username)
    page.goto(f"{live_server.url}{reverse('companies:directory')}")
    toggler = page.locator(".navbar-toggler")
    if toggler.is_visible():
        toggler.click()
    box = page.get_by_role("searchbox", name="Hakusanat").first
    box.fill("Sampo")
    box.press("Enter")
    page.wait_for_load_state()
    assert page.url.startswith(f"{live_server.url}{reverse('search:search')}?q=Sampo")
    main = page.locator("main")
    assert "Organisaatiot (" in main.inner_text()
    # Sammonkadulla matched through its parts (Sammonkatu → Sampo + katu) and is marked as written.
    marked = {text.lower() for text in page.locator("main mark").all_inner_texts()}
    assert {"sampo", "sammonkadulla"} <= marked
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    axe_audit.check(page, f"search at {width}")
    # The filters open and narrow the results to one kind, and the page still fits and passes.
    page.locator("details.search-filters summary").click()
    page.get_by_label("Tyyppi").select_option("organisations")
    page.locator("details.search-filters button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("main section h2").all_inner_texts()[0].startswith("Organisaatiot")
    assert page.locator("main section").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    axe_audit.check(page, f"search filtered at {width}")
    axe_audit.assert_clean()
