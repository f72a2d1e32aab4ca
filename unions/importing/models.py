"""Import batches: one record of every run of an import, successful or not, and its states.

A batch follows one run from start to end. A run of the command starts `running` and ends
`done`. A browser upload starts `uploaded`; its preview runs (`previewing`) and waits for the
user (`waiting`); the confirmed run (`running`) ends `done`. A step that crashed leaves it
`failed` (its preview may be run again); an upload nobody confirms, or a step stuck past the
uploads' time to live, is ended by `purge_import_uploads`. `TRANSITIONS` is the one place that
says which move is allowed, and `ImportBatchQuerySet.move` makes it, once, even when two
requests or a request and the worker race for it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from unions.access.scope import ScopedQuerySet, ScopePaths, access_for
from unions.organisations.models import UpperUnion
from unions.territory.models import AdministrativeUnit


class State(models.TextChoices):
    UPLOADED = "uploaded", _("uploaded, not previewed yet")
    PREVIEWING = "previewing", _("preview running")
    WAITING = "waiting", _("waiting for confirmation")
    RUNNING = "running", _("running")
    DONE = "done", _("finished")
    FAILED = "failed", _("stopped by a fault")
    EXPIRED = "expired", _("expired")


# From each state, the states a batch may move to; every other move is refused.
TRANSITIONS: dict[str, frozenset[str]] = {
    State.UPLOADED: frozenset({State.PREVIEWING, State.EXPIRED}),
    # A step still working past the uploads' time to live died with its process: it expires.
    State.PREVIEWING: frozenset({State.WAITING, State.FAILED, State.EXPIRED}),
    State.WAITING: frozenset({State.PREVIEWING, State.RUNNING, State.EXPIRED}),
    State.RUNNING: frozenset({State.DONE, State.FAILED, State.EXPIRED}),
    State.FAILED: frozenset({State.PREVIEWING, State.EXPIRED}),
    State.DONE: frozenset(),
    State.EXPIRED: frozenset(),
}
# States in which a step works on the batch, and the uploads still waiting for their user.
WORKING = frozenset({State.PREVIEWING, State.RUNNING})
UPLOADS = frozenset({State.UPLOADED, State.WAITING, State.FAILED})
# The states of an upload that never became the record of an import.
UPLOAD_STATES = UPLOADS | {State.PREVIEWING, State.EXPIRED}
# The step of the browser flow that runs in each working state.
STEP_OF_STATE = {State.PREVIEWING: "preview", State.RUNNING: "import"}


def sources_of(state: str) -> list[str]:
    """The states a batch may move to `state` from."""
    return sorted(source for source, targets in TRANSITIONS.items() if state in targets)


class ImportBatchQuerySet(ScopedQuerySet):
    scope_paths = ScopePaths(district="district", managing_union="upper_union")

    def move(self, pk: int, to: str, *, only_from: frozenset[str] | None = None, **fields) -> bool:
        """Move one batch to the state `to` if it is in a state allowed to move there (and in
        `only_from`, when given), setting `fields` too; False when it was not.

        One conditional UPDATE: of two callers racing for the same move, one wins.
        """
        sources = set(sources_of(to))
        if only_from is not None:
            sources &= set(only_from)
        return bool(self.filter(pk=pk, state__in=sources).update(state=to, **fields))

    def reports_for(self, user) -> ImportBatchQuerySet:
        """The batches whose reports (file names, rows, national IDs) a user may read: staff
        who may write, in their scope, and an upload not yet imported only by its uploader
        (and provincial admins).

        The import screens and the admin both read batches through this.
        """
        access = access_for(user)
        if not access.can_write:
            return self.none()
        scoped = self.for_user(user)
        if access.is_province_admin:
            return scoped
        return scoped.exclude(models.Q(state__in=UPLOAD_STATES) & ~models.Q(user_id=user.pk))

    def records(self) -> ImportBatchQuerySet:
        """The history: runs that started writing, not uploads still waiting."""
        return self.filter(state__in=[State.RUNNING, State.DONE])

    def waiting_uploads(self) -> ImportBatchQuerySet:
        return self.filter(state__in=UPLOADS).exclude(stored_file="")


class ImportBatch(models.Model):
    """One run of an import, successful or not, with what it did."""

    State = State

    class Outcome(models.TextChoices):
        """What the run found (for a waiting upload, what its preview found)."""

        NONE = "", _("not run yet")
        SUCCEEDED = "succeeded", _("imported")
        PARTIAL = "partial", _("imported, invalid rows skipped")
        FAILED = "failed", _("refused: rows with errors")
        # Unreadable, or refused by the database: the batch's message says which.
        FILE_ERROR = "file_error", _("refused: the whole file")

    # A registered kind of import (`unions.importing.registry`): kinds are not a closed list.
    kind = models.CharField(_("kind"), max_length=20)
    file_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="import_batches",
    )
    district = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("district"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The importing user's district, for scoping the history of batches."),
    )
    upper_union = models.ForeignKey(
        UpperUnion,
        verbose_name=_("upper union"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    state = models.CharField(_("state"), max_length=12, choices=State, default=State.RUNNING)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome, blank=True)
    skip_errors = models.BooleanField(_("skip invalid rows"), default=False)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    created = models.PositiveIntegerField(_("created"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    skipped = models.PositiveIntegerField(_("skipped"), default=0)
    error_count = models.PositiveIntegerField(_("errors"), default=0)
    warning_count = models.PositiveIntegerField(_("warnings"), default=0)
    report = models.JSONField(_("report"), default=dict, blank=True)
    stored_file = models.CharField(max_length=255, blank=True, editable=False)
    # The browser flow (unions.web.views): the sheet the user chose, the rows counted at upload (the
    # progress bar's 100%), and the background task working on the upload, if any.
    sheet = models.CharField(_("sheet"), max_length=255, blank=True)
    total_rows = models.PositiveIntegerField(_("rows in the file"), default=0)
    task_id = models.CharField(max_length=64, blank=True, editable=False)

    objects = ImportBatchQuerySet.as_manager()

    class Meta:
        verbose_name = _("import batch")
        verbose_name_plural = _("import batches")
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["kind", "sha256", "outcome"])]

    def __str__(self) -> str:
        return f"{self.kind_label} · {self.file_name}"

    @property
    def kind_label(self) -> str:
        from unions.importing.registry import label_of

        return label_of(self.kind)

    @property
    def status_label(self) -> str:
        """What to call the batch in lists: its outcome once done, else its state."""
        if self.state == State.DONE:
            return self.get_outcome_display()
        return self.get_state_display()

    @property
    def is_upload(self) -> bool:
        """An upload that never became the record of an import: waiting, previewing, expired."""
        return self.state in UPLOAD_STATES

    @property
    def is_working(self) -> bool:
        return self.state in WORKING
