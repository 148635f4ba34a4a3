"""Two-factor authentication in Chromium: a staff member turns it on from the set-up page, then logs in with a code.

The codes are computed from the secret the page shows, as the phone app would compute them; axe checks each new page.
"""

import time
from base64 import b32decode

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

pytestmark = pytest.mark.django_db(transaction=True)


def code_for(secret: str, *, steps_ahead: int = 0) -> str:
    totp = TOTP(b32decode(secret.replace(" ", "")), step=30, t0=0, digits=6, drift=0)
    totp.time = time.time() + steps_ahead * 30
    return f"{totp.token():06d}"


def wrong_code_for(secret: str) -> str:
    valid = {code_for(secret, steps_ahead=n) for n in (-1, 0, 1)}
    return next(f"{n:06d}" for n in range(0, 1_000_000, 111_111) if f"{n:06d}" not in valid)


def submit(page) -> None:
    with page.expect_navigation():
        page.locator("main form[method=post] button[type=submit]").first.click()


@pytest.mark.trust("Staff cannot turn two-factor authentication on and log in with a code", area="Real browser")
def test_staff_turn_two_factor_on_and_log_in_with_a_code(live_server, page, login, staff, axe_audit, trust_figure):
    with translation.override("fi"):
        code_label = gettext("Code from the authenticator app")
        wrong = gettext("The code is wrong or has expired. Type the code the app shows now.")
        turned_on = gettext("Two-factor authentication is on. The next login asks for a code.")
    login(staff.username)
    # The user menu in the header, named after the user, holds the set-up page and the log-out button.
    page.locator("header #user-menu").click()
    with page.expect_navigation():
        page.locator("header").get_by_role("link", name="Kaksivaiheinen tunnistautuminen").click()
    assert page.get_by_role("heading", level=1, name="Kaksivaiheinen tunnistautuminen").is_visible()
    axe_audit.check(page, "two-factor set-up: start")
    submit(page)

    # The QR code and the secret to type; the app's code confirms it (a wrong one first).
    assert page.locator("main figure svg[role=img]").is_visible()
    secret = page.locator("main figure code").inner_text()
    axe_audit.check(page, "two-factor set-up: QR code")
    page.get_by_label(code_label).fill(wrong_code_for(secret))
    submit(page)
    assert page.locator("main .invalid-feedback").inner_text().strip() == wrong
    assert page.get_by_label(code_label).get_attribute("aria-invalid") == "true"
    axe_audit.check(page, "two-factor set-up: wrong code")
    # The user waits out the throttle a wrong code sets off, then types the code the app shows now.
    TOTPDevice.objects.filter(user=staff).update(throttling_failure_timestamp=None, throttling_failure_count=0)
    page.get_by_label(code_label).fill(code_for(secret))
    submit(page)
    assert turned_on in page.locator("main").inner_text()
    assert TOTPDevice.objects.get(user=staff).confirmed

    # Log out, and in again: the password alone leads to the code page, the code to the page asked for.
    page.locator("header #user-menu").click()
    with page.expect_navigation():
        page.locator("header form[action$='/accounts/logout/'] button[type=submit]").click()
    directory = reverse("companies:directory")
    page.goto(f"{live_server.url}{directory}")
    page.get_by_label("Käyttäjätunnus").fill(staff.username)
    page.get_by_label("Salasana").fill("correct horse battery staple")
    submit(page)
    assert page.url.startswith(f"{live_server.url}{reverse('two_factor_verify')}")
    axe_audit.check(page, "login: code page")
    page.goto(f"{live_server.url}{directory}")  # no staff page without the code
    assert page.url.startswith(f"{live_server.url}{reverse('two_factor_verify')}")
    page.get_by_label(code_label).fill(code_for(secret, steps_ahead=1))  # the set-up used this step's code
    submit(page)
    assert page.url == f"{live_server.url}{directory}"
    assert page.get_by_role("heading", level=1).is_visible()
    trust_figure("logins with a code completed in Chromium", int(page.url.endswith(directory)))
    trust_figure("two-factor pages scanned by axe", len(axe_audit.checked))
    trust_figure("with violations", len(axe_audit.failures))
    axe_audit.assert_clean()
