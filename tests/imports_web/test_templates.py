"""Template files: the recognised headers, required ones marked, an example row, instructions."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tests.imports_web.files import upload
from unions import importing
from unions.models import ImportBatch

pytestmark = pytest.mark.django_db


def download(client, kind: str):
    response = client.get(reverse("unions:import_template", args=[kind]))
    assert response.status_code == 200
    assert f"mau-{kind}.xlsx" in response["Content-Disposition"]
    return response.content, load_workbook(io.BytesIO(response.content))


@pytest.mark.parametrize("kind", ["enterprises", "unions"])
def test_template_heads_each_field_with_its_first_alias(client, district_staff, kind):
    client.force_login(district_staff)
    _content, workbook = download(client, kind)
    columns = importing.get_spec(kind).columns
    data, instructions = workbook.worksheets
    header = [cell.value for cell in data[1]]
    assert header == [column.aliases[0] for column in columns]
    for cell, column in zip(data[1], columns, strict=True):
        assert cell.font.b
        assert (cell.font.color is not None and cell.font.color.rgb == "00C00000") == (
            column.required
        ), column.name
        assert (cell.comment is not None) == column.required
    assert any(cell.value is not None for cell in data[2])  # the example row
    listed = [row[0] for row in instructions.iter_rows(values_only=True)]
    assert all(column.aliases[0] in listed for column in columns)


def test_the_enterprise_template_as_downloaded_previews_cleanly(client, district_staff):
    client.force_login(district_staff)
    content, _workbook = download(client, "enterprises")
    upload(client, content, name="mau.xlsx")
    batch = ImportBatch.objects.get()
    assert (batch.state, batch.created, batch.error_count) == ("waiting", 1, 0), batch.report


def test_the_zone_staffs_template_example_is_an_industrial_park_enterprise(client, zone_staff):
    client.force_login(zone_staff)
    content, workbook = download(client, "enterprises")
    header = [cell.value for cell in workbook.active[1]]
    example = dict(zip(header, [cell.value for cell in workbook.active[2]], strict=True))
    assert example["KCN"]
    upload(client, content, name="mau.xlsx")
    batch = ImportBatch.objects.get()
    assert (batch.created, batch.error_count) == (1, 0), batch.report


def test_the_list_links_a_template_for_each_kind(client, district_staff):
    client.force_login(district_staff)
    content = client.get(reverse("unions:import_list")).content.decode()
    for kind in ("enterprises", "unions"):
        assert reverse("unions:import_template", args=[kind]) in content
        assert reverse("unions:import_upload", args=[kind]) in content
