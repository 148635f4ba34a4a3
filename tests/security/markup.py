"""Reading rendered HTML as a browser would: inline scripts, event handlers, inline styles, live markup."""

from dataclasses import dataclass, field
from html.parser import HTMLParser

# <script> blocks of these types are data, never run: Django's json_script writes them.
DATA_SCRIPT_TYPES = {"application/json", "application/ld+json"}


@dataclass
class Inline:
    """What a Content-Security-Policy without 'unsafe-inline' would block in one page."""

    scripts: list[str] = field(default_factory=list)  # inline <script> bodies
    handlers: list[str] = field(default_factory=list)  # on*= attributes, as "tag onx"
    javascript_urls: list[str] = field(default_factory=list)  # href/src/action="javascript:…"
    style_attributes: list[str] = field(default_factory=list)  # style="…", as "tag: value"
    style_elements: int = 0  # <style> blocks


class _InlineParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found = Inline()
        self._script: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        names = dict(attrs)
        for name, value in attrs:
            if name.startswith("on"):
                self.found.handlers.append(f"{tag} {name}")
            if name in ("href", "src", "action", "formaction", "xlink:href") and (
                value or ""
            ).strip().lower().startswith("javascript:"):
                self.found.javascript_urls.append(f"{tag} {name}={value}")
            if name == "style":
                self.found.style_attributes.append(f"{tag}: {value}")
        if tag == "style":
            self.found.style_elements += 1
        if tag == "script" and "src" not in names and (names.get("type") or "").lower() not in DATA_SCRIPT_TYPES:
            self._script = []

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_data(self, data):
        if self._script is not None:
            self._script.append(data)

    def handle_endtag(self, tag):
        if tag == "script" and self._script is not None:
            self.found.scripts.append("".join(self._script).strip()[:200])
            self._script = None


def inline_parts(html: str) -> Inline:
    """The inline scripts, handlers and styles of a page, found by parsing it (escaped text does not count)."""
    parser = _InlineParser()
    parser.feed(html)
    parser.close()
    return parser.found


class _ElementParser(HTMLParser):
    def __init__(self, marker: str):
        super().__init__(convert_charrefs=True)
        self.marker = marker
        self.elements: list[str] = []

    def handle_starttag(self, tag, attrs):
        # Only markup can make a tag or an attribute *name*: escaped text never does.
        if self.marker in tag or any(self.marker in name for name, _value in attrs):
            self.elements.append(f"<{tag} {attrs}>")

    handle_startendtag = handle_starttag


def live_elements(html: str, marker: str) -> list[str]:
    """Elements whose tag or attribute name carries the marker: injected markup that took hold."""
    parser = _ElementParser(marker)
    parser.feed(html)
    parser.close()
    return parser.elements
