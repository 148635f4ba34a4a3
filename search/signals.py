"""Keeps the search index in step with the records, in the same transaction as the write.

The index is a copy of the records' texts, not business logic: receivers catch every way a record is written (the
portal's services, the admin, imports) where calls from each service would miss some. Bulk writes send no model signals:
the survey sends `surveys.signals.answers_written` for a page's answers, the privacy erasure (above this app)
calls search.services itself, and `manage.py search_rebuild` rebuilds everything.
"""

from collections.abc import Callable

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete

from companies.models import Company, Contact, Tenancy
from reports.models import DevelopmentPlan
from surveys.models import Answer, Response
from surveys.signals import answers_written
from workforce.models import WorkforceNeed
from workshops.models import Attachment, Finding, Goal, Interview, Measure, Participation, Workshop

from . import indexing
from .models import Entry

Kind = Entry.Kind

# A saved or deleted record of these models is its own entry.
OWN_ENTRY = {
    Company: Kind.ORGANISATIONS,
    Contact: Kind.CONTACTS,
    Interview: Kind.INTERVIEWS,
    Workshop: Kind.WORKSHOPS,
    Finding: Kind.FINDINGS,
    Measure: Kind.MEASURES,
    DevelopmentPlan: Kind.PLAN,
    WorkforceNeed: Kind.WORKFORCE,
    Attachment: Kind.ATTACHMENTS,
}

# Many-to-many fields whose change alters the entry of the model that declares them.
M2M_FIELDS = {
    Interview: ("companies", "contacts", "themes"),
    Workshop: ("themes", "invited_companies"),
    Finding: ("themes",),
    Measure: ("themes",),
}


def _own_saved(sender, instance, raw=False, **kwargs):
    if raw:  # loaddata: the fixtures are loaded as they are; search_rebuild follows
        return
    indexing.index(OWN_ENTRY[sender], [instance.pk])


def _own_deleted(sender, instance, **kwargs):
    indexing.unindex(OWN_ENTRY[sender], [instance.pk])


def _company_saved(sender, instance, raw=False, **kwargs):
    # The entries of its contacts, interviews, workforce needs and answers carry the organisation's name.
    if not raw:
        indexing.index(Kind.CONTACTS, instance.contacts.values_list("pk", flat=True))
        indexing.index(Kind.INTERVIEWS, instance.interviews.values_list("pk", flat=True))
        indexing.index(Kind.WORKFORCE, instance.workforce_needs.values_list("pk", flat=True))
        answers = Answer.objects.filter(response__company=instance)
        indexing.index(
            Kind.ANSWERS,
            Entry.objects.filter(kind=Kind.ANSWERS, object_id__in=answers.values("pk")).values_list(
                "object_id", flat=True
            ),
        )


def _contact_saved(sender, instance, raw=False, **kwargs):
    # Workshops and interviews list the people who took part.
    if not raw:
        indexing.index(Kind.WORKSHOPS, instance.participations.values_list("workshop_id", flat=True))
        indexing.index(Kind.INTERVIEWS, instance.interviews.values_list("pk", flat=True))


def _tenancy_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        indexing.index(Kind.ORGANISATIONS, [instance.company_id])
        indexing.index(
            Kind.CONTACTS, Contact.objects.filter(company_id=instance.company_id).values_list("pk", flat=True)
        )


def _participation_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        indexing.index(Kind.WORKSHOPS, [instance.workshop_id])


def _goal_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        indexing.index(Kind.PLAN, [instance.plan_id])


def _response_deleted(sender, instance, **kwargs):
    indexing.unindex(Kind.ANSWERS, instance.answers.values_list("pk", flat=True))


def _m2m_receiver(model):
    kind = OWN_ENTRY[model]

    def changed(sender, instance, action, reverse, pk_set, **kwargs):
        if not action.startswith("post_"):
            return
        if not reverse:
            indexing.index(kind, [instance.pk])
        elif pk_set:
            indexing.index(kind, pk_set)

    return changed


_receivers: list[Callable[..., None]] = []  # kept alive: the signals hold their receivers weakly


def _answers_written(sender, answer_ids, **kwargs) -> None:
    indexing.index(Kind.ANSWERS, answer_ids)


def connect() -> None:
    """Connect the receivers (from SearchConfig.ready)."""
    for model in OWN_ENTRY:
        post_save.connect(_own_saved, sender=model, dispatch_uid=f"search-save-{model._meta.label}")
        post_delete.connect(_own_deleted, sender=model, dispatch_uid=f"search-delete-{model._meta.label}")
    post_save.connect(_company_saved, sender=Company, dispatch_uid="search-company-contacts")
    post_save.connect(_contact_saved, sender=Contact, dispatch_uid="search-contact-meetings")
    for signal in (post_save, post_delete):
        signal.connect(_tenancy_changed, sender=Tenancy, dispatch_uid=f"search-tenancy-{signal is post_save}")
        signal.connect(
            _participation_changed, sender=Participation, dispatch_uid=f"search-participation-{signal is post_save}"
        )
        signal.connect(_goal_changed, sender=Goal, dispatch_uid=f"search-goal-{signal is post_save}")
    pre_delete.connect(_response_deleted, sender=Response, dispatch_uid="search-response-answers")
    answers_written.connect(_answers_written, dispatch_uid="search-answers-written")
    for model, names in M2M_FIELDS.items():
        receiver = _m2m_receiver(model)
        _receivers.append(receiver)
        for name in names:
            through = getattr(model, name).through
            m2m_changed.connect(receiver, sender=through, dispatch_uid=f"search-m2m-{model._meta.label}-{name}")
