"""Fixtures for the access tests: the four-territory world and a user per role."""

from __future__ import annotations

import importlib
import sys

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory

from tests.access.world import make_world
from unions import access

ROLE_FIXTURES = {
    access.PROVINCE_ADMIN: "province_admin",
    access.DISTRICT_STAFF: "district_staff",
    access.ZONE_STAFF: "zone_staff",
    access.PARTY_VIEWER_PROVINCE: "party_viewer",
    access.PARTY_VIEWER_DISTRICT: "district_viewer",
    None: None,
}


def role_id(role: str | None) -> str:
    return role or "anonymous"


@pytest.fixture
def world(db):
    return make_world()


@pytest.fixture
def user_for(request):
    """The persona of a role (AnonymousUser for None)."""

    def get(role: str | None):
        fixture = ROLE_FIXTURES[role]
        return request.getfixturevalue(fixture) if fixture else AnonymousUser()

    return get


@pytest.fixture
def request_as():
    """A bare request carrying a user, for asking an admin what it allows."""

    def build(user, path: str = "/admin/"):
        request = RequestFactory().get(path)
        request.user = user
        request.session = {}
        return request

    return build


@pytest.fixture
def production_settings(monkeypatch):
    """config.settings.production as a deployment with only the required variables loads it."""
    monkeypatch.setenv("SECRET_KEY", "a-production-like-secret-key-" + "x" * 40)
    for name in ("CLIENT_IP_HEADER", "OTP_REQUIRED_FOR_PROVINCE_ADMINS"):
        monkeypatch.delenv(name, raising=False)
    sys.modules.pop("config.settings.production", None)
    yield importlib.import_module("config.settings.production")
    sys.modules.pop("config.settings.production", None)
