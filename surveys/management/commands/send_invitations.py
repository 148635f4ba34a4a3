"""Send a survey's invitation links by e-mail, or print fresh links to hand out by hand."""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.fi import ytunnus

from companies.models import Company
from surveys import invitations
from surveys.mail import HELSINKI
from surveys.models import Invitation, Survey


class Command(BaseCommand):
    help = (
        "Send the survey's invitations to every active organisation not yet invited (or to one, with --company); "
        "organisations already invited or submitted are skipped unless --resend gives them a new link that replaces "
        "the old one. "
        "With --print-links, create the links without e-mail and print them, one per line: business ID, tab, link."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug", help="The survey's slug.")
        parser.add_argument("--company", metavar="BUSINESS_ID", help="Only the organisation with this Business ID.")
        parser.add_argument(
            "--print-links", action="store_true", help="Create the links now and print them; send no e-mail."
        )
        parser.add_argument(
            "--resend",
            action="store_true",
            help="Also organisations already invited or submitted: a new link that replaces their old one.",
        )

    def handle(self, *args, slug, company=None, print_links=False, resend=False, **options):
        survey = Survey.objects.filter(slug=slug).first()
        if survey is None:
            raise CommandError(f"No survey with the slug “{slug}”.")
        if survey.has_closed():
            closed = timezone.localtime(survey.closes_at, HELSINKI).strftime("%d.%m.%Y %H:%M")
            raise CommandError(f"The survey “{survey}” closed at {closed}; no invitations were sent.")
        companies = self._companies(company)

        if print_links:
            # The same rule as for mail, except that a link to hand out needs no e-mail address.
            plan = invitations.invitation_plan(survey=survey, companies=companies, resend=resend)
            chosen = sorted(
                [*plan.recipients, *plan.skipped[invitations.SkipReason.NO_EMAIL]], key=lambda c: (c.name, c.pk)
            )
            with transaction.atomic():
                lines = []
                for organisation in chosen:
                    if resend:
                        invitations.invitations_revoke(
                            invitations=Invitation.objects.filter(survey=survey, company=organisation)
                        )
                    _invitation, token = invitations.invitation_create(survey=survey, company=organisation)
                    lines.append(f"{organisation.business_id or organisation.name}\t{Invitation.link_for(token)}")
            for line in lines:
                self.stdout.write(line)
            skipped = len(plan.skipped[invitations.SkipReason.INVITED]) + len(
                plan.skipped[invitations.SkipReason.SUBMITTED]
            )
            if skipped:
                self.stderr.write(f"Skipped {skipped} already invited or submitted (--resend for new links).")
            return

        result = invitations.invitations_send(survey=survey, companies=companies, resend=resend)
        self.stdout.write(self.style.SUCCESS(f"Queued invitations to {result.queued} organisation(s) for “{survey}”."))
        for reason, label in (
            (invitations.SkipReason.INVITED, "already invited"),
            (invitations.SkipReason.SUBMITTED, "that have submitted"),
        ):
            if skipped := result.plan.skipped[reason]:
                names = ", ".join(organisation.name for organisation in skipped)
                warning = f"Skipped {len(skipped)} {label} (--resend to mail them): {names}"
                self.stdout.write(self.style.WARNING(warning))
        if result.skipped:
            names = ", ".join(organisation.name for organisation in result.skipped)
            self.stdout.write(
                self.style.WARNING(f"Skipped {len(result.skipped)} without a contact with an e-mail address: {names}")
            )

    def _companies(self, business_id: str | None):
        companies = Company.objects.active().order_by("name", "pk")
        if not business_id:
            return companies
        try:
            business_id = ytunnus.format(ytunnus.validate(business_id))
        except StdnumError:
            raise CommandError(f"“{business_id}” is not a valid Business ID (Y-tunnus), e.g. 2077474-0.") from None
        matching = Company.objects.filter(business_id=business_id)
        if not matching.exists():
            raise CommandError(f"No organisation with the Business ID {business_id}.")
        if not companies.filter(business_id=business_id).exists():
            raise CommandError(f"The organisation with the Business ID {business_id} is not active.")
        return companies.filter(business_id=business_id)
