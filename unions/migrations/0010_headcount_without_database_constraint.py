"""Headcount keeps no database constraint on its enterprise: a log, checked by the ORM."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('unions', '0009_import_batch_file_error_label'),
    ]

    operations = [
        migrations.AlterField(
            model_name='headcount',
            name='enterprise',
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='headcounts', to='unions.enterprise', verbose_name='enterprise'),
        ),
    ]
