"""Optimistic locking for the admin's change forms: no silent lost update.

Two people open one enterprise; the second saves a form that changed only the workers, and
without this it would put back the name the first one had just changed. The change page carries
what its editor loaded (the row's `updated_at` and the form's values, signed); a save whose row
has been saved since is refused, naming the fields someone else changed. The refused form keeps
the editor's values and now carries the row as it is: saving again is a decision, not an
accident.
"""

from __future__ import annotations

from django.core import signing
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

__all__ = ["LOADED_FIELD", "StaleEditCheck", "loaded_token", "tracks_edits"]

LOADED_FIELD = "_loaded_version"
_SALT = "unions.admin.stale"


def tracks_edits(model) -> bool:
    """Models stamped on every save, imports included (`ImportedRecord`)."""
    return any(field.name == "updated_at" for field in model._meta.concrete_fields)


def _shown(value: object) -> str:
    if isinstance(value, list | tuple | set):
        return ",".join(sorted(_shown(item) for item in value))
    return "" if value is None else str(getattr(value, "pk", value))


def loaded_token(form) -> str:
    """What the editor of this form sees: the row's version and each field's value."""
    instance = form.instance
    values = {name: _shown(form.initial.get(name)) for name in form.fields}
    return signing.dumps({"at": instance.updated_at.isoformat(), "values": values}, salt=_SALT)


class StaleEditCheck:
    """Mixed into a change form: refuses a save over a row saved since the form was loaded."""

    def clean(self):
        cleaned = super().clean()
        loaded = self._loaded()
        stored = self.instance.updated_at
        if loaded is None or stored is None or stored.isoformat() == loaded["at"]:
            return cleaned
        changed = [
            str(self.fields[name].label or name)
            for name, value in loaded["values"].items()
            if name in self.fields and _shown(self.initial.get(name)) != value
        ]
        raise ValidationError(
            _(
                "Someone saved this record at %(when)s, after you opened it; they changed: "
                "%(fields)s. Your values are below: save again to keep them, or reload the page "
                "to see theirs."
            )
            % {
                "when": timezone.localtime(stored).strftime("%H:%M:%S %d/%m/%Y"),
                "fields": ", ".join(changed) or _("nothing shown on this form"),
            },
            code="stale",
        )

    def _loaded(self) -> dict | None:
        token = self.data.get(LOADED_FIELD)
        if not token:
            return None  # a form posted without the page (a script): nothing to compare
        try:
            return signing.loads(token, salt=_SALT)
        except signing.BadSignature:
            return None
