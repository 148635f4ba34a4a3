"""The plan's goals now live in workshops (its migration 0005 takes over the model); state only, the table stays."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("reports", "0004_build_word_edition"),
        ("workshops", "0005_goal_from_reports"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="Goal")],
            database_operations=[],
        ),
    ]
