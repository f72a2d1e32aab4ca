"""Lighter writes for large imports: see unions 0008 for the measurements."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("referrals", "0002_add_indicator_snapshot"),
        ("unions", "0008_lighter_import_writes"),
    ]

    operations = [
        migrations.AlterField(
            model_name="referral",
            name="last_import_batch",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="unions.importbatch",
                verbose_name="last import",
            ),
        ),
        migrations.AlterField(
            model_name="historicalcommendation",
            name="history_date",
            field=models.DateTimeField(),
        ),
        migrations.AlterField(
            model_name="historicalenrollment",
            name="history_date",
            field=models.DateTimeField(),
        ),
        migrations.AlterField(
            model_name="historicalreferral",
            name="history_date",
            field=models.DateTimeField(),
        ),
        migrations.AlterField(
            model_name="historicaltarget",
            name="history_date",
            field=models.DateTimeField(),
        ),
    ]
