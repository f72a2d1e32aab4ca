"""The outcome of a whole-file refusal names no cause: the message says which."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('unions', '0008_lighter_import_writes'),
    ]

    operations = [
        migrations.AlterField(
            model_name='importbatch',
            name='outcome',
            field=models.CharField(choices=[('pending', 'waiting for confirmation'), ('running', 'running'), ('succeeded', 'imported'), ('partial', 'imported, invalid rows skipped'), ('failed', 'refused: rows with errors'), ('file_error', 'refused: the whole file'), ('dry_run', 'preview only'), ('expired', 'expired')], default='pending', max_length=20, verbose_name='outcome'),
        ),
    ]
