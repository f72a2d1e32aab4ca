"""Abstract bases of the app's records: stored text kept clean, and what imports stamp."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from unions.text import clean_text, fold


class CleanTextModel(models.Model):
    """Keeps text in its stored form (NFC, whitespace collapsed) and the folded search key.

    `text_fields` are cleaned on every save; when `search_source` is set, its folded form is
    kept in `search_key`. Bulk paths (the import engine, seed_demo) apply the same functions.
    """

    text_fields: tuple[str, ...] = ()
    search_source: str | None = None

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        self.clean_text_fields()
        super().save(*args, **kwargs)

    def clean_text_fields(self) -> None:
        for name in self.text_fields:
            setattr(self, name, clean_text(getattr(self, name)))
        if self.search_source:
            self.search_key = fold(getattr(self, self.search_source))


class ImportedRecord(CleanTextModel):
    """A record that imports create and change: the last batch that wrote it, and when."""

    # An audit pointer without a database constraint: checking it cost a tenth of a large
    # import's time, and a batch that wrote rows is never deleted (only dry-run previews are,
    # and they write none). Deleting one through the ORM still sets the pointers to NULL.
    last_import_batch = models.ForeignKey(
        "unions.ImportBatch",
        verbose_name=_("last import"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True
