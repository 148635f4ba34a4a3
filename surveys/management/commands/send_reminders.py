"""Send today's reminders of one survey by hand, or with --force to every organisation that has not submitted."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from surveys import invitations
from surveys.invitations import ReminderOutcome
from surveys.models import Survey


class Command(BaseCommand):
    help = (
        "Queue the reminders due today for the survey: to invited organisations that have not submitted, "
        "on the survey's reminder days. --force sends today regardless of the day; never after the deadline, "
        "and at most once a day per organisation."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug", help="The survey's slug.")
        parser.add_argument(
            "--force", action="store_true", help="Remind every invited non-submitter today, even if not a reminder day."
        )

    def handle(self, *args, slug, force=False, **options):
        survey = Survey.objects.filter(slug=slug).first()
        if survey is None:
            raise CommandError(f"No survey with the slug “{slug}”.")
        now = timezone.now()
        if survey.has_closed(now):
            raise CommandError(f"The survey “{survey}” has closed; no reminders were sent.")
        if not survey.has_opened(now):
            raise CommandError(f"The survey “{survey}” has not opened yet; no reminders were sent.")

        day = survey.days_to_deadline(now)
        if force:
            responses = invitations.reminder_candidates(survey=survey)
        else:
            responses = invitations.reminders_due(survey=survey, now=now)
            if day not in survey.reminder_days:
                days = ", ".join(str(d) for d in survey.reminder_days) or "none"
                self.stdout.write(
                    f"Today ({day} days before the deadline) is not a reminder day of “{survey}” "
                    f"(reminder days: {days}). Use --force to send anyway."
                )
                return

        outcomes = [
            invitations.reminder_send(survey=survey, company=response.company, now=now) for response in responses
        ]
        queued = outcomes.count(ReminderOutcome.QUEUED)
        self.stdout.write(
            self.style.SUCCESS(f"Queued {queued} reminder(s) for “{survey}” ({day} days before the deadline).")
        )
        already = outcomes.count(ReminderOutcome.ALREADY_SENT)
        if already:
            self.stdout.write(f"{already} organisation(s) already had today's reminder.")
        no_email = outcomes.count(ReminderOutcome.NO_EMAIL)
        if no_email:
            self.stdout.write(self.style.WARNING(f"{no_email} organisation(s) have no contact with an e-mail address."))
