"""Build the POST a browser would send from an admin add/change page, to change one field."""

from __future__ import annotations

import datetime


def _encode(value):
    if value is None or value is False:
        return None
    if value is True:
        return "on"
    if isinstance(value, (list, tuple)):
        return [str(item) for item in value]
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def _form_fields(form, data: dict) -> None:
    for name in form.fields:
        value = _encode(form[name].value())
        if value is not None:
            data[form.add_prefix(name)] = value


def page_form_data(response) -> dict:
    """The data of the page's form and inline formsets, as rendered (for a valid resubmit)."""
    context = response.context
    data: dict = {}
    _form_fields(context["adminform"].form, data)
    for inline in context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = _encode(management[name].value())
        for form in formset.forms:
            _form_fields(form, data)
    data["_save"] = "Save"
    if context.get("loaded_version"):
        data["_loaded_version"] = context["loaded_version"]  # the page's hidden input
    return data
