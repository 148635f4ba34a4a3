"""Answer an access request: everything about one contact person or one organisation as one ZIP file."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from companies.models import Company, Contact
from privacy import exports


class Command(BaseCommand):
    help = (
        "Write everything the portal holds about one contact person (--contact ID) or one organisation "
        "(--organisation ID) into one ZIP: data.html to read, data.json for a machine."
    )

    def add_arguments(self, parser):
        who = parser.add_mutually_exclusive_group(required=True)
        who.add_argument("--contact", type=int, help="The contact person's id.")
        who.add_argument("--organisation", type=int, help="The organisation's id.")
        parser.add_argument("-o", "--output", help="The file to write; by default a dated name in this folder.")
        parser.add_argument("--language", default="fi", choices=["fi", "sv", "en"], help="Language of data.html.")

    def handle(self, *args, contact=None, organisation=None, output=None, language="fi", **options):
        with translation.override(language):
            if contact is not None:
                person = Contact.objects.select_related("company").filter(pk=contact).first()
                if person is None:
                    raise CommandError(f"No contact person with the id {contact}.")
                filename, data = exports.personal_data_export(contact=person)
            else:
                company = Company.objects.filter(pk=organisation).first()
                if company is None:
                    raise CommandError(f"No organisation with the id {organisation}.")
                filename, data = exports.personal_data_export(company=company)
        path = Path(output or filename)
        try:
            path.write_bytes(data)
        except OSError as error:
            raise CommandError(f"Cannot write {path}: {error.strerror}.") from None
        path.chmod(0o600)  # it holds personal data
        self.stdout.write(self.style.SUCCESS(f"Wrote {path} ({len(data)} bytes)."))
