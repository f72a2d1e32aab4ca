"""Every model of the app, gathered for Django's registry and migrations.

Each model lives in the package of its concern (docs/architecture.md); import from there in new
code. This module only collects them.
"""

from unions.access.account_models import PasswordChangeFailures, SecondFactorEnrolment
from unions.access.models import ReadLog, StaffScope
from unions.access.scope import ScopedQuerySet
from unions.enterprises.models import (
    Enterprise,
    GrassrootsUnion,
    Headcount,
)
from unions.importing.models import ImportBatch
from unions.members.models import Member
from unions.organisations.models import UpperUnion
from unions.records import CleanTextModel, ImportedRecord
from unions.territory.models import (
    AdministrativeUnit,
    IndustrialZone,
    ReferenceQuerySet,
    UnitAlias,
    UnitSuccession,
)

__all__ = [
    "AdministrativeUnit",
    "CleanTextModel",
    "Enterprise",
    "GrassrootsUnion",
    "Headcount",
    "ImportBatch",
    "ImportedRecord",
    "IndustrialZone",
    "Member",
    "PasswordChangeFailures",
    "ReadLog",
    "ReferenceQuerySet",
    "ScopedQuerySet",
    "SecondFactorEnrolment",
    "StaffScope",
    "UnitAlias",
    "UnitSuccession",
    "UpperUnion",
]
