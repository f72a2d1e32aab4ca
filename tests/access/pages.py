"""Pages outside the admin that the access test requests as every role (dashboards, exports,
JSON, imports). Append a `Page` when you add one; the test asserts DESIGN.md's statuses for it
and that no body shows another territory's rows.

- `readers`: the roles that may open it (200); other roles get 403, anonymous users a redirect
  to sign-in (302).
- `kwargs`: for a page about one territory (a district page, say), builds the URL's arguments
  from a `tests.access.world.Territory`; the page is then requested once per territory, and a
  territory the role does not read must give 404.
- `visible`: overrides which territories a role reads for this page, if it differs from
  `world.VISIBLE` (e.g. a district page that zone staff open for any district they work in).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from unions import access

EVERY_ROLE = frozenset(access.ROLES)
WRITERS = frozenset({access.PROVINCE_ADMIN, access.DISTRICT_STAFF, access.ZONE_STAFF})


@dataclass(frozen=True)
class Page:
    url_name: str
    readers: frozenset[str] = EVERY_ROLE
    kwargs: Callable | None = None
    visible: Callable[[str | None, str], bool] | None = None
    query: str = ""
    fixed: tuple[tuple[str, str], ...] = ()  # URL arguments that do not depend on a territory

    def __str__(self) -> str:
        return "/".join([self.url_name, *(value for _name, value in self.fixed)]) + (
            f"?{self.query}" if self.query else ""
        )

    def url_kwargs(self, territory) -> dict[str, str]:
        kwargs = self.kwargs(territory) if self.kwargs else {}
        return kwargs | dict(self.fixed)


def _district_page_visible(role: str | None, territory_key: str) -> bool:
    # A district's page opens for a role that reads any enterprise in that district: zone staff
    # read their union's enterprises in 213 and 222, so both pages open for them (their rows).
    from tests.access.world import SPECS, VISIBLE

    district = SPECS[territory_key][1]
    return any(SPECS[key][1] == district for key in VISIBLE[role])


PAGES: list[Page] = [
    Page("referrals:dashboard"),
    Page(
        "referrals:district",
        kwargs=lambda territory: {"code": territory.district_code},
        visible=_district_page_visible,
    ),
    Page("referrals:coverage_json"),
    Page("referrals:pipeline_json"),
    Page("unions:import_list", readers=WRITERS),
    Page("referrals:members", query="indicator=commended"),
    Page("referrals:members", query="indicator=admitted"),
    *(
        Page("referrals:export", fixed=(("table", table),))
        for table in ("districts", "funnel", "trend", "campaign")
    ),
    *(
        Page(
            "referrals:district_export",
            kwargs=lambda territory: {"code": territory.district_code},
            visible=_district_page_visible,
            fixed=(("table", table),),
        )
        for table in ("gap", "referrals", "classes", "funnel", "trend", "campaign")
    ),
]
