"""The pages of two-factor authentication: the second step of the login, and each user's own set-up page."""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from . import twofactor
from .access import two_factor_set_up_required


class LoginView(auth_views.LoginView):
    """Django's login; a user with an authenticator goes on to the code page before the page asked for."""

    def get_success_url(self):
        target = super().get_success_url()
        if twofactor.confirmed_device(self.request.user) is not None:
            return twofactor.step_redirect_url(self.request, "verify", next_url=target)
        return target


@never_cache
@sensitive_post_parameters("code")
@require_http_methods(["GET", "POST"])
def verify(request):
    """The second step of the login: the code of the user's authenticator."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    target = twofactor.safe_next(request, reverse("home"))
    device = twofactor.confirmed_device(request.user)
    if device is None or twofactor.is_verified(request):
        if device is None:  # e.g. an administrator removed a lost authenticator since the login
            twofactor.note_enrolment(request, False)
        return redirect(target)
    form = twofactor.CodeForm(request.POST or None, device=device)
    if request.method == "POST":
        if form.is_valid():
            twofactor.otp_login(request, device)
            return redirect(target)
        status = 400
    else:
        status = 200
    return render(request, "registration/two_factor_verify.html", {"form": form, "next": target}, status=status)


@never_cache
@sensitive_post_parameters("code")
@require_http_methods(["GET", "POST"])
@two_factor_set_up_required
def settings_page(request):
    """Turn two-factor authentication on (start, scan, confirm with a code) or off (with a code)."""
    confirmed = twofactor.confirmed_device(request.user)
    pending = None if confirmed else twofactor.unconfirmed_device(user=request.user)
    action = request.POST.get("action") if request.method == "POST" else None
    form, status = None, 200
    if action == "start" and confirmed is None:
        twofactor.device_start(user=request.user)
        return redirect(request.get_full_path())
    if action in {"confirm", "disable"}:
        device = pending if action == "confirm" else confirmed
        form = twofactor.CodeForm(request.POST, device=device)
        if form.is_valid():
            if action == "confirm":
                twofactor.device_confirm(request=request, device=device)
                messages.success(request, _("Two-factor authentication is on. The next login asks for a code."))
                return redirect(twofactor.safe_next(request, reverse("two_factor")))
            twofactor.devices_remove(request=request)
            messages.success(request, _("Two-factor authentication is off."))
            return redirect(reverse("two_factor"))
        status = 400
    elif request.method == "POST":
        status = 400
    context = {
        "confirmed": confirmed,
        "pending": pending,
        "form": form or twofactor.CodeForm(device=confirmed or pending),
        "qr_svg": twofactor.qr_code_svg(pending) if pending else "",
        "secret": twofactor.secret_for_typing(pending) if pending else "",
        "required": request.user.is_authenticated and twofactor.pending_step(request) == "set_up",
        "next": twofactor.safe_next(request, ""),
    }
    return render(request, "registration/two_factor.html", context, status=status)
