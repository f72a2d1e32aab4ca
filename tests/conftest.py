"""Shared fixtures: the real Bắc Giang units in every test database, and one user per role."""

from __future__ import annotations

import pytest

from tests import factories
from unions import access
from unions.organisations.loading import load_province


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    # Loaded once per test database: tests run inside transactions that roll back to this.
    with django_db_blocker.unblock():
        load_province("24")


@pytest.fixture
def province_admin(db):
    return factories.make_user(access.PROVINCE_ADMIN, username="tinh_admin")


@pytest.fixture
def district_staff(db):
    """Staff of Thành phố Bắc Giang's federation (213)."""
    return factories.make_user(access.DISTRICT_STAFF, username="cb_tpbg", district_code="213")


@pytest.fixture
def other_district_staff(db):
    """Staff of Huyện Yên Thế's federation (215)."""
    return factories.make_user(access.DISTRICT_STAFF, username="cb_yenthe", district_code="215")


@pytest.fixture
def zone_staff(db):
    return factories.make_user(
        access.ZONE_STAFF, username="cb_kcn", upper_union=factories.zone_union()
    )


@pytest.fixture
def party_viewer(db):
    return factories.make_user(access.PARTY_VIEWER_PROVINCE, username="xem_tinh")


@pytest.fixture
def district_viewer(db):
    return factories.make_user(
        access.PARTY_VIEWER_DISTRICT, username="xem_tpbg", district_code="213"
    )
