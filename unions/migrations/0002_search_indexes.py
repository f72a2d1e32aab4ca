"""Trigram indexes for diacritic-free search on PostgreSQL; SQLite keeps the plain indexes."""

from django.db import migrations

TABLES = ["unions_enterprise", "unions_grassrootsunion", "unions_member"]


def create_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for table in TABLES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {table}_search_trgm "
            f"ON {table} USING gin (search_key gin_trgm_ops)"
        )


def drop_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {table}_search_trgm")


class Migration(migrations.Migration):
    dependencies = [("unions", "0001_initial")]
    operations = [migrations.RunPython(create_trigram_indexes, drop_trigram_indexes)]
