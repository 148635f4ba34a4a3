"""Optional two-factor authentication of staff (django-otp TOTP): set up, login with a code, throttling, turning off.

The codes are computed here from the device's secret with django_otp.oath, as the phone app would compute them.
"""

import datetime
import re
import time
from base64 import b32decode
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from teknokyla.core import twofactor

from .markup import inline_parts

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"  # the factories' password


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


def code_of(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    """The code the authenticator app shows now (or `steps_ahead` 30-second steps later)."""
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


def wrong_code_of(device: TOTPDevice) -> str:
    """A code that no step inside the tolerance accepts."""
    valid = {code_of(device, steps_ahead=n) for n in (-1, 0, 1)}
    candidate = int(code_of(device))
    while f"{candidate:06d}" in valid:
        candidate = (candidate + 123457) % 1_000_000
    return f"{candidate:06d}"


def wait_out_throttle(device: TOTPDevice, seconds: int = 3600) -> None:
    """The user waits: the last failure moves into the past."""
    device.refresh_from_db()
    if device.throttling_failure_timestamp:
        device.throttling_failure_timestamp -= datetime.timedelta(seconds=seconds)
        device.save(update_fields=["throttling_failure_timestamp"])


def confirmed_device_of(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name=twofactor.DEVICE_NAME, confirmed=True)


def log_in(client: Client, user, next_url: str = ""):
    url = reverse("login") + (f"?next={next_url}" if next_url else "")
    return client.post(url, {"username": user.username, "password": PASSWORD, "next": next_url})


def field_errors(reply) -> list[str]:
    """The messages shown next to the code field (crispy's invalid-feedback under the input)."""
    html = reply.content.decode()
    return [
        re.sub(r"<[^>]+>", "", text).strip() for text in re.findall(r'id="error_\d+_id_code"[^>]*>(.*?)</', html, re.S)
    ]


@pytest.mark.trust("A staff member turns two-factor authentication on with a mistyped code", area="Security")
def test_turning_on_shows_a_qr_code_and_needs_a_right_code(staff_client, staff, trust_figure):
    page = reverse("two_factor")
    reply = staff_client.get(page)
    assert reply.status_code == 200
    assert "Set up two-factor authentication" in reply.content.decode()
    assert staff_client.post(page, {"action": "start"}).status_code == 302
    reply = staff_client.get(page)
    html = reply.content.decode()
    device = TOTPDevice.objects.get(user=staff)
    assert not device.confirmed
    # The QR code is inline SVG (no script, no style for the CSP to block) and the secret can be typed instead.
    assert "<svg " in html and 'role="img"' in html
    found = inline_parts(html)
    assert not (found.scripts or found.handlers or found.style_attributes or found.style_elements)
    secret = reply.context["secret"].replace(" ", "")
    assert b32decode(secret) == device.bin_key

    # A wrong code: the error next to the field, nothing turned on.
    reply = staff_client.post(page, {"action": "confirm", "code": wrong_code_of(device)})
    refused = [reply.status_code]
    assert reply.status_code == 400
    assert field_errors(reply) == ["The code is wrong or has expired. Type the code the app shows now."]
    assert not TOTPDevice.objects.filter(user=staff, confirmed=True).exists()
    # Letters instead of digits: the reason next to the field.
    reply = staff_client.post(page, {"action": "confirm", "code": "12a456"})
    refused.append(reply.status_code)
    assert field_errors(reply) == ["The code has six digits."]

    wait_out_throttle(device)
    reply = staff_client.post(page, {"action": "confirm", "code": code_of(device)})
    assert reply.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    # This session counts as verified: the staff pages stay open without a second code.
    assert staff_client.get(reverse("companies:directory")).status_code == 200
    trust_figure("wrong codes tried at set-up", refused.count(400))
    trust_figure("devices turned on by a wrong code", TOTPDevice.objects.filter(user=staff, confirmed=True).count() - 1)


@pytest.mark.trust("A stolen staff password opens the staff pages or the admin without the code", area="Security")
def test_after_the_password_a_user_with_a_device_is_asked_for_the_code_before_any_staff_page(staff, trust_figure):
    device = confirmed_device_of(staff)
    client = Client()
    directory = reverse("companies:directory")
    reply = log_in(client, staff, directory)
    verify = reverse("two_factor_verify")
    assert reply.status_code == 302
    assert urlsplit(reply["Location"]).path == verify
    assert parse_qs(urlsplit(reply["Location"]).query)["next"] == [directory]

    # With only the password, every staff page and the admin lead to the code page.
    staff_pages = [
        directory,
        reverse("workshops:board"),
        reverse("surveys:list"),
        reverse("reports:builds"),
        reverse("workshops:interview_create"),
    ]
    opened_without_code = 0
    for url in staff_pages:
        answer = client.get(url)
        opened_without_code += answer.status_code == 200
        assert answer.status_code == 302 and urlsplit(answer["Location"]).path == verify, url
    admin_answer = client.get(reverse("admin:index"), follow=True)
    assert admin_answer.redirect_chain[-1][0].startswith(verify), admin_answer.redirect_chain
    opened_without_code += client.get(reverse("admin:companies_company_changelist")).status_code == 200

    reply = client.get(f"{verify}?next={directory}")
    assert reply.status_code == 200
    assert 'autocomplete="one-time-code"' in reply.content.decode()
    reply = client.post(verify, {"code": code_of(device), "next": directory})
    assert (reply.status_code, reply["Location"]) == (302, directory)
    for url in staff_pages:
        assert client.get(url).status_code == 200, url
    assert client.get(reverse("admin:index")).status_code == 200
    trust_figure("staff pages and admin tried with the password only", len(staff_pages) + 2)
    trust_figure("opened without the code", opened_without_code)


@pytest.mark.trust("Someone with the password guesses the six-digit code", area="Security")
def test_wrong_codes_are_throttled_so_even_the_right_code_waits(staff, trust_figure):
    device = confirmed_device_of(staff)
    client = Client()
    log_in(client, staff)
    verify = reverse("two_factor_verify")
    misses = 5
    for _ in range(misses):
        wait_out_throttle(device)  # a patient guesser: each wrong code is really checked
        reply = client.post(verify, {"code": wrong_code_of(device)})
        assert reply.status_code == 400
        assert field_errors(reply) == ["The code is wrong or has expired. Type the code the app shows now."]
    device.refresh_from_db()
    assert device.throttling_failure_count == misses
    # Now even the right code is refused until the wait (1, 2, 4, 8, 16 s …) has passed.
    reply = client.post(verify, {"code": code_of(device)})
    assert reply.status_code == 400
    [message] = field_errors(reply)
    wait = int(re.search(r"Wait (\d+) seconds", message).group(1))
    assert 2 ** (misses - 2) < wait <= 2 ** (misses - 1)
    accepted_while_throttled = int(twofactor.is_verified(reply.wsgi_request))
    assert not accepted_while_throttled
    assert client.get(reverse("companies:directory")).status_code == 302

    wait_out_throttle(device, seconds=2 ** (misses - 1))
    reply = client.post(verify, {"code": code_of(device)})
    assert reply.status_code == 302
    assert client.get(reverse("companies:directory")).status_code == 200
    device.refresh_from_db()
    assert device.throttling_failure_count == 0
    trust_figure("wrong codes tried", misses)
    trust_figure("wait after them (s)", wait)
    trust_figure("right code accepted while throttled", accepted_while_throttled)


def test_a_used_code_cannot_be_replayed_in_another_session(staff):
    device = confirmed_device_of(staff)
    code = code_of(device)
    first, second = Client(), Client()
    log_in(first, staff)
    log_in(second, staff)
    assert first.post(reverse("two_factor_verify"), {"code": code}).status_code == 302
    reply = second.post(reverse("two_factor_verify"), {"code": code})
    assert reply.status_code == 400
    assert second.get(reverse("companies:directory")).status_code == 302


def test_users_without_a_device_log_in_as_before(staff, viewer):
    for user in (staff, viewer):
        client = Client()
        reply = log_in(client, user, reverse("companies:directory"))
        assert (reply.status_code, reply["Location"]) == (302, reverse("companies:directory"))
        assert client.get(reverse("companies:directory")).status_code == 200
        # The code page has nothing to ask: on to the page.
        assert client.get(reverse("two_factor_verify") + "?next=/companies/")["Location"] == "/companies/"


def test_the_code_page_sends_nowhere_outside_the_site(staff):
    device = confirmed_device_of(staff)
    client = Client()
    log_in(client, staff)
    reply = client.post(reverse("two_factor_verify"), {"code": code_of(device), "next": "https://evil.example/"})
    assert (reply.status_code, reply["Location"]) == (302, reverse("home"))


def test_turning_off_needs_a_code_and_then_the_login_asks_no_more(staff, trust_figure):
    device = confirmed_device_of(staff)
    client = Client()
    log_in(client, staff)
    assert client.post(reverse("two_factor_verify"), {"code": code_of(device)}).status_code == 302
    page = reverse("two_factor")
    reply = client.get(page)
    assert "Two-factor authentication is on." in reply.content.decode()
    reply = client.post(page, {"action": "disable", "code": wrong_code_of(device)})
    assert reply.status_code == 400
    assert field_errors(reply) == ["The code is wrong or has expired. Type the code the app shows now."]
    assert TOTPDevice.objects.filter(user=staff).exists()
    wait_out_throttle(device)
    # The login's code was used; the next step's code turns it off.
    reply = client.post(page, {"action": "disable", "code": code_of(device, steps_ahead=1)})
    assert (reply.status_code, reply["Location"]) == (302, page)
    assert not TOTPDevice.objects.filter(user=staff).exists()
    fresh = Client()
    assert log_in(fresh, staff, "/companies/")["Location"] == "/companies/"
    assert fresh.get("/companies/").status_code == 200


def test_with_the_setting_on_staff_without_a_device_are_sent_to_set_one_up(settings, staff):
    settings.STAFF_TWO_FACTOR_REQUIRED = True
    client = Client()
    log_in(client, staff)
    directory = reverse("companies:directory")
    reply = client.get(directory)
    assert reply.status_code == 302
    assert urlsplit(reply["Location"]).path == reverse("two_factor")
    admin_chain = client.get(reverse("admin:index"), follow=True).redirect_chain
    assert urlsplit(admin_chain[-1][0]).path == reverse("two_factor")
    reply = client.get(reply["Location"])
    assert reply.status_code == 200
    assert "must use two-factor authentication" in reply.content.decode()
    set_up = f"{reverse('two_factor')}?next={directory}"
    assert client.post(set_up, {"action": "start"})["Location"] == set_up
    device = TOTPDevice.objects.get(user=staff)
    reply = client.post(set_up, {"action": "confirm", "code": code_of(device), "next": directory})
    assert (reply.status_code, reply["Location"]) == (302, directory)
    assert client.get(directory).status_code == 200


def test_the_setting_is_off_by_default_and_read_from_the_environment():
    from django.conf import settings

    assert settings.STAFF_TWO_FACTOR_REQUIRED is False


def test_one_users_device_is_no_use_for_another(staff, viewer):
    device = confirmed_device_of(staff)
    confirmed_device_of(viewer)
    client = Client()
    log_in(client, viewer)
    reply = client.post(reverse("two_factor_verify"), {"code": code_of(device)})
    assert reply.status_code == 400
    assert client.get(reverse("companies:directory")).status_code == 302


@pytest.mark.parametrize("language", ["fi", "sv"])
def test_a_wrong_code_is_explained_next_to_the_field_in_the_users_language(language, staff):
    device = confirmed_device_of(staff)
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    log_in(client, staff)
    reply = client.post(reverse("two_factor_verify"), {"code": wrong_code_of(device)})
    english = "The code is wrong or has expired. Type the code the app shows now."
    with translation.override(language):
        expected = translation.gettext(english)
        title = translation.gettext("Login: code from the authenticator app")
    assert expected != english
    assert field_errors(reply) == [expected]
    assert f"<title>{title}" in reply.content.decode()
