"""Optional two-factor authentication of staff: one TOTP device per user (django-otp), set up and removed with a code.

A user with a confirmed device is asked for a code after the password before any staff page or the admin opens;
wrong codes slow down (django-otp's throttling doubles the wait after each miss). With STAFF_TWO_FACTOR_REQUIRED on,
staff without a device are sent to set one up first.
"""

import segno
from django import forms
from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.db import transaction
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext_lazy as _
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

DEVICE_NAME = "authenticator"
# Whether the signed-in user has a confirmed authenticator, noted in the session at login so that a staff page asks
# the database no extra question (the pages' query counts are tested).
ENROLLED_SESSION_KEY = "two_factor_enrolled"


def confirmed_device(user) -> TOTPDevice | None:
    """The user's confirmed authenticator, or None when two-factor authentication is off for them."""
    if not user.is_authenticated:
        return None
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def is_verified(request) -> bool:
    """True when this session has passed the second step (django-otp's middleware tells)."""
    check = getattr(request.user, "is_verified", None)
    return bool(check and check())


def note_enrolment(request, enrolled: bool) -> None:
    request.session[ENROLLED_SESSION_KEY] = enrolled
    if hasattr(request, "_two_factor_step"):
        del request._two_factor_step


def _is_enrolled(request) -> bool:
    enrolled = request.session.get(ENROLLED_SESSION_KEY)
    if enrolled is None:  # a session from before this flag: ask once
        enrolled = confirmed_device(request.user) is not None
        note_enrolment(request, enrolled)
    return enrolled


@receiver(user_logged_in, dispatch_uid="two_factor_note_enrolment")
def _note_enrolment_at_login(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session[ENROLLED_SESSION_KEY] = confirmed_device(user) is not None


def pending_step(request) -> str | None:
    """What the signed-in user still has to do before a staff page: "verify", "set_up" or None.

    The answer is cached on the request: the access decorators and the admin ask it for every page.
    """
    if not hasattr(request, "_two_factor_step"):
        step = None
        if request.user.is_authenticated and not is_verified(request):
            if _is_enrolled(request):
                step = "verify"
            elif settings.STAFF_TWO_FACTOR_REQUIRED:
                step = "set_up"
        request._two_factor_step = step
    return request._two_factor_step


def step_redirect_url(request, step: str, next_url: str | None = None) -> str:
    """The page of the pending step, carrying the page asked for (by default this one) as ?next=."""
    name = "two_factor_verify" if step == "verify" else "two_factor"
    return f"{reverse(name)}?{urlencode({'next': next_url or request.get_full_path()})}"


def safe_next(request, default: str) -> str:
    """The ?next= page when it is on this site, else the default."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def qr_code_svg(device: TOTPDevice) -> str:
    """The device's otpauth:// link as an inline SVG QR code (no script, no inline style: fine under the CSP)."""
    code = segno.make(device.config_url, error="m")
    svg = code.svg_inline(scale=5, border=4, dark="#000", light="#fff", title=str(_("QR code of the secret key")))
    return svg.replace("<svg ", '<svg role="img" aria-labelledby="qr-title" ', 1).replace(
        "<title>", '<title id="qr-title">', 1
    )


def secret_for_typing(device: TOTPDevice) -> str:
    """The base32 secret in groups of four, for typing into an app when the camera cannot read the code."""
    from base64 import b32encode

    secret = b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def device_start(*, user) -> TOTPDevice:
    """A new unconfirmed authenticator for the user (an earlier unconfirmed one is replaced)."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        return TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)


def unconfirmed_device(*, user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=False).first()


def device_confirm(*, request, device: TOTPDevice) -> None:
    """Turn two-factor authentication on with a device whose code was just checked; this session counts as verified."""
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
    otp_login(request, device)
    note_enrolment(request, True)


def devices_remove(*, request) -> None:
    """Turn two-factor authentication off for the signed-in user."""
    TOTPDevice.objects.filter(user=request.user).delete()
    request.session.pop(DEVICE_ID_SESSION_KEY, None)
    note_enrolment(request, False)


class CodeForm(forms.Form):
    """One six-digit code from the authenticator app, checked against one device (throttled after misses)."""

    code = forms.CharField(
        label=_("Code from the authenticator app"),
        min_length=6,
        max_length=6,
        help_text=_("Six digits; a new code appears every 30 seconds."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
        error_messages={
            "required": _("Type the six-digit code."),
            "min_length": _("The code has six digits."),
            "max_length": _("The code has six digits."),
        },
    )

    def __init__(self, *args, device: TOTPDevice | None, **kwargs):
        super().__init__(*args, **kwargs)
        self.device = device

    def clean_code(self):
        code = "".join(self.cleaned_data["code"].split())
        if not code.isdigit():
            raise forms.ValidationError(_("The code has six digits."), code="not_digits")
        if self.device is None:
            raise forms.ValidationError(_("Start the set-up again."), code="no_device")
        allowed, details = self.device.verify_is_allowed()
        if not allowed:
            wait = max(1, int(((details or {}).get("locked_until", timezone.now()) - timezone.now()).total_seconds()))
            raise forms.ValidationError(
                _("Too many wrong codes. Wait %(seconds)s seconds and try again with a new code."),
                code="throttled",
                params={"seconds": wait},
            )
        if not self.device.verify_token(code):
            raise forms.ValidationError(
                _("The code is wrong or has expired. Type the code the app shows now."), code="wrong"
            )
        return code
