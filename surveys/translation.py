"""Texts a respondent reads, in fi, sv and en (django-modeltranslation); Finnish is the fallback."""

from modeltranslation.translator import TranslationOptions, register

from .models import Choice, Question, Section, Survey


@register(Survey)
class SurveyTranslation(TranslationOptions):
    fields = ("title", "introduction", "thank_you_text")


@register(Section)
class SectionTranslation(TranslationOptions):
    fields = ("title", "description")


@register(Question)
class QuestionTranslation(TranslationOptions):
    fields = ("text", "help_text", "scale_min_label", "scale_max_label")


@register(Choice)
class ChoiceTranslation(TranslationOptions):
    fields = ("label",)
