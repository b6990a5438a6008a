"""A second factor (TOTP) for customs staff, required when STAFF_SECOND_FACTOR_REQUIRED is on.

After the password, an officer or risk admin without a confirmed authenticator registers one
(scanning a QR code); one with an authenticator enters its current code. Until then every way in
refuses the login (`second_factor_missing`):
- pages redirect to the second-factor page (SecondFactorMiddleware; only the login, logout,
  second-factor pages and the language switch are open);
- the API answers 403 `{"code": "second_factor_required"}`, by session as by token
  (customs_portal.api.authentication): a token records whether the staff member gave the code
  when it was issued (the token endpoint asks for `otp`), and one issued without it (before the
  setting was turned on) is refused;
- the live-update WebSocket closes with code 4403 (declarations.consumers).
"""
import base64
from io import BytesIO

import segno
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp import login as otp_login
from django_otp.models import Device
from django_otp.plugins.otp_totp.models import TOTPDevice

# Open to a login that still owes its second factor. The API is not: DRF's authentication
# answers it there (customs_portal.api.authentication), as JSON rather than a redirect.
EXEMPT_URL_NAMES = ("login", "logout", "second-factor")
EXEMPT_PREFIXES = ("/i18n/", "/static/", "/api/")


def second_factor_required(user) -> bool:
    return bool(settings.STAFF_SECOND_FACTOR_REQUIRED and user.is_authenticated
                and (user.is_customs_staff or user.is_superuser))


def second_factor_missing(user, *, verified: bool) -> bool:
    """The user must have given the second factor and this login (session, token) has not."""
    return second_factor_required(user) and not verified


def session_second_factor_verified(*, user, session) -> bool:
    """What django-otp's OTPMiddleware finds for a request, for a session read elsewhere (a WebSocket):
    the session names a confirmed device of this user."""
    persistent_id = session.get(DEVICE_ID_SESSION_KEY)
    device = Device.from_persistent_id(persistent_id) if persistent_id else None
    return device is not None and device.user_id == user.pk and device.confirmed


def totp_verify(*, user, token: str) -> TOTPDevice | None:
    """The confirmed device of `user` that accepts `token`, or None."""
    token = (token or "").strip().replace(" ", "")
    if not token.isdigit():
        return None
    for device in TOTPDevice.objects.devices_for_user(user, confirmed=True):
        if device.verify_token(token):
            return device
    return None


class SecondFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.exempt_paths = None

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (user is not None and second_factor_required(user) and not user.is_verified()
                and not self.exempt(request.path)):
            return redirect(f"{reverse('second-factor')}?next={request.get_full_path()}")
        return self.get_response(request)

    def exempt(self, path: str) -> bool:
        if self.exempt_paths is None:  # the URLconf is not loaded yet when middleware is built
            self.exempt_paths = frozenset(reverse(name) for name in EXEMPT_URL_NAMES)
        return path in self.exempt_paths or path.startswith(EXEMPT_PREFIXES)


def _qr_data_uri(device: TOTPDevice) -> str:
    buffer = BytesIO()
    segno.make(device.config_url, micro=False).save(buffer, kind="svg", scale=5, border=2)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


@login_required
def second_factor(request):
    """Register an authenticator (first time) or enter the current code."""
    user = request.user
    next_url = request.POST.get("next") or request.GET.get("next") or "/"
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = "/"
    if not second_factor_required(user) or user.is_verified():
        return redirect(next_url)
    confirmed = TOTPDevice.objects.devices_for_user(user, confirmed=True).exists()
    device = None
    if not confirmed:
        device = TOTPDevice.objects.filter(user=user, confirmed=False).first() or TOTPDevice.objects.create(
            user=user, name=_("Authenticator"), confirmed=False)
    error = ""
    if request.method == "POST":
        token = request.POST.get("token", "")
        if device is not None and device.verify_token(token.strip().replace(" ", "")):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            return redirect(next_url)
        verified = totp_verify(user=user, token=token) if confirmed else None
        if verified is not None:
            otp_login(request, verified)
            return redirect(next_url)
        error = _("This code is not valid. Enter the 6-digit code your authenticator shows now.")
    context = {"setup": device is not None, "error": error, "next": next_url,
               "qr": _qr_data_uri(device) if device else None,
               "secret": base64.b32encode(device.bin_key).decode() if device else None}
    return render(request, "accounts/second_factor.html", context, status=400 if error else 200)
