"""The referral's stages and milestones: plain values every other module of the app builds on.

Stages run in the order of `Stage`'s choices. Each milestone field has the first stage at which
it may be recorded, and each stage the milestone date a change to it records.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Stage(models.TextChoices):
    """The referral's stages, in order (the order is the choices' order)."""

    IDENTIFIED = "identified", _("identified")
    FOSTERING = "fostering", _("fostering")
    CLASS_COMPLETED = "class_completed", _("class completed")
    INTRODUCED = "introduced", _("introduced")
    DOSSIER = "dossier", _("dossier")
    ADMITTED = "admitted", _("admitted (probation)")
    FULL_MEMBER = "full_member", _("full member")


class Outcome(models.TextChoices):
    DECLINED = "declined", _("not admitted")
    WITHDRAWN = "withdrawn", _("withdrawn")


class IntroducerType(models.TextChoices):
    UNION_COMMITTEE = "union_committee", _("union executive committee and one Party member")
    TWO_MEMBERS = "two_members", _("two Party members")
    YOUTH_COMMITTEE = "youth_committee", _("Youth Union executive committee and one Party member")


STAGE_ORDER: dict[str, int] = {value: index for index, value in enumerate(Stage.values)}
ADMITTED_STAGES = frozenset({Stage.ADMITTED, Stage.FULL_MEMBER})

DATE_FIELDS = (
    "commended_on",
    "certificate_on",
    "applied_on",
    "introduced_on",
    "cell_resolution_on",
    "admitted_on",
    "ceremony_on",
    "recognized_on",
)
NUMBER_FIELDS = ("certificate_number", "decision_number")
MILESTONE_FIELDS = (*DATE_FIELDS, *NUMBER_FIELDS)
# Every milestone the rules read, in the order they are reached.
RULE_FIELDS = (
    "commended_on",
    "certificate_number",
    "certificate_on",
    "applied_on",
    "introduced_on",
    "cell_resolution_on",
    "admitted_on",
    "decision_number",
    "ceremony_on",
    "recognized_on",
)
# What a correction may change besides the milestones.
DETAIL_FIELDS = ("union", "introducer_type", "party_organization")

# Milestone fields and the first stage at which each may be recorded. `applied_on` has none:
# the application can be written at any point before admission.
MILESTONE_STAGES: dict[str, str | None] = {
    "commended_on": Stage.IDENTIFIED,
    "certificate_number": Stage.CLASS_COMPLETED,
    "certificate_on": Stage.CLASS_COMPLETED,
    "applied_on": None,
    "introduced_on": Stage.INTRODUCED,
    "cell_resolution_on": Stage.DOSSIER,
    "admitted_on": Stage.ADMITTED,
    "decision_number": Stage.ADMITTED,
    "ceremony_on": Stage.ADMITTED,
    "recognized_on": Stage.FULL_MEMBER,
}
# The milestone date that a stage change to each stage records.
STAGE_DATES: dict[str, str] = {
    Stage.IDENTIFIED: "commended_on",
    Stage.CLASS_COMPLETED: "certificate_on",
    Stage.INTRODUCED: "introduced_on",
    Stage.DOSSIER: "cell_resolution_on",
    Stage.ADMITTED: "admitted_on",
    Stage.FULL_MEMBER: "recognized_on",
}
# The dates a register carries, each with the stage it brings a referral to, in order.
REGISTER_STAGES: dict[str, str] = {
    "commended_on": Stage.IDENTIFIED,
    "certificate_on": Stage.CLASS_COMPLETED,
    "introduced_on": Stage.INTRODUCED,
    "admitted_on": Stage.ADMITTED,
    "recognized_on": Stage.FULL_MEMBER,
}


def stage_rank(stage: str) -> int:
    return STAGE_ORDER[stage]


def reaches(stage: str, other: str) -> bool:
    """Whether `stage` is `other` or later."""
    return STAGE_ORDER[stage] >= STAGE_ORDER[other]
