"""The privacy notice (tietosuojaseloste) of the portal: one row, its texts in fi, sv and en."""

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

    class Meta:
        verbose_name = _("privacy notice")
        verbose_name_plural = _("privacy notice")

    def __str__(self):
        return str(_("Privacy notice"))
