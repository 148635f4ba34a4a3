"""Production settings: refuse the development secret, pass Django's deploy checks."""

import os
import secrets
import subprocess
import sys

from django.conf import settings

MANAGE = [sys.executable, str(settings.BASE_DIR / "manage.py")]


def _run(*args, **env):
    unset = ("SECRET_KEY", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE", "SITE_URL")
    environment = {k: v for k, v in os.environ.items() if k not in unset}
    environment.update(env)
    return subprocess.run(
        [*MANAGE, *args], env=environment, capture_output=True, text=True, timeout=120, cwd=settings.BASE_DIR
    )


def test_refuses_to_start_without_debug_on_the_development_secret():
    result = _run("check", DEBUG="False")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_refuses_a_short_secret_without_debug():
    result = _run("check", DEBUG="False", SECRET_KEY="short")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_deploy_checks_pass_with_production_settings():
    result = _run(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="False",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="teknokyla.example.fi",
        SITE_URL="https://teknokyla.example.fi",
    )
    assert result.returncode == 0, result.stderr + result.stdout


def test_deploy_checks_refuse_invitation_links_that_lead_nowhere():
    """Without SITE_URL (or with a local or plain-http one) the mailed links would not reach the portal."""
    production = {"DEBUG": "False", "SECRET_KEY": secrets.token_urlsafe(50), "ALLOWED_HOSTS": "teknokyla.example.fi"}
    for site_url in (None, "http://127.0.0.1:8000", "https://localhost", "http://teknokyla.example.fi"):
        env = {**production, **({"SITE_URL": site_url} if site_url else {})}
        result = _run("check", "--deploy", **env)
        assert result.returncode != 0, site_url
        assert "core.E001" in result.stderr and "SITE_URL" in result.stderr, site_url


def test_development_defaults_speak_finnish_in_helsinki_time():
    assert settings.LANGUAGE_CODE == "fi"
    assert [code for code, _ in settings.LANGUAGES] == ["fi", "sv", "en"]
    assert settings.TIME_ZONE == "Europe/Helsinki"
    assert settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
