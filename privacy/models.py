"""The privacy notice (tietosuojaseloste) of the portal: one row, its texts in fi, sv and en."""

from typing import TYPE_CHECKING, ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _

MARKDOWN = _("Markdown: blank lines between paragraphs, “- ” at the start of a list item.")


class PrivacyNotice(models.Model):
    """What the portal tells the people in its data; staff keep it current in the admin."""

    controller = models.TextField(_("controller"), help_text=MARKDOWN)
    contact = models.TextField(_("contact in privacy matters"), help_text=MARKDOWN)
    purposes = models.TextField(_("purposes of the processing"), help_text=MARKDOWN)
    legal_basis = models.TextField(_("legal basis"), help_text=MARKDOWN)
    data_collected = models.TextField(_("what data is collected"), help_text=MARKDOWN)
    recipients = models.TextField(_("who sees the data"), help_text=MARKDOWN)
    retention = models.TextField(
        _("how long the data is kept"),
        help_text=_("The page lists each survey's retention date below this text."),
    )
    rights = models.TextField(_("rights of the data subject"), help_text=MARKDOWN)
    supervisory_authority = models.TextField(_("supervisory authority"), help_text=MARKDOWN)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    # The page's sections, in the order a reader expects them.
    SECTIONS = (
        "controller",
        "contact",
        "purposes",
        "legal_basis",
        "data_collected",
        "recipients",
        "retention",
        "rights",
        "supervisory_authority",
    )

    # django-modeltranslation replaces the default manager and adds a column per language at run time.
    objects: ClassVar[models.Manager["PrivacyNotice"]]
    if TYPE_CHECKING:
        _default_manager: ClassVar[models.Manager["PrivacyNotice"]]
        controller_fi: str | None
        controller_sv: str | None
        controller_en: str | None
        contact_fi: str | None
        contact_sv: str | None
        contact_en: str | None
        purposes_fi: str | None
        purposes_sv: str | None
        purposes_en: str | None
        legal_basis_fi: str | None
        legal_basis_sv: str | None
        legal_basis_en: str | None
        data_collected_fi: str | None
        data_collected_sv: str | None
        data_collected_en: str | None
        recipients_fi: str | None
        recipients_sv: str | None
        recipients_en: str | None
        retention_fi: str | None
        retention_sv: str | None
        retention_en: str | None
        rights_fi: str | None
        rights_sv: str | None
        rights_en: str | None
        supervisory_authority_fi: str | None
        supervisory_authority_sv: str | None
        supervisory_authority_en: str | None

    class Meta:
        verbose_name = _("privacy notice")
        verbose_name_plural = _("privacy notice")

    def __str__(self):
        return str(_("Privacy notice"))
