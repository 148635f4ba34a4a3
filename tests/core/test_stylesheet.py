"""The portal's Bootstrap stylesheet is built with only what the pages use (`make css`); it must keep up with them.

The built file is committed, so the server needs no Node. When a template, a form widget or a script starts using a
Bootstrap class that the built file left out, the page would silently lose that style: these tests fail instead,
naming the class, until `make css` is run again (or the component is imported in `assets/bootstrap.scss`).
"""

import re
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
BUILT = ROOT / "static" / "css" / "bootstrap.min.css"
# Bootstrap's whole stylesheet, as released: the classes Bootstrap offers.
REFERENCE = ROOT / "assets" / "reference" / "bootstrap-5.3.9.min.css"
CLASS_SELECTOR = re.compile(r"\.(-?[A-Za-z_][\w-]*)")
TEMPLATE_TAG = re.compile(r"{%.*?%}|{{.*?}}", re.S)
CLASS_ATTRIBUTE = re.compile(r"""class=["']([^"']*)["']""")
# The same places assets/purgecss.config.cjs reads; Python strings hold form widgets' classes.
PYTHON_SOURCES = (
    "*/*.py",
    "*/views/*.py",
    "*/forms/*.py",
    "*/services/*.py",
    "*/templatetags/*.py",
    "teknokyla/core/*.py",
)


def _classes(css: str) -> set[str]:
    css = re.sub(r"url\([^)]*\)", "", css)
    return {name for name in CLASS_SELECTOR.findall(css) if not name[0].isdigit()}


def _used_in_templates() -> dict[str, str]:
    used = {}
    for path in sorted((ROOT / "templates").rglob("*.html")):
        for attribute in CLASS_ATTRIBUTE.findall(path.read_text()):
            for name in TEMPLATE_TAG.sub(" ", attribute).split():
                used.setdefault(name, str(path.relative_to(ROOT)))
    return used


def _used_in_code() -> dict[str, str]:
    used = {}
    paths = [path for pattern in PYTHON_SOURCES for path in ROOT.glob(pattern) if ".venv" not in path.parts]
    paths += sorted((ROOT / "static" / "js").glob("*.js"))
    for path in paths:
        for string in re.findall(r"""["']([a-z][a-z0-9 -]*)["']""", path.read_text()):
            for name in string.split():
                used.setdefault(name, str(path.relative_to(ROOT)))
    return used


def test_every_bootstrap_class_the_pages_use_is_in_the_built_stylesheet():
    offered = _classes(REFERENCE.read_text())
    built = _classes(BUILT.read_text())
    used = {**_used_in_code(), **_used_in_templates()}
    missing = sorted(f"{name} (in {where})" for name, where in used.items() if name in offered and name not in built)
    assert not missing, "Bootstrap classes left out of static/css/bootstrap.min.css; run `make css`: " + ", ".join(
        missing
    )


def test_built_stylesheet_is_trimmed_and_starts_with_its_licence():
    css = BUILT.read_bytes()
    assert css.startswith(b"/*! Bootstrap v5.3.9 (MIT)")
    assert b"\xef\xbb\xbf" not in css  # a byte-order mark after the banner would break the first rule
    assert len(css) < REFERENCE.stat().st_size / 2
    # Components no page uses are gone; those every page uses are there.
    built = _classes(css.decode())
    assert {"modal", "carousel", "toast", "accordion", "popover", "spinner-border"}.isdisjoint(built)
    assert {"navbar-toggler", "dropdown-menu", "form-control", "table-responsive", "alert-danger"} <= built
