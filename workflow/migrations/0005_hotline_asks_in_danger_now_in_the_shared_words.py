"""The hotline asks "in danger now" in the words the concern report and the risk flag use (issue 18)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("workflow", "0004_hotline_signal_is_a_crisis_signal"),
    ]

    operations = [
        migrations.AlterField(
            model_name="hotlineentry",
            name="risk_immediate_danger",
            field=models.BooleanField(default=False, verbose_name="Urgent: the person may be in danger now"),
        ),
    ]
