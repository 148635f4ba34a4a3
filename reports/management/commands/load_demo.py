"""Load the demo data of the whole portal; safe to run again."""

import io
import json
import re
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from companies import demo as companies_demo
from reports import demo as reports_demo
from surveys import demo as surveys_demo
from teknokyla.core.groups import STAFF_GROUP, VIEWER_GROUP
from workforce import demo as workforce_demo
from workshops import demo as workshops_demo

DEMO_USERS = [("staff", STAFF_GROUP, "Demo", "Staff"), ("viewer", VIEWER_GROUP, "Demo", "Viewer")]


class Command(BaseCommand):
    help = (
        "Create the demo registry, the demo survey, demo users (staff, viewer), the demo interviews, workshops, "
        "findings and measures, and a development plan edition; running it again changes nothing."
    )

    def handle(self, *args, **options):
        counts = companies_demo.load_registry()
        self.stdout.write(
            "Demo registry: {buildings} buildings, {premises} premises, "
            "{organisations} organisations, {contacts} contacts.".format(**counts)
        )
        counts = workforce_demo.load_workforce()
        self.stdout.write(
            "Demo workforce: {programmes} programmes, {needs} needs of {companies_with_needs} organisations.".format(
                **counts
            )
        )
        survey = surveys_demo.load_survey()
        counts = surveys_demo.load_demo_responses(survey)
        self.stdout.write(
            "Demo survey: {questions} questions, {invited} invited, {submitted} submitted, {drafts} drafts.".format(
                **counts
            )
        )
        # Users before the workshops: the demo staff member interviews, facilitates and answers for measures.
        passwords = self._users()
        counts = workshops_demo.load_workshops()
        self.stdout.write(
            "Demo workshops: {interviews} interviews, {workshops} workshops, {findings} findings, "
            "{measures} measures, {attachments} attachments.".format(**counts)
        )
        plan = reports_demo.load_plan()
        reports_demo.tie_demo_measures(plan)
        self.stdout.write(f"Demo development plan: {plan.title}, {plan.goals.count()} goals.")
        # The demo answers are written in bulk (no signals): the whole index is written once, at the end, by the
        # search app's own command (that app sits above this one and reads it).
        printed = io.StringIO()
        call_command("search_rebuild", stdout=printed)
        entries = sum(int(count) for count in re.findall(r"^\w+: (\d+)$", printed.getvalue(), re.MULTILINE))
        self.stdout.write(f"Search index: {entries} entries.")
        for username, password in passwords.items():
            self.stdout.write(self.style.SUCCESS(f"Demo login: {username} / {password}"))

    @transaction.atomic
    def _users(self) -> dict[str, str]:
        # Passwords are made once and kept under var/ so later runs print the same ones.
        path = settings.VAR_DIR / "demo-logins.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        passwords = json.loads(path.read_text()) if path.exists() else {}
        User = get_user_model()
        for username, group_name, first, last in DEMO_USERS:
            password = passwords.setdefault(username, secrets.token_urlsafe(12))
            user, created = User.objects.get_or_create(
                username=username, defaults={"first_name": first, "last_name": last, "is_staff": True}
            )
            if created or not user.check_password(password):
                user.set_password(password)
                user.save()
            user.groups.add(Group.objects.get(name=group_name))
        path.write_text(json.dumps(passwords, indent=2))
        path.chmod(0o600)
        return passwords
