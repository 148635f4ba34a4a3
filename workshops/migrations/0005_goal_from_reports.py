"""The plan's goals move here from reports, beside the measures tied to them: state only, the table
(reports_goal) and its rows stay where they are. Its content type moves too, so the permissions and the admin log
that name it keep pointing at it."""

import django.db.models.deletion
from django.db import migrations, models


def move_content_type(apps, schema_editor, *, old: str, new: str) -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ContentType.objects.filter(app_label=new, model="goal").exists():
        ContentType.objects.filter(app_label=old, model="goal").update(app_label=new)


def forwards(apps, schema_editor) -> None:
    move_content_type(apps, schema_editor, old="reports", new="workshops")


def backwards(apps, schema_editor) -> None:
    move_content_type(apps, schema_editor, old="workshops", new="reports")


class Migration(migrations.Migration):

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("reports", "0004_build_word_edition"),
        ("workshops", "0004_finding_measure_translations"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Goal",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("order", models.PositiveSmallIntegerField(default=0, verbose_name="order")),
                        ("title", models.CharField(max_length=300, verbose_name="goal")),
                        ("title_fi", models.CharField(max_length=300, null=True, verbose_name="goal")),
                        ("title_sv", models.CharField(max_length=300, null=True, verbose_name="goal")),
                        ("title_en", models.CharField(max_length=300, null=True, verbose_name="goal")),
                        ("description", models.TextField(blank=True, help_text="Markdown.", verbose_name="description")),
                        ("description_fi", models.TextField(blank=True, help_text="Markdown.", null=True, verbose_name="description")),
                        ("description_sv", models.TextField(blank=True, help_text="Markdown.", null=True, verbose_name="description")),
                        ("description_en", models.TextField(blank=True, help_text="Markdown.", null=True, verbose_name="description")),
                        ("plan", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="goals", to="reports.developmentplan", verbose_name="plan")),
                    ],
                    options={
                        "verbose_name": "goal",
                        "verbose_name_plural": "goals",
                        "db_table": "reports_goal",
                        "ordering": ["plan", "order", "pk"],
                    },
                ),
                migrations.AlterField(
                    model_name="historicalmeasure",
                    name="goal",
                    field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name="+", to="workshops.goal", verbose_name="goal of the plan"),
                ),
                migrations.AlterField(
                    model_name="measure",
                    name="goal",
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="measures", to="workshops.goal", verbose_name="goal of the plan"),
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(forwards, backwards),
    ]
