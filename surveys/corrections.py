"""Staff acting on an organisation's behalf: correcting a page, reopening a submitted response, submitting it.

A correction goes through the company's own page save (surveys.services.page_save) with the same form and the
same version rule. Every write here records the staff member and the reason in the history.
"""

from django.db import transaction
from django.utils import timezone

from .models import Response, Section
from .questions import response_submitted
from .services import PageResult, StaffEdit, SubmitResult, first_incomplete_section, page_save


def answer_correct(*, response: Response, section: Section, data, user, reason: str) -> PageResult:
    """Save one page of the response as staff, validated as the company's save, with the reason in the history."""
    return page_save(response=response, section=section, data=data, staff_edit=StaffEdit(user, reason))


def _save_status(locked: Response, *, user, reason: str, fields: list[str]) -> None:
    # simple-history reads the user and the reason from the instance when it writes the history row.
    locked._history_user = user
    locked._change_reason = reason
    locked.save(update_fields=fields)


def response_reopen(*, response: Response, user, reason: str) -> bool:
    """Take a submitted response back to a draft, so that the company can change it and submit again.

    False when it was not submitted (a second click, or another staff member was first).
    """
    with transaction.atomic():
        locked = Response.objects.select_for_update().get(pk=response.pk)
        if locked.submitted_at is None:
            return False
        locked.submitted_at = None
        _save_status(locked, user=user, reason=reason, fields=["submitted_at"])
    response.submitted_at = None
    return True


def response_submit_on_behalf(*, response: Response, user, reason: str, now=None) -> SubmitResult:
    """Mark the response submitted for the company (answers taken by phone), if every required answer is there.

    No confirmation mail goes to the company: staff submitted, and tell the company themselves.
    """
    now = now or timezone.now()
    with transaction.atomic():
        locked = Response.objects.select_for_update().get(pk=response.pk)
        if locked.submitted_at is not None:
            response.submitted_at = locked.submitted_at
            return SubmitResult("already")
        section = first_incomplete_section(response)
        if section is not None:
            return SubmitResult("incomplete", section)
        locked.submitted_at = now
        _save_status(locked, user=user, reason=reason, fields=["submitted_at"])
        response.submitted_at = now
        # As on the company's own submit: what the types make of it (a table's rows become workforce needs).
        response_submitted(response=response)
    return SubmitResult("submitted")
