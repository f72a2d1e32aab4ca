"""An import batch's state is one field with its transitions, instead of `dry_run` (which also
meant "waiting for confirmation"), the free string `in_progress` and three outcomes that were
states ("pending", "running", "expired"). Existing batches get the state they were in."""

from django.db import migrations, models

STATE_CHOICES = [
    ("uploaded", "uploaded, not previewed yet"),
    ("previewing", "preview running"),
    ("waiting", "waiting for confirmation"),
    ("running", "running"),
    ("done", "finished"),
    ("failed", "stopped by a fault"),
    ("expired", "expired"),
]
OUTCOME_CHOICES = [
    ("", "not run yet"),
    ("succeeded", "imported"),
    ("partial", "imported, invalid rows skipped"),
    ("failed", "refused: rows with errors"),
    ("file_error", "refused: the whole file"),
]
STATE_OUTCOMES = {"pending", "running", "expired", "dry_run"}


def state_of(batch) -> str:
    if batch.in_progress == "preview":
        return "previewing"
    if batch.in_progress == "import":
        return "running"
    if batch.outcome == "expired":
        return "expired"
    if not batch.dry_run:
        return "running" if batch.outcome == "running" else "done"
    if (batch.report or {}).get("failure"):
        return "failed"
    return "waiting" if batch.finished_at else "uploaded"


def forwards(apps, schema_editor):
    ImportBatch = apps.get_model("unions", "ImportBatch")
    for batch in ImportBatch.objects.only(
        "pk", "in_progress", "outcome", "dry_run", "report", "finished_at"
    ).iterator():
        batch.state = state_of(batch)
        if batch.outcome in STATE_OUTCOMES:
            batch.outcome = ""
        batch.save(update_fields=["state", "outcome"])


def backwards(apps, schema_editor):
    ImportBatch = apps.get_model("unions", "ImportBatch")
    for batch in ImportBatch.objects.only("pk", "state", "outcome").iterator():
        batch.dry_run = batch.state not in ("running", "done")
        batch.in_progress = {"previewing": "preview", "running": "import"}.get(batch.state, "")
        if batch.state in ("expired", "running"):
            batch.outcome = batch.state
        elif not batch.outcome:
            batch.outcome = "pending"
        batch.save(update_fields=["dry_run", "in_progress", "outcome"])


class Migration(migrations.Migration):
    dependencies = [
        ("unions", "0012_add_second_factor_enrolment"),
    ]

    operations = [
        migrations.AddField(
            model_name="importbatch",
            name="state",
            field=models.CharField(
                choices=STATE_CHOICES, default="running", max_length=12, verbose_name="state"
            ),
        ),
        migrations.AlterField(
            model_name="importbatch",
            name="outcome",
            field=models.CharField(
                blank=True,
                choices=OUTCOME_CHOICES,
                default="pending",
                max_length=20,
                verbose_name="outcome",
            ),
        ),
        migrations.RunPython(forwards, backwards),
        migrations.AlterField(
            model_name="importbatch",
            name="outcome",
            field=models.CharField(
                blank=True, choices=OUTCOME_CHOICES, max_length=20, verbose_name="outcome"
            ),
        ),
        migrations.RemoveField(model_name="importbatch", name="dry_run"),
        migrations.RemoveField(model_name="importbatch", name="in_progress"),
        migrations.AlterField(
            model_name="importbatch",
            name="kind",
            field=models.CharField(max_length=20, verbose_name="kind"),
        ),
    ]
