"""The columns of the registry's spreadsheets in one table: the import reads them, the export and templates write them.

Each column has a key (the name used in code and in `line N: column: reason`), a header in the interface language,
the other names people give it in Finnish, Swedish and English, an explanation for the template's help sheet and an
example cell. A header matches a column whatever its case, punctuation or a note in parentheses.
"""

import re
from dataclasses import dataclass
from functools import cache

from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


@dataclass(frozen=True)
class Column:
    key: str
    header: Promise
    help: Promise
    example: str
    aliases: tuple[str, ...] = ()

    def __str__(self):
        return str(self.header)


COLUMNS: tuple[Column, ...] = (
    Column(
        "name",
        pgettext_lazy("import column", "Name"),
        _("Required. The organisation's name as it should show in the registry."),
        "Pohjolan Säätö Oy",
        (
            "nimi",
            "yritys",
            "yrityksen nimi",
            "organisaatio",
            "organisaation nimi",
            "toiminimi",
            "namn",
            "företag",
            "företagets namn",
            "organisation",
            "company",
            "company name",
            "organisation name",
            "organization",
        ),
    ),  # fmt: skip
    Column(
        "business_id",
        pgettext_lazy("import column", "Business ID"),
        _("The Y-tunnus, for example 2077474-0. Organisations are matched by it; by name when it is empty."),
        "2077474-0",
        ("y tunnus", "ytunnus", "yritystunnus", "fo nummer", "fo nr", "business id", "businessid"),
    ),
    Column(
        "kind",
        pgettext_lazy("import column", "Kind"),
        _("Company, educational institution, public body or association. Empty: company."),
        "company",
        ("tyyppi", "laji", "organisaation tyyppi", "typ", "kind", "type"),
    ),
    Column(
        "industry",
        pgettext_lazy("import column", "Industry"),
        _("A TOL 2008 code (for example 71121) or a section letter (A–U)."),
        "71121",
        (
            "toimiala",
            "toimialakoodi",
            "tol",
            "tol 2008",
            "bransch",
            "näringsgren",
            "branschkod",
            "industry",
            "industry code",
        ),
    ),  # fmt: skip
    Column(
        "building",
        pgettext_lazy("import column", "Building"),
        _("A building of the village, for example Kosmos. Give the premises too."),
        "Kosmos",
        ("rakennus", "talo", "byggnad", "building"),
    ),
    Column(
        "premises",
        pgettext_lazy("import column", "Premises"),
        _("The code of the premises in the building, for example K101. A new letting starts today."),
        "K101",
        ("toimitila", "toimitilat", "tila", "tilat", "huone", "lokal", "lokaler", "rum", "premises", "room"),
    ),
    Column(
        "customer_since",
        pgettext_lazy("import column", "Customer since"),
        _("The year the customer relationship began (2019), or its date (1.3.2019 or 2019-03-01): the year is kept."),
        "2019",
        (
            "asiakkuus alkanut",
            "asiakas alkaen",
            "asiakas vuodesta",
            "asiakkaana vuodesta",
            "asiakkuuden alku",
            "kund sedan",
            "kund från",
            "customer since",
            "customer from",
        ),
    ),  # fmt: skip
    Column(
        "website",
        pgettext_lazy("import column", "Website"),
        _("The address of the organisation's website."),
        "https://pohjolansaato.example",
        ("verkkosivut", "verkkosivu", "kotisivu", "kotisivut", "www", "webbplats", "hemsida", "website", "web", "url"),
    ),
    Column(
        "contact_name",
        pgettext_lazy("import column", "Contact"),
        _("A contact person's name. For several contacts, repeat the organisation on a line of its own for each."),
        "Märta Äijälä",
        (
            "yhteyshenkilö",
            "yhteyshenkilön nimi",
            "kontaktperson",
            "kontakt",
            "contact",
            "contact person",
            "contact name",
        ),
    ),  # fmt: skip
    Column(
        "contact_email",
        pgettext_lazy("import column", "Email"),
        _("The contact person's work e-mail address."),
        "marta.aijala@pohjolansaato.example",
        ("sähköposti", "sähköpostiosoite", "s posti", "sposti", "e post", "epost", "email", "e mail", "contact email"),
    ),
    Column(
        "contact_phone",
        pgettext_lazy("import column", "Phone"),
        _("The contact person's phone number, written as text (+358 40 123 4567)."),
        "+358 40 123 4567",
        ("puhelin", "puhelinnumero", "puh", "telefon", "telefonnummer", "tel", "phone", "phone number", "telephone"),
    ),
    Column(
        "contact_language",
        pgettext_lazy("import column", "Language"),
        _("The contact person's language: Finnish, Swedish or English (fi, sv, en). Empty: Finnish."),
        "fi",
        ("kieli", "asiointikieli", "språk", "language", "contact language"),
    ),
)
KEYS: tuple[str, ...] = tuple(column.key for column in COLUMNS)
BY_KEY: dict[str, Column] = {column.key: column for column in COLUMNS}


def normalise_header(text) -> str:
    """A header as compared: lower case, without notes in parentheses, punctuation as spaces."""
    text = re.sub(r"\(.*?\)|\[.*?\]", " ", str(text or "").lower())
    text = re.sub(r"[_\-–.:;*/]+", " ", text)
    return " ".join(text.split())


@cache
def _lookup() -> dict[str, str]:
    lookup: dict[str, str] = {}
    for column in COLUMNS:
        names = {column.key, *column.aliases}
        for language in ("fi", "sv", "en"):
            with translation.override(language):
                names.add(str(column.header))
        for name in names:
            normalised = normalise_header(name)
            if lookup.get(normalised, column.key) != column.key:
                raise ValueError(f"the header {name!r} would name both {lookup[normalised]} and {column.key}")
            lookup[normalised] = column.key
    return lookup


def column_for_header(text) -> str | None:
    """The key of the column a header names, in any of the three languages, or None."""
    return _lookup().get(normalise_header(text))


def header(key: str) -> str:
    """The column's header in the active language."""
    return str(BY_KEY[key].header)


def headers() -> list[str]:
    """Every column's header in the active language, in order."""
    return [str(column.header) for column in COLUMNS]
