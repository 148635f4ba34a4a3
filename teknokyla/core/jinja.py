"""The Jinja2 environment of the templates in `jinja2/`: the survey's question markup, drawn on every survey page.

Its output is the output Django's template language would give for the same template: every `{{ value }}` is
localised and escaped as Django does (`'` as `&#x27;`, a value marked safe left alone; Jinja's own autoescaping is
off, see `environment`), `join` escapes the items the same way, and a template keeps its last newline. The page
around the questions stays a Django template; a Django tag (`survey_question`, in the surveys app) renders the
question with this environment.

Texts are translated with `{{ _("…") }}`, which `makemessages` reads in these templates as in Django's. A text with
values is `{{ _("Row %(number)s: %(problem)s")|interpolate(number=…, problem=…) }}`, as `{% blocktranslate %}`
does: the values are escaped, the translation is not.
"""

import html
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import template_localtime  # type: ignore[attr-defined]  # not in the stubs
from django.utils.translation import gettext, pgettext

from jinja2 import Environment

from .templatetags.portal_tags import table_region


def rendered(value: Any) -> str:
    """A `{{ value }}` as Django's templates write it: in local time, localised, escaped unless marked safe."""
    # Most values are plain texts: escaped as django.utils.html.escape does, without its checks for lazy texts.
    if type(value) is str:
        return html.escape(value)
    if hasattr(value, "__html__"):
        return value.__html__()
    return conditional_escape(localize(template_localtime(value, use_tz=settings.USE_TZ)))


def join(values: Iterable[Any], separator: str = "") -> SafeString:
    """Django's `join` filter: each item escaped as above (the separator too), the result safe."""
    return mark_safe(conditional_escape(separator).join(rendered(value) for value in values))  # noqa: S308 - escaped


def select_options(choices: Iterable[tuple[Any, Any]], chosen: Any) -> SafeString:
    """The `<option>` elements of a select, one after another: each value and label written as above, the one whose
    value equals `chosen` marked selected. A loop in the template does the same, several times slower."""
    return mark_safe(  # noqa: S308 - every value and label escaped
        "".join(
            f'<option value="{rendered(value)}"{" selected" if value == chosen else ""}>{rendered(label)}</option>'
            for value, label in choices
        )
    )


def default_if_none(value: Any, default: Any) -> Any:
    return default if value is None else value


def interpolate(message: str, **values: Any) -> SafeString:
    """A translated text with named values, as `{% blocktranslate %}` gives it: the values escaped, the text not."""
    return mark_safe(message % {name: rendered(value) for name, value in values.items()})  # noqa: S308 - as above


def region(content: str, label: str = "") -> SafeString:
    """`{% filter table_region %}`: the block's output is markup already (see `environment`)."""
    return table_region(mark_safe(content), label)  # noqa: S308 - template output, its values escaped


def environment(**options: Any) -> Environment:
    # Every `{{ … }}` passes through `rendered`, which escapes it as Django does. Jinja's own autoescaping is off
    # so that nothing is escaped twice, and because it would build a Markup object for every value it writes: a
    # third of the time of a question. Blocks of template text are markup and are written as they are.
    options.update(autoescape=False, keep_trailing_newline=True)
    env = Environment(finalize=rendered, **options)  # noqa: S701 - `rendered` escapes every value
    env.globals.update(_=gettext, pgettext=pgettext, select_options=select_options)
    env.filters.update(join=join, interpolate=interpolate, default_if_none=default_if_none, table_region=region)
    return env
