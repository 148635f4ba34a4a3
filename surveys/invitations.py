"""Invitations: a link per company, its token stored only as a hash, one response per company."""

from django.db import transaction

from companies.models import Company

from .models import Invitation, Response, Survey


def response_for(*, survey: Survey, company: Company) -> Response:
    """The company's one response to the survey, made on first need."""
    response, _created = Response.objects.get_or_create(survey=survey, company=company)
    return response


@transaction.atomic
def invitation_create(*, survey: Survey, company: Company, contacts=(), is_reminder: bool = False):
    """A new invitation with a fresh token; returns (invitation, token). The token is not stored."""
    token, token_hash = Invitation.new_token()
    invitation = Invitation.objects.create(
        survey=survey,
        company=company,
        response=response_for(survey=survey, company=company),
        token_hash=token_hash,
        is_reminder=is_reminder,
    )
    if contacts:
        invitation.contacts.set(contacts)
    return invitation, token
