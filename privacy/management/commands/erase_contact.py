"""Erase one contact person from every table of the portal, on their request."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from companies.models import Contact
from privacy import services


class Command(BaseCommand):
    help = (
        "Erase a contact person (by id) from the registry, its history, the mail records and every text that copies "
        "their name, e-mail or phone; participations and figures stay. --dry-run prints what would be removed."
    )

    def add_arguments(self, parser):
        parser.add_argument("contact_id", type=int, help="The contact person's id (in the admin's address).")
        parser.add_argument("--dry-run", action="store_true", help="Print what would be removed; change nothing.")

    def handle(self, *args, contact_id, dry_run=False, **options):
        contact = Contact.objects.select_related("company").filter(pk=contact_id).first()
        if contact is None:
            raise CommandError(f"No contact person with the id {contact_id}.")
        if contact.is_erased:
            raise CommandError(f"The contact person {contact_id} was erased already.")
        with translation.override("en"):
            plan = services.contact_erasure_plan(contact=contact)
        self.stdout.write(f"{contact.name} ({contact.company}):")
        self.stdout.write(f"  name, job title, e-mail and phone in the registry; {plan.history_rows} history row(s)")
        self.stdout.write(f"  the record of {plan.invitations} invitation(s) or reminder(s) mailed to them")
        for kind, count in plan.mentions:
            self.stdout.write(f"  the name, e-mail or phone written in {kind}: {count}")
        self.stdout.write(
            f"  kept, anonymised: {plan.participations} workshop participation(s), {plan.interviews} interview(s)"
        )
        if dry_run:
            self.stdout.write("Dry run: nothing was changed.")
            return
        services.contact_erase_everywhere(contact=contact)
        self.stdout.write(self.style.SUCCESS(f"Contact person {contact_id} erased."))
