"""Lighter writes for large imports, each measured on PostgreSQL 15 with 100,000 new enterprises.

- The enterprise name's trigram index cost 1.4 s of the import (a fifth of the server's work),
  and its two B-tree indexes on the search key 0.4 s. Search matches words anywhere in the key,
  which no B-tree serves, and without the trigram index a search over 100,000 enterprises is a
  20 ms sequential scan; a province has about a tenth of that. Union and member names keep their
  trigram indexes (0002): they are searched more and imported less.
- The tax code's unique index takes pattern operators, which serve equality and prefix searches
  alike: the second, prefix-only index Django builds for ``unique=True`` cost 0.3 s.
- History rows lose the index on their date (``SIMPLE_HISTORY_DATE_INDEX``): history is read per
  record, through the record's id.
- The pointers from imported rows and headcounts to their batch lose their database constraint:
  checking it cost 0.6 s. See ImportedRecord.last_import_batch.
"""

import django.db.models.deletion
from django.db import migrations, models

TRIGRAM_INDEX = "unions_enterprise_search_trgm"


def drop_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {TRIGRAM_INDEX}")


def create_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {TRIGRAM_INDEX} "
            "ON unions_enterprise USING gin (search_key gin_trgm_ops)"
        )


class Migration(migrations.Migration):
    dependencies = [("unions", "0007_drop_redundant_indexes")]

    operations = [
        migrations.RunPython(drop_trigram_index, create_trigram_index),
        migrations.AlterField(
            model_name="enterprise",
            name="last_import_batch",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="unions.importbatch",
                verbose_name="last import",
            ),
        ),
        migrations.AlterField(
            model_name="enterprise",
            name="search_key",
            field=models.CharField(editable=False, max_length=300),
        ),
        migrations.AlterField(
            model_name="grassrootsunion",
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
            model_name="headcount",
            name="batch",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="unions.importbatch",
                verbose_name="import batch",
            ),
        ),
        migrations.AlterField(
            model_name="member",
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
            model_name="enterprise",
            name="tax_code",
            field=models.CharField(max_length=14, verbose_name="tax code"),
        ),
        migrations.AlterField(
            model_name="historicalenterprise",
            name="history_date",
            field=models.DateTimeField(),
        ),
        migrations.AlterField(
            model_name="historicalgrassrootsunion",
            name="history_date",
            field=models.DateTimeField(),
        ),
        migrations.AlterField(
            model_name="historicalmember",
            name="history_date",
            field=models.DateTimeField(),
        ),
        migrations.AddConstraint(
            model_name="enterprise",
            constraint=models.UniqueConstraint(
                fields=("tax_code",),
                name="unique_enterprise_tax_code",
                opclasses=["varchar_pattern_ops"],
            ),
        ),
    ]
