"""factory_boy factories for the portal's models."""

import datetime

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from companies.demo import demo_business_id
from companies.models import Building, Company, Contact, Premises, Tenancy


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@digipolis.example")
    password = factory.django.Password("correct horse battery staple")

    @factory.post_generation
    def groups(self, create, names, **kwargs):
        for name in names or []:
            self.groups.add(Group.objects.get(name=name))


class BuildingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Building
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Building {n}")
    slug = factory.LazyAttribute(lambda b: b.name.lower().replace(" ", "-"))
    street_address = "Tietokatu"


class PremisesFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Premises

    building = factory.SubFactory(BuildingFactory)
    code = factory.Sequence(lambda n: f"R{n:03d}")
    floor = 1
    area_m2 = 50


class CompanyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Company

    name = factory.Sequence(lambda n: f"Test Company {n} Oy")
    business_id = factory.Sequence(lambda n: demo_business_id(10_000 + n))
    industry_code = "62010"
    industry_section = "J"
    customer_since = 2010


class TenancyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tenancy

    company = factory.SubFactory(CompanyFactory)
    premises = factory.SubFactory(PremisesFactory)
    start_date = datetime.date(2020, 1, 1)


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    company = factory.SubFactory(CompanyFactory)
    name = factory.Sequence(lambda n: f"Contact Person {n}")
    email = factory.Sequence(lambda n: f"contact{n}@company.example")
    language = "fi"


# Surveys --------------------------------------------------------------------


class SurveyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "surveys.Survey"

    title = factory.Sequence(lambda n: f"Survey {n}")
    slug = factory.Sequence(lambda n: f"survey-{n}")
    opens_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=10))
    closes_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=20))


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "surveys.Section"

    survey = factory.SubFactory(SurveyFactory)
    order = factory.Sequence(lambda n: n)
    title = factory.Sequence(lambda n: f"Page {n}")


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "surveys.Question"

    section = factory.SubFactory(SectionFactory)
    order = factory.Sequence(lambda n: n)
    code = factory.Sequence(lambda n: f"q{n}")
    text = factory.Sequence(lambda n: f"Question {n}?")
    type = "short_text"


class ChoiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "surveys.Choice"

    question = factory.SubFactory(QuestionFactory, type="single_choice")
    order = factory.Sequence(lambda n: n)
    value = factory.Sequence(lambda n: f"c{n}")
    label = factory.Sequence(lambda n: f"Choice {n}")


class ResponseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "surveys.Response"

    survey = factory.SubFactory(SurveyFactory)
    company = factory.SubFactory(CompanyFactory)


# Workshops ------------------------------------------------------------------


class ThemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "workshops.Theme"
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Theme {n}")
    slug = factory.Sequence(lambda n: f"theme-{n}")


class InterviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "workshops.Interview"

    held_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=3))
    place_text = "Kosmos, neuvotteluhuone"
    notes = "Yritys kertoi kasvusuunnitelmistaan."


class WorkshopFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "workshops.Workshop"

    title = factory.Sequence(lambda n: f"Workshop {n}")
    held_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=7))
    place_text = "Compus"


class FindingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "workshops.Finding"

    text = factory.Sequence(lambda n: f"Finding number {n}.")
    kind = "need"
    importance = 2


class MeasureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "workshops.Measure"

    title = factory.Sequence(lambda n: f"Measure {n}")
    start_quarter = "2026-Q1"
    end_quarter = "2026-Q4"
