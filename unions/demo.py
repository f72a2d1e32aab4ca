"""Deterministic, realistic demo data: enterprises, headcounts, grassroots unions, members, users.

Everything is drawn from one ``random.Random(seed)`` in a fixed order, and every date is taken
relative to an explicit reference date, so a seed gives the same names, tax codes and figures on
every run (and on SQLite and PostgreSQL alike). Territory is read from the database that
``load_units`` filled: no district, commune or zone is named here.

Rows are written with ``bulk_create`` (the province scale must build in under a minute), so this
module keeps what ``save()`` would keep: NFC names, folded search keys, the managing union, and
one "+" history row per record with the reason ``DEMO_CHANGE_REASON``.
"""

from __future__ import annotations

import datetime
import math
import random
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from unions import access
from unions.enterprises.models import Enterprise, GrassrootsUnion, Headcount
from unions.importing.writing import insert_history, quote
from unions.members.models import Member
from unions.organisations.managing import ManagingUnions
from unions.organisations.models import UpperUnion
from unions.staff import create_staff
from unions.taxcode import make_tax_code
from unions.territory.models import AdministrativeUnit, IndustrialZone
from unions.text import (
    COMMUNE_PREFIXES,
    DISTRICT_PREFIXES,
    ZONE_PREFIXES,
    clean_text,
    fold,
    strip_prefix,
)

__all__ = [
    "DEMO_PASSWORD",
    "SCALES",
    "DemoLogin",
    "Scale",
    "SeedSummary",
    "demo_logins",
    "ensure_demo_users",
    "seed_unions",
]

# Demo only: printed by `demo_logins` for as long as a demo user still has it.
DEMO_PASSWORD = "demo12345"
# Stored in the history rows, like the names: data in the deployment's language, not UI text.
DEMO_CHANGE_REASON = "Dữ liệu mẫu"
BATCH_SIZE = 2000


@dataclass(frozen=True)
class Scale:
    enterprises: int
    members: int


# Unions follow from the enterprises (about 60% of them get one); members are capped to the target.
SCALES: dict[str, Scale] = {
    "tiny": Scale(enterprises=60, members=300),
    "small": Scale(enterprises=300, members=3_000),
    "province": Scale(enterprises=3_000, members=80_000),
}


@dataclass
class SeedSummary:
    enterprises: int = 0
    headcounts: int = 0
    unions: int = 0
    members: int = 0


# --------------------------------------------------------------------------------------------
# Vocabulary. Realistic, not real: any likeness to an existing company is a coincidence of the
# common words Vietnamese company names are made of.
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sector:
    label: str  # the stored `sector`
    name_words: tuple[str, ...]  # what a Vietnamese company name says
    foreign_words: tuple[str, ...]  # what a foreign-invested company's name says
    jobs: tuple[str, ...]
    female_share: float
    domestic_weight: float
    foreign_weight: float


# fmt: off
SECTORS: tuple[Sector, ...] = (
    Sector("May mặc", ("May", "May mặc", "May xuất khẩu", "Dệt may"),
           ("Garment", "Apparel", "Textile", "Fashion"),
           ("Công nhân may", "Tổ trưởng chuyền may", "Công nhân cắt", "Nhân viên KCS",
            "Công nhân là hơi", "Công nhân đóng gói"), 0.8, 10, 22),
    Sector("Điện tử", ("Điện tử", "Linh kiện điện tử", "Công nghệ"),
           ("Electronics", "Precision Component", "Technology", "Optical", "Display"),
           ("Công nhân lắp ráp", "Kỹ thuật viên", "Nhân viên QC", "Vận hành máy SMT",
            "Công nhân kiểm tra ngoại quan"), 0.7, 3, 40),
    Sector("Cơ khí", ("Cơ khí", "Cơ khí chính xác", "Kết cấu thép", "Cơ khí và Xây lắp"),
           ("Precision", "Metal", "Mechanical", "Industrial"),
           ("Thợ hàn", "Thợ tiện", "Vận hành máy CNC", "Thợ sơn tĩnh điện", "Kỹ thuật viên"),
           0.2, 8, 14),
    Sector("Chế biến gỗ", ("Chế biến gỗ", "Gỗ", "Nội thất"), ("Wood", "Furniture"),
           ("Thợ mộc", "Công nhân chà nhám", "Công nhân sơn", "Vận hành máy cưa"), 0.4, 7, 4),
    Sector("Xây dựng", ("Xây dựng", "Đầu tư và Xây dựng", "Xây lắp", "Tư vấn và Xây dựng"), (),
           ("Thợ nề", "Kỹ sư xây dựng", "Lái máy xúc", "Thợ cốp pha", "Giám sát công trình"),
           0.1, 18, 0),
    Sector("Thương mại", ("Thương mại", "Thương mại và Dịch vụ", "Thương mại Tổng hợp"), (),
           ("Nhân viên bán hàng", "Thủ kho", "Nhân viên giao hàng", "Thu ngân"), 0.5, 20, 0),
    Sector("Chế biến nông sản, thực phẩm", ("Thực phẩm", "Nông sản", "Chế biến nông sản"),
           ("Food", "Agricultural Products"),
           ("Công nhân chế biến", "Công nhân đóng gói", "Nhân viên kiểm nghiệm"), 0.6, 8, 3),
    Sector("Vận tải", ("Vận tải", "Vận tải và Du lịch", "Logistics"), ("Logistics",),
           ("Lái xe", "Phụ xe", "Nhân viên điều phối", "Nhân viên kho bãi"), 0.15, 7, 2),
    Sector("Giày da", ("Giày da", "Da giày"), ("Footwear", "Shoes"),
           ("Công nhân may mũ giày", "Công nhân gò", "Công nhân cắt da"), 0.75, 2, 7),
    Sector("Nhựa, bao bì", ("Nhựa", "Bao bì", "Nhựa và Bao bì"), ("Plastic", "Packaging"),
           ("Vận hành máy ép nhựa", "Công nhân in", "Công nhân đóng gói"), 0.45, 4, 8),
    Sector("Vật liệu xây dựng", ("Vật liệu xây dựng", "Gạch Tuynel", "Bê tông"), (),
           ("Công nhân sản xuất gạch", "Lái máy xúc", "Công nhân trộn bê tông"), 0.2, 6, 0),
    Sector("Dịch vụ", ("Dịch vụ", "Môi trường", "Khách sạn và Du lịch"), (),
           ("Nhân viên phục vụ", "Lễ tân", "Nhân viên vệ sinh"), 0.6, 7, 0),
)
COMMON_JOBS = ("Kế toán", "Nhân viên văn phòng", "Bảo vệ", "Lái xe", "Thủ kho",
               "Nhân viên kỹ thuật")

# Legal forms of domestic private enterprises: (stored form, name prefix, weight).
DOMESTIC_FORMS = (
    ("Công ty TNHH", "Công ty TNHH", 50),
    ("Công ty TNHH một thành viên", "Công ty TNHH MTV", 8),
    ("Công ty cổ phần", "Công ty Cổ phần", 27),
    ("Doanh nghiệp tư nhân", "Doanh nghiệp tư nhân", 9),
    ("Hợp tác xã", "Hợp tác xã", 6),
)
SMALL_FORMS = frozenset({"Doanh nghiệp tư nhân", "Hợp tác xã"})
BRANDS = (
    "Việt Tiến", "Quang Minh", "Hoàng Long", "Thành Công", "Phú Thịnh", "Đại Phát", "Hưng Thịnh",
    "An Phát", "Minh Khang", "Tân Tiến", "Hòa Bình", "Trường Sơn", "Thiên An", "Bảo Ngọc",
    "Đức Anh", "Nam Phong", "Hải Đăng", "Kim Long", "Sao Mai", "Phúc Lâm", "Gia Huy",
    "Tuấn Hưng", "Lộc Phát", "Vạn Xuân", "Thăng Long", "Đông Á", "Minh Phương", "Hồng Hà",
    "Tiến Đạt", "Việt Hưng", "Nhật Minh", "Toàn Cầu", "Thành Đạt", "Hợp Nhất", "Phương Đông",
    "Anh Dũng", "Bình Minh", "Cường Thịnh", "Đồng Tâm", "Hoàng Gia", "Huy Hoàng", "Khánh An",
    "Lâm Phát", "Mạnh Hùng", "Ngọc Anh", "Phát Đạt", "Quốc Thái", "Sơn Hà", "Tâm Đức",
    "Thái Dương", "Thịnh Vượng", "Trung Kiên", "Trường Thịnh", "Vĩnh Hưng", "Xuân Trường",
    "Hưng Long", "Kiên Cường", "Đại Thành", "Tân Phong", "Việt Nhật",
)
# State enterprises: (name prefix, trade); a place name is appended.
STATE_TRADES = (
    ("Công ty TNHH MTV", "Khai thác công trình thủy lợi"),
    ("Công ty TNHH MTV", "Lâm nghiệp"),
    ("Công ty Cổ phần", "Nước sạch"),
    ("Công ty Cổ phần", "Môi trường đô thị"),
    ("Công ty TNHH MTV", "Xổ số kiến thiết"),
    ("Công ty Cổ phần", "Xe khách"),
    ("Công ty Cổ phần", "Sách và Thiết bị trường học"),
    ("Công ty TNHH MTV", "Quản lý và Sửa chữa đường bộ"),
)
STATE_SECTORS = ("Dịch vụ", "Dịch vụ", "Xây dựng", "Vận tải")

KOREAN_FIRST = ("Dae", "Han", "Seo", "Jin", "Sung", "Dong", "Hae", "Young", "Myung", "Woo",
                "Sam", "Hyo", "Min", "Kyung", "Chang", "Shin", "Il", "Bo")
KOREAN_SECOND = ("yang", "sung", "jin", "woo", "il", "won", "kwang", "do", "san", "hwa", "tech",
                 "myung", "shin")
CHINESE_FIRST = ("Fu", "Hong", "Jing", "Xin", "Tian", "Bo", "Hua", "Jin", "Yuan", "Hao", "Long",
                 "Sheng", "Kai", "Ming", "Rui", "Heng", "Tai", "Shun", "Lux", "Zhen")
CHINESE_SECOND = ("hong", "fa", "ke", "wei", "he", "yuan", "yang", "feng", "da", "tai", "xing",
                  "cheng", "li", "sheng", "shin")
JAPANESE = ("Nitto", "Takahashi", "Yamato", "Sanko", "Marumi", "Kitagawa", "Hayashi", "Ohara",
            "Shinko", "Matsuda", "Tokai", "Daiwa", "Kyowa", "Nakano", "Hoshino", "Asahi Seiki",
            "Mitsuwa", "Toyo Kasei", "Nishida", "Sakura Tec")

# Vietnamese family names, weighted roughly as in the north; Thân and Giáp are common in the
# midlands around Bắc Giang.
FAMILY_NAMES = (
    ("Nguyễn", 36), ("Trần", 10), ("Lê", 8), ("Phạm", 6), ("Hoàng", 5), ("Vũ", 4), ("Đỗ", 3),
    ("Bùi", 3), ("Ngô", 2.5), ("Đặng", 2), ("Dương", 2), ("Thân", 2.5), ("Giáp", 1.5),
    ("Phan", 1.5), ("Đào", 1.5), ("Đinh", 1.5), ("Lương", 1), ("Mai", 1), ("Trịnh", 1),
    ("Hà", 1), ("Chu", 1), ("Tạ", 0.8), ("Lý", 0.6), ("Nông", 0.6), ("La", 0.5), ("Hồ", 0.8),
)
MALE_MIDDLE = ("Đức", "Minh", "Quang", "Hữu", "Công", "Xuân", "Thành", "Trung", "Tuấn", "Đình",
               "Mạnh", "Ngọc", "Văn", "Tiến", "Duy", "Anh", "Hoàng")
FEMALE_MIDDLE = ("Thu", "Ngọc", "Thanh", "Phương", "Minh", "Hồng", "Kim", "Thúy", "Bích", "Lan",
                 "Mai", "Hải", "Thảo", "Khánh", "Diệu", "Quỳnh", "Hoài")
MALE_GIVEN = ("Hùng", "Dũng", "Tuấn", "Hải", "Nam", "Long", "Minh", "Quân", "Đức", "Thắng",
              "Cường", "Hoàng", "Sơn", "Phong", "Trung", "Hiếu", "Huy", "Khánh", "Duy", "Tùng",
              "Thành", "Bình", "Toàn", "Việt", "Hưng", "Kiên", "Mạnh", "Tiến", "Đạt", "Công",
              "Cảnh", "Lâm", "Vinh", "Quang", "Thịnh", "Chiến", "Tú", "Hào", "Nghĩa", "Phúc",
              "Anh", "Khoa")
FEMALE_GIVEN = ("Hà", "Lan", "Hương", "Hoa", "Huyền", "Linh", "Trang", "Thảo", "Nhung", "Mai",
                "Hằng", "Ngọc", "Yến", "Nga", "Hạnh", "Thủy", "Loan", "Phương", "Anh", "Dung",
                "Giang", "Vân", "Quỳnh", "Oanh", "Hiền", "Nhàn", "Thơm", "Tuyết", "Liên", "Ly",
                "Chi", "Nhi", "Vy", "Thư", "Trà", "Duyên", "Lệ", "Hồng", "Xuân", "Thu")
EDUCATION = (("12/12", 55), ("9/12", 22), ("Trung cấp", 7), ("Cao đẳng", 6), ("Đại học", 6),
             ("11/12", 2), ("10/12", 2))
SCHOOL_LEVELS = frozenset({"12/12", "11/12", "10/12", "9/12"})
STREETS = ("Lê Lợi", "Hùng Vương", "Nguyễn Văn Cừ", "Trần Hưng Đạo", "Nguyễn Thị Minh Khai",
           "Xương Giang", "Ngô Gia Tự", "Lý Thái Tổ", "Hoàng Văn Thụ", "Quốc lộ 1A", "Quốc lộ 37",
           "Tỉnh lộ 398", "Lê Duẩn", "Võ Nguyên Giáp", "Trần Phú", "Nguyễn Du")
VILLAGES = ("Thôn Trung", "Thôn Đông", "Thôn Tây", "Thôn Hạ", "Thôn Thượng", "Thôn Chùa",
            "Thôn Tân Sơn", "Thôn Đồng Quan", "Thôn Phố", "Thôn Mới", "Thôn Làng Thành",
            "Thôn Bãi", "Thôn Cầu", "Thôn Hòa Bình", "Thôn Cả")
# fmt: on
# Tax-office prefixes of neighbouring provinces, for branches of companies registered there
# (Hà Nội 01, Hải Phòng 02, Bắc Ninh 23). Tax codes, not administrative units.
BRANCH_TAX_PREFIXES = ("01", "01", "02", "23")
# Where members were born, as the province part of a 12-digit citizen ID: mostly the
# deployment's own province, otherwise a neighbour's or a common migrant origin.
BIRTH_PROVINCE_CODES = ("027", "020", "019", "001", "030", "038", "040", "025", "026", "008")
CAMPAIGN_YEAR = 2024  # the seed case's year: a fair number of unions were founded then

URBAN_KINDS = frozenset({AdministrativeUnit.Kind.WARD, AdministrativeUnit.Kind.TOWNSHIP})
TOWN_KINDS = frozenset(
    {
        AdministrativeUnit.Kind.CITY,
        AdministrativeUnit.Kind.TOWN,
        AdministrativeUnit.Kind.URBAN_DISTRICT,
    }
)


# --------------------------------------------------------------------------------------------
# Territory, read once into plain objects so the generator makes no per-row queries.
# --------------------------------------------------------------------------------------------


@dataclass
class Territory:
    province: AdministrativeUnit
    districts: list[AdministrativeUnit]
    communes: dict[int, list[AdministrativeUnit]]
    zones: list[IndustrialZone]
    zone_communes: dict[int, AdministrativeUnit]
    federations: dict[int, UpperUnion]
    zone_union: UpperUnion | None
    short_names: dict[int, str] = field(default_factory=dict)

    @property
    def province_short(self) -> str:
        return self.short_names[self.province.pk]

    managing: ManagingUnions = field(default_factory=ManagingUnions)
    unions_by_id: dict[int, UpperUnion] = field(default_factory=dict)

    def managing_union(self, district_id: int, zone: IndustrialZone | None) -> UpperUnion:
        """The union that manages an enterprise of that district and zone (`ManagingUnions`)."""
        zone_id = zone.pk if zone is not None else None
        return self.unions_by_id[
            self.managing.for_enterprise(district_id=district_id, zone_id=zone_id)
        ]


def load_territory() -> Territory:
    # The demo's 2024 history lies in the districts of the province of 30/6/2025.
    province = AdministrativeUnit.objects.former().get(
        level=AdministrativeUnit.Level.PROVINCE, code=str(settings.PROVINCE_CODE).zfill(2)
    )
    districts = list(province.children.filter(level=AdministrativeUnit.Level.DISTRICT))
    districts.sort(key=lambda unit: unit.code)
    communes: dict[int, list[AdministrativeUnit]] = defaultdict(list)
    for commune in AdministrativeUnit.objects.filter(parent__in=districts).order_by("code"):
        communes[commune.parent_id].append(commune)
    zones = sorted(
        IndustrialZone.objects.filter(district__in=districts), key=lambda zone: zone.search_key
    )
    federations = {
        union.district_id: union
        for union in UpperUnion.objects.district_federations().filter(district__in=districts)
    }
    zone_union = (
        UpperUnion.objects.filter(kind=UpperUnion.Kind.INDUSTRIAL_ZONE).order_by("pk").first()
    )
    short_names = {province.pk: _without_prefix(province.name, ("Tỉnh", "Thành phố"))}
    for district in districts:
        short_names[district.pk] = _without_prefix(
            district.name, ("Thành phố", "Thị xã", "Huyện", "Quận")
        )
    return Territory(
        province=province,
        districts=districts,
        communes=dict(communes),
        zones=zones,
        zone_communes={zone.pk: _zone_commune(zone, communes[zone.district_id]) for zone in zones},
        federations=federations,
        zone_union=zone_union,
        short_names=short_names,
        managing=ManagingUnions.load(),
        unions_by_id={union.pk: union for union in UpperUnion.objects.all()},
    )


def _without_prefix(name: str, prefixes: tuple[str, ...]) -> str:
    for prefix in prefixes:
        if name.lower().startswith(prefix.lower() + " "):
            return name[len(prefix) + 1 :]
    return name


def _zone_commune(zone: IndustrialZone, communes: list[AdministrativeUnit]) -> AdministrativeUnit:
    """The commune a zone is named after ("KCN Quang Châu" lies in Phường Quang Châu), if any."""
    zone_key = strip_prefix(zone.search_key, ZONE_PREFIXES)
    for commune in communes:
        if f" {strip_prefix(commune.search_key, COMMUNE_PREFIXES)} " in f" {zone_key} ":
            return commune
    # Deterministic without a generator: the same zone always gets the same commune.
    return communes[sum(map(ord, zone_key)) % len(communes)]


# --------------------------------------------------------------------------------------------
# Small drawing helpers.
# --------------------------------------------------------------------------------------------


def _weighted(rng: random.Random, pairs) -> object:
    values = [value for value, _weight in pairs]
    weights = [weight for _value, weight in pairs]
    return rng.choices(values, weights=weights)[0]


def _date_between(rng: random.Random, start: datetime.date, end: datetime.date) -> datetime.date:
    if end <= start:
        return start
    return start + datetime.timedelta(days=rng.randrange((end - start).days + 1))


def _add_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _log_normal(rng: random.Random, median: float, sigma: float) -> int:
    return round(median * math.exp(rng.gauss(0, sigma)))


# --------------------------------------------------------------------------------------------
# Enterprises and their headcount history.
# --------------------------------------------------------------------------------------------

ZONE_SHARE = 0.12  # of all enterprises, inside an industrial park
UNKNOWN_WORKERS = 0.05


@dataclass
class _NewEnterprise:
    """An enterprise about to be created, with what the union step needs to know about it."""

    row: Enterprise
    sector: Sector
    headcounts: list[tuple[datetime.date, int]]
    unions: list[GrassrootsUnion] = field(default_factory=list)


class _Registry:
    """Tax codes and names already given out, so each is used once."""

    def __init__(self) -> None:
        self.tax_codes: set[str] = set()
        self.names: set[str] = set()

    def tax_code(self, rng: random.Random, prefix: str) -> str:
        while True:
            code = make_tax_code(f"{prefix}{rng.randrange(10**7):07d}")
            if code is not None and code not in self.tax_codes:
                self.tax_codes.add(code)
                return code

    def branch_code(self, rng: random.Random) -> str:
        while True:
            parent = make_tax_code(f"{rng.choice(BRANCH_TAX_PREFIXES)}{rng.randrange(10**7):07d}")
            if parent is None:
                continue
            code = f"{parent}-{rng.choice(('001', '001', '002', '003'))}"
            if code not in self.tax_codes:
                self.tax_codes.add(code)
                return code

    def name(self, rng: random.Random, make, fallbacks: tuple[str, ...]) -> str:
        """A name from `make(rng)` not yet used; after a few tries, one made unique by a place."""
        for _attempt in range(12):
            name = clean_text(make(rng))
            if fold(name) not in self.names:
                self.names.add(fold(name))
                return name
        for suffix in (*fallbacks, *(str(n) for n in range(2, 1000))):
            candidate = clean_text(f"{name} {suffix}")
            if fold(candidate) not in self.names:
                self.names.add(fold(candidate))
                return candidate
        raise RuntimeError("no unused enterprise name")  # unreachable in practice


def _build_enterprises(
    rng: random.Random, territory: Territory, count: int, today: datetime.date
) -> list[_NewEnterprise]:
    registry = _Registry()
    zone_districts = {zone.district_id for zone in territory.zones}
    district_weights = [
        len(territory.communes.get(d.pk, ())) * (2.0 if d.kind in TOWN_KINDS else 1.0)
        for d in territory.districts
    ]
    built = []
    for _index in range(count):
        zone = None
        if territory.zones and rng.random() < ZONE_SHARE:
            zone = rng.choice(territory.zones)
            district = next(d for d in territory.districts if d.pk == zone.district_id)
        else:
            district = rng.choices(territory.districts, weights=district_weights)[0]
        built.append(
            _build_enterprise(
                rng, territory, registry, district, zone, district.pk in zone_districts, today
            )
        )
    return built


def _build_enterprise(
    rng: random.Random,
    territory: Territory,
    registry: _Registry,
    district: AdministrativeUnit,
    zone: IndustrialZone | None,
    zone_district: bool,
    today: datetime.date,
) -> _NewEnterprise:
    ownership = _ownership(rng, zone, zone_district)
    sector = _sector(rng, ownership)
    commune = _commune(rng, territory, district, zone)
    legal_form, sector, name, tax_code = _identity(
        rng,
        territory,
        registry,
        ownership=ownership,
        sector=sector,
        district=district,
        commune=commune,
        zone=zone,
    )
    workers = _workers(rng, zone=zone, ownership=ownership, legal_form=legal_form)
    founded_on = _enterprise_founded(rng, zone, ownership, today)
    status = _weighted(
        rng,
        (
            (Enterprise.Status.ACTIVE, 91),
            (Enterprise.Status.SUSPENDED, 6),
            (Enterprise.Status.DISSOLVED, 3),
        ),
    )
    if rng.random() < UNKNOWN_WORKERS:
        workers = None
    managing_union = territory.managing_union(district.pk, zone)
    row = Enterprise(
        tax_code=tax_code,
        name=name,
        search_key=fold(name),
        address=clean_text(_address(rng, district, commune, zone)),
        district=district,
        commune=commune,
        industrial_zone=zone,
        ownership=ownership,
        legal_form=legal_form,
        sector=sector.label,
        founded_on=founded_on,
        workers=workers,
        status=status,
        managing_union=managing_union,
    )
    return _NewEnterprise(
        row=row, sector=sector, headcounts=_headcount_history(rng, workers, founded_on, today)
    )


def _identity(
    rng: random.Random,
    territory: Territory,
    registry: _Registry,
    *,
    ownership: str,
    sector: Sector,
    district: AdministrativeUnit,
    commune: AdministrativeUnit,
    zone: IndustrialZone | None,
) -> tuple[str, Sector, str, str]:
    """Legal form, sector, a name not used yet and a tax code not used yet."""
    # Places that can tell two otherwise identical names apart.
    places = (territory.short_names[district.pk], _commune_short(commune))
    if ownership == Enterprise.Ownership.FOREIGN:
        name = registry.name(rng, lambda r: _foreign_name(r, sector, territory, zone), places)
        return "Công ty TNHH", sector, name, registry.tax_code(rng, territory.province.code)
    if ownership == Enterprise.Ownership.STATE:
        form, trade = rng.choice(STATE_TRADES)
        sector = _sector_named(rng.choice(STATE_SECTORS))
        name = registry.name(
            rng,
            lambda r: f"{form} {trade} {r.choice(list(places[:1]) + [territory.province_short])}",
            places[1:],
        )
        return _stored_form(form), sector, name, registry.tax_code(rng, territory.province.code)
    legal_form, prefix = _domestic_form(rng)
    if legal_form == "Công ty cổ phần" and not zone and rng.random() < 0.08:
        # A branch of a company registered elsewhere: a 13-digit code.
        name = registry.name(
            rng,
            lambda r: (
                f"Chi nhánh {prefix} {r.choice(sector.name_words)} {r.choice(BRANDS)} "
                f"tại {territory.province_short}"
            ),
            places,
        )
        return legal_form, sector, name, registry.branch_code(rng)
    name = registry.name(
        rng, lambda r: _domestic_name(r, prefix, sector, territory, district), places
    )
    return legal_form, sector, name, registry.tax_code(rng, territory.province.code)


def _commune_short(commune: AdministrativeUnit) -> str:
    return _without_prefix(commune.name, ("Phường", "Xã", "Thị trấn"))


def _ownership(rng: random.Random, zone: IndustrialZone | None, zone_district: bool) -> str:
    # Foreign investment sits in the parks, and a little around them.
    if zone is not None:
        foreign, state = 0.75, 0.0
    else:
        foreign, state = (0.06 if zone_district else 0.015), 0.02
    roll = rng.random()
    if roll < foreign:
        return Enterprise.Ownership.FOREIGN
    if roll < foreign + state:
        return Enterprise.Ownership.STATE
    return Enterprise.Ownership.DOMESTIC


def _sector(rng: random.Random, ownership: str) -> Sector:
    foreign = ownership == Enterprise.Ownership.FOREIGN
    weights = [s.foreign_weight if foreign else s.domestic_weight for s in SECTORS]
    return rng.choices(SECTORS, weights=weights)[0]


def _sector_named(label: str) -> Sector:
    return next(sector for sector in SECTORS if sector.label == label)


def _domestic_form(rng: random.Random) -> tuple[str, str]:
    stored, prefix, _weight = rng.choices(DOMESTIC_FORMS, weights=[f[2] for f in DOMESTIC_FORMS])[0]
    return stored, prefix


def _stored_form(prefix: str) -> str:
    return next(stored for stored, name_prefix, _w in DOMESTIC_FORMS if name_prefix == prefix)


def _domestic_name(
    rng: random.Random,
    prefix: str,
    sector: Sector,
    territory: Territory,
    district: AdministrativeUnit,
) -> str:
    brand = rng.choice(BRANDS)
    if prefix == "Doanh nghiệp tư nhân" and rng.random() < 0.5:
        return f"{prefix} {brand}"
    suffix = _weighted(
        rng,
        (
            ("", 6),
            (territory.province_short, 2),
            (territory.short_names[district.pk], 1),
            ("Việt Nam", 1),
        ),
    )
    return f"{prefix} {rng.choice(sector.name_words)} {brand} {suffix}"


def _foreign_name(
    rng: random.Random, sector: Sector, territory: Territory, zone: IndustrialZone | None
) -> str:
    words = rng.choice(sector.foreign_words or ("Industrial",))
    origin = _weighted(rng, (("kr", 45), ("cn", 40), ("jp", 15)))
    if origin == "kr":
        stem = rng.choice(KOREAN_FIRST) + rng.choice(KOREAN_SECOND)
        return f"Công ty TNHH {stem} {words} {rng.choice(('Vina', 'Vina', 'Việt Nam'))}"
    if origin == "cn":
        stem = rng.choice(CHINESE_FIRST) + rng.choice(CHINESE_SECOND)
        place = territory.province_short
        if zone is not None and rng.random() < 0.3:
            place = _without_prefix(zone.name, ("KCN", "CCN"))
        return f"Công ty TNHH {stem} {words} ({rng.choice((place, place, 'Việt Nam'))})"
    return f"Công ty TNHH {rng.choice(JAPANESE)} {rng.choice(('Việt Nam', words + ' Việt Nam'))}"


def _commune(
    rng: random.Random,
    territory: Territory,
    district: AdministrativeUnit,
    zone: IndustrialZone | None,
) -> AdministrativeUnit:
    if zone is not None:
        return territory.zone_communes[zone.pk]
    communes = territory.communes[district.pk]
    weights = [3.0 if commune.kind in URBAN_KINDS else 1.0 for commune in communes]
    return rng.choices(communes, weights=weights)[0]


def _address(
    rng: random.Random,
    district: AdministrativeUnit,
    commune: AdministrativeUnit,
    zone: IndustrialZone | None,
) -> str:
    if zone is not None:
        place = f"Lô {rng.choice('ABCDEFGHK')}{rng.randint(1, 30)}, {zone.name}"
    elif commune.kind in URBAN_KINDS:
        place = f"Số {rng.randint(1, 350)}, đường {rng.choice(STREETS)}"
    else:
        place = rng.choice(VILLAGES)
    return f"{place}, {commune.name}, {district.name}"


def _workers(rng: random.Random, *, zone, ownership: str, legal_form: str) -> int:
    """Heavy-tailed: many 5–50, some hundreds, a few thousands (in the parks)."""
    if zone is not None:
        median, sigma, cap = 350, 1.25, 15_000
    elif ownership == Enterprise.Ownership.FOREIGN:
        median, sigma, cap = 120, 1.1, 5_000
    elif ownership == Enterprise.Ownership.STATE:
        median, sigma, cap = 150, 0.9, 2_000
    elif legal_form in SMALL_FORMS:
        median, sigma, cap = 12, 0.8, 200
    else:
        median, sigma, cap = 50, 1.05, 3_000
    return max(1, min(cap, _log_normal(rng, median, sigma)))


def _enterprise_founded(
    rng: random.Random, zone: IndustrialZone | None, ownership: str, today: datetime.date
) -> datetime.date:
    if ownership == Enterprise.Ownership.STATE:  # equitised or reorganised state companies
        years = rng.uniform(12, 35)
    else:
        # Mostly founded in the last 10 years: their number has grown fast since the parks opened.
        years = min(30.0, rng.gammavariate(2, 4.5))
    if zone is not None:
        years = min(years, 18.0)
    founded = today - datetime.timedelta(days=round(years * 365.25))
    return min(founded, today - datetime.timedelta(days=30))


def _headcount_history(
    rng: random.Random, workers: int | None, founded_on: datetime.date, today: datetime.date
) -> list[tuple[datetime.date, int]]:
    """1–4 reports over the last two years, the latest giving the current headcount."""
    if workers is None:
        return []
    latest = max(founded_on, today - datetime.timedelta(days=rng.randrange(90)))
    earliest = max(founded_on, today - datetime.timedelta(days=730))
    dates = {latest}
    for _n in range(rng.randint(1, 4) - 1):
        day = _date_between(rng, earliest, latest - datetime.timedelta(days=30))
        if day < latest:
            dates.add(day)
    history = []
    value = workers
    for day in sorted(dates, reverse=True):
        history.append((day, value))
        value = max(1, round(value * math.exp(rng.gauss(-0.03, 0.15))))
    return sorted(history)


# --------------------------------------------------------------------------------------------
# Grassroots unions.
# --------------------------------------------------------------------------------------------

RATE_RANGE = (0.42, 0.85)  # drawn per district; the result is kept within 30–85%
RATE_BOUNDS = (0.30, 0.85)


def district_rate(seed: int, district_code: str) -> float:
    """The share of eligible enterprises with a union in a district: fixed by seed and code."""
    return random.Random(f"{seed}:{district_code}").uniform(*RATE_RANGE)


def _unionised(
    rng: random.Random, built: list[_NewEnterprise], seed: int, threshold: int
) -> set[int]:
    """Indexes of eligible enterprises that get an active union, district by district."""
    eligible: dict[AdministrativeUnit, list[int]] = defaultdict(list)
    for index, item in enumerate(built):
        if _is_eligible(item.row, threshold):
            eligible[item.row.district].append(index)
    chosen: set[int] = set()
    for district in sorted(eligible, key=lambda d: d.code):
        indexes = eligible[district]
        n = len(indexes)
        low, high = math.ceil(RATE_BOUNDS[0] * n), math.floor(RATE_BOUNDS[1] * n)
        k = min(max(round(district_rate(seed, district.code) * n), low), max(high, low))
        # Bigger enterprises, and those in the parks, are likelier to have a union
        # (weighted sampling without replacement: the k largest keys u^(1/w)).
        keys = []
        for index in indexes:
            row = built[index].row
            weight = 1 + math.log(row.workers) + (2 if row.industrial_zone else 0)
            keys.append((rng.random() ** (1 / weight), index))
        keys.sort(reverse=True)
        chosen.update(index for _key, index in keys[:k])
    return chosen


def _is_eligible(row: Enterprise, threshold: int) -> bool:
    return row.status == Enterprise.Status.ACTIVE and (row.workers or 0) >= threshold


def _build_unions(
    rng: random.Random,
    built: list[_NewEnterprise],
    seed: int,
    today: datetime.date,
    threshold: int,
) -> None:
    chosen = _unionised(rng, built, seed, threshold)
    for index, item in enumerate(built):
        if index in chosen:
            if rng.random() < 0.02:
                _add_union(rng, item, today, dissolved=True, before_current=True)
            _add_union(rng, item, today, dissolved=False)
        else:
            _add_unchosen_union(rng, item, today, threshold)


def _add_unchosen_union(
    rng: random.Random, item: _NewEnterprise, today: datetime.date, threshold: int
) -> None:
    """The unions of an enterprise outside the covered share: past ones, or small ones."""
    row = item.row
    if _is_eligible(row, threshold):
        if rng.random() < 0.03:  # a union that fell apart and was never re-founded
            _add_union(rng, item, today, dissolved=True)
    elif row.status == Enterprise.Status.DISSOLVED:
        if rng.random() < 0.5:
            _add_union(rng, item, today, dissolved=True)
    elif row.status == Enterprise.Status.SUSPENDED:
        if rng.random() < 0.5:
            _add_union(rng, item, today, dissolved=rng.random() < 0.3)
    elif row.workers is None:
        if rng.random() < 0.35:
            _add_union(rng, item, today, dissolved=False)
    elif row.workers >= 5 and rng.random() < 0.3:  # small, yet organised
        _add_union(rng, item, today, dissolved=False)


def _add_union(
    rng: random.Random,
    item: _NewEnterprise,
    today: datetime.date,
    *,
    dissolved: bool,
    before_current: bool = False,
) -> None:
    row = item.row
    earliest = max(row.founded_on + datetime.timedelta(days=60), _add_years(today, -15))
    earliest = min(earliest, today)
    if before_current:
        # An earlier union, dissolved before the current one is founded.
        founded_on = _date_between(rng, earliest, _mid(earliest, today))
        dissolved_on = _date_between(rng, founded_on, _mid(founded_on, today))
    else:
        founded_on = _union_founded(rng, row.founded_on, earliest, today)
        if item.unions:  # follows a dissolved one
            founded_on = max(founded_on, item.unions[-1].dissolved_on + datetime.timedelta(1))
            founded_on = min(founded_on, today)
        dissolved_on = _date_between(rng, founded_on, today) if dissolved else None
    workers = row.workers if row.workers is not None else _log_normal(rng, 40, 0.6)
    reported = max(1, round(workers * rng.uniform(0.6, 0.95)))
    upper = row.managing_union
    name = clean_text(f"{rng.choice(('Công đoàn', 'Công đoàn', 'Công đoàn cơ sở'))} {row.name}")
    item.unions.append(
        GrassrootsUnion(
            enterprise=row,
            name=name,
            search_key=fold(name),
            founded_on=founded_on,
            decision_number=_decision_number(rng, upper),
            upper_union=upper,
            members_reported=reported,
            chair=_chair(rng, item.sector),
            dissolved_on=dissolved_on,
        )
    )


def _chair(rng: random.Random, sector: Sector) -> str:
    return _person(rng, female_share=sector.female_share, born=(1965, 1995), peak=1980).name


def _mid(start: datetime.date, end: datetime.date) -> datetime.date:
    return start + (end - start) / 2


def _union_founded(
    rng: random.Random,
    enterprise_founded: datetime.date,
    earliest: datetime.date,
    today: datetime.date,
) -> datetime.date:
    """Some years after the enterprise, within the last 15; a fair number in the campaign year."""
    if rng.random() < 0.2:
        start = max(earliest, datetime.date(CAMPAIGN_YEAR, 1, 1))
        end = min(today, datetime.date(CAMPAIGN_YEAR, 12, 31))
        if start <= end:
            return _date_between(rng, start, end)
    lag = datetime.timedelta(days=round(rng.expovariate(1 / 3) * 365.25))
    founded = enterprise_founded + lag
    if founded < earliest:  # an old enterprise: organised at some point in the 15 years
        return _date_between(rng, earliest, min(today, _add_years(earliest, 10)))
    if founded > today:
        return _date_between(rng, earliest, today)
    return founded


def _decision_number(rng: random.Random, upper: UpperUnion) -> str:
    issuer = "CĐKCN" if upper.kind == UpperUnion.Kind.INDUSTRIAL_ZONE else "LĐLĐ"
    return f"{rng.randint(1, 400)}/QĐ-{issuer}"


# --------------------------------------------------------------------------------------------
# Members.
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Person:
    name: str
    gender: str
    born: datetime.date


def _person(
    rng: random.Random, *, female_share: float, born: tuple[int, int], peak: int
) -> _Person:
    """A name, gender and birthday; birth years spread around `peak` within `born`."""
    female = rng.random() < female_share
    year = min(max(round(rng.gauss(peak, 8)), born[0]), born[1])
    birthday = datetime.date(year, 1, 1) + datetime.timedelta(days=rng.randrange(365))
    family = _weighted(rng, FAMILY_NAMES)
    # Văn and Thị are the usual middle names, less so for those born since the 1990s.
    traditional = rng.random() < (0.55 if year < 1990 else 0.3)
    if female:
        middle = "Thị" if traditional else rng.choice(FEMALE_MIDDLE)
        if middle == "Thị" and rng.random() < 0.15:
            middle = f"Thị {rng.choice(FEMALE_MIDDLE)}"
        given = rng.choice(FEMALE_GIVEN)
    else:
        middle = "Văn" if traditional else rng.choice(MALE_MIDDLE)
        given = rng.choice(MALE_GIVEN)
    gender = Member.Gender.FEMALE if female else Member.Gender.MALE
    return _Person(name=f"{family} {middle} {given}", gender=gender, born=birthday)


class _IdRegistry:
    def __init__(self, home_code: str) -> None:
        self.home = home_code.zfill(3)
        self.taken: set[str] = set()

    def national_id(self, rng: random.Random, person: _Person) -> str | None:
        roll = rng.random()
        if roll < 0.70:
            make = self._citizen_id
        elif roll < 0.85 and person.born.year < 1995:
            make = self._old_id
        else:
            return None
        while True:
            value = make(rng, person)
            if value not in self.taken:
                self.taken.add(value)
                return value

    def _citizen_id(self, rng: random.Random, person: _Person) -> str:
        """CCCD: province of birth, gender-and-century digit, year of birth, 6 random digits."""
        province = self.home if rng.random() < 0.8 else rng.choice(BIRTH_PROVINCE_CODES)
        century = 0 if person.born.year < 2000 else 2
        female = 1 if person.gender == Member.Gender.FEMALE else 0
        return f"{province}{century + female}{person.born.year % 100:02d}{rng.randrange(10**6):06d}"

    def _old_id(self, rng: random.Random, person: _Person) -> str:
        return f"12{rng.randrange(10**7):07d}"


def _allocate_members(unions: list[GrassrootsUnion], target: int) -> list[int]:
    """Members to create per union: growing with members reported, never above it, summing to
    about `target`. Small unions list most of their members, big ones a sample, as real lists do.
    """
    reported = [union.members_reported or 1 for union in unions]
    if sum(reported) <= target:
        return reported

    def counts(factor: float) -> list[int]:
        return [min(r, max(1, round(factor * r**0.7))) for r in reported]

    low, high = 0.0, float(max(reported))
    for _step in range(60):
        mid = (low + high) / 2
        if sum(counts(mid)) > target:
            high = mid
        else:
            low = mid
    result = counts(low)
    # Hand out what the rounding left, one by one, to the unions with room for more.
    spare = target - sum(result)
    for index in sorted(range(len(unions)), key=lambda i: -reported[i]):
        if spare <= 0:
            break
        if result[index] < reported[index]:
            result[index] += 1
            spare -= 1
    return result


def _build_members(
    rng: random.Random,
    unions: list[GrassrootsUnion],
    sectors: dict[int, Sector],
    target: int,
    today: datetime.date,
    home_code: str,
) -> list[Member]:
    ids = _IdRegistry(home_code)
    youngest = min(2006, today.year - 18)
    members = []
    active = [union for union in unions if union.dissolved_on is None]
    for union, count in zip(active, _allocate_members(active, target), strict=True):
        sector = sectors[id(union)]
        for _n in range(count):
            members.append(_build_member(rng, union, sector, ids, today, youngest))
    return members


def _build_member(
    rng: random.Random,
    union: GrassrootsUnion,
    sector: Sector,
    ids: _IdRegistry,
    today: datetime.date,
    youngest: int,
) -> Member:
    # Workers are young: most were born in the 1990s.
    person = _person(rng, female_share=sector.female_share, born=(1965, youngest), peak=1993)
    year_only = rng.random() < 0.03
    born = datetime.date(person.born.year, 1, 1) if year_only else person.born
    joined_on = None
    if rng.random() < 0.95:
        start = max(union.founded_on, _add_years(person.born, 18))
        joined_on = _date_between(rng, min(start, today), today)
    age = today.year - born.year
    phone = ""
    if rng.random() < 0.9:
        phone = f"{_weighted(rng, (('09', 6), ('03', 2), ('08', 1)))}{rng.randrange(10**8):08d}"
    job = rng.choice(sector.jobs) if rng.random() < 0.85 else rng.choice(COMMON_JOBS)
    return Member(
        full_name=person.name,
        search_key=fold(person.name),
        date_of_birth=born,
        birth_year_only=year_only,
        gender=person.gender,
        national_id=ids.national_id(rng, person),
        union=union,
        joined_on=joined_on,
        education=_education(rng, age),
        phone=phone,
        job=job,
        youth_union=age <= 30 and rng.random() < 0.45,
    )


def _education(rng: random.Random, age: int) -> str:
    if age < 22:  # too young for a college or university degree
        return _weighted(rng, [(level, w) for level, w in EDUCATION if level in SCHOOL_LEVELS])
    return _weighted(rng, EDUCATION)


# --------------------------------------------------------------------------------------------
# The whole seed.
# --------------------------------------------------------------------------------------------


@transaction.atomic
def seed_unions(*, scale: str = "small", seed: int = 1, today: datetime.date) -> SeedSummary:
    """Create the demo enterprises, headcounts, unions and members; the territory must be loaded.

    Deterministic for a given `seed` and `today`. Adds to what is there: callers check that the
    database holds no enterprises first (tax codes would collide).
    """
    size = SCALES[scale]
    rng = random.Random(seed)
    threshold = settings.UNION_THRESHOLD
    territory = load_territory()
    built = _build_enterprises(rng, territory, size.enterprises, today)
    _build_unions(rng, built, seed, today, threshold)

    enterprises = [item.row for item in built]
    _create_with_history(enterprises, Enterprise)
    headcounts = [
        Headcount(enterprise=item.row, on=day, workers=workers)
        for item in built
        for day, workers in item.headcounts
    ]
    Headcount.objects.bulk_create(headcounts, batch_size=BATCH_SIZE)

    unions = [union for item in built for union in item.unions]
    for union in unions:
        union.enterprise_id = union.enterprise.pk  # set before the enterprise had a key
    _create_with_history(unions, GrassrootsUnion)

    sectors = {id(union): item.sector for item in built for union in item.unions}
    members = _build_members(rng, unions, sectors, size.members, today, territory.province.code)
    _create_with_history(members, Member)
    return SeedSummary(
        enterprises=len(enterprises),
        headcounts=len(headcounts),
        unions=len(unions),
        members=len(members),
    )


def _create_with_history(rows: list, model) -> None:
    """Bulk-create the rows, then their "+" history rows in one INSERT … SELECT, as the import
    engine does: building 80,000 historical instances in Python would double the seed's time."""
    if not rows:
        return
    model.objects.bulk_create(rows, batch_size=BATCH_SIZE)
    keys = [row.pk for row in rows]
    pk = quote(model._meta.pk.column)
    insert_history(
        model,
        from_sql=f"FROM {quote(model._meta.db_table)} t WHERE t.{pk} BETWEEN %s AND %s",
        type_sql="'+'",
        params=[min(keys), max(keys)],
        when=timezone.now(),
        reason=DEMO_CHANGE_REASON,
        user_id=None,
    )


# --------------------------------------------------------------------------------------------
# Demo users, one per role.
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: str
    district: AdministrativeUnit | None = None
    upper_union: UpperUnion | None = None


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    scope: str
    password: str


def district_slug(district: AdministrativeUnit) -> str:
    """A short ASCII handle: a city or town by initials ("tpbg"), a rural district by name
    ("yenthe")."""
    folded = fold(district.name)
    rest = strip_prefix(folded, DISTRICT_PREFIXES)
    if district.kind in TOWN_KINDS:
        prefix = folded[: len(folded) - len(rest)].split()
        return "".join(word[0] for word in (*prefix, *rest.split()))
    return rest.replace(" ", "")


def demo_users() -> list[DemoUser]:
    """One user per role; the district ones work in the province's first two districts by code
    (Thành phố Bắc Giang and Huyện Yên Thế in Bắc Giang)."""
    districts = AdministrativeUnit.objects.filter(
        level=AdministrativeUnit.Level.DISTRICT,
        parent__code=str(settings.PROVINCE_CODE).zfill(2),
    )
    first, second = ([*sorted(districts, key=lambda unit: unit.code)] + [None, None])[:2]
    zone_union = (
        UpperUnion.objects.filter(kind=UpperUnion.Kind.INDUSTRIAL_ZONE).order_by("pk").first()
    )
    users = [DemoUser("admin_tinh", access.PROVINCE_ADMIN)]
    if first is not None:
        users.append(DemoUser(f"canbo_{district_slug(first)}", access.DISTRICT_STAFF, first))
    if second is not None:
        users.append(DemoUser(f"canbo_{district_slug(second)}", access.DISTRICT_STAFF, second))
    if zone_union is not None:
        users.append(DemoUser("canbo_kcn", access.ZONE_STAFF, upper_union=zone_union))
    users.append(DemoUser("xem_tinh", access.PARTY_VIEWER_PROVINCE))
    if first is not None:
        users.append(DemoUser(f"xem_{district_slug(first)}", access.PARTY_VIEWER_DISTRICT, first))
    return users


@transaction.atomic
def ensure_demo_users(*, password: str = DEMO_PASSWORD) -> list[User]:
    """Create the demo users that do not exist yet; existing ones (and their passwords) are kept.

    They are made by the staff service, as operators' accounts are, so they get the same groups,
    permissions and scopes.
    """
    users = []
    for spec in demo_users():
        user = User.objects.filter(username=spec.username).first()
        if user is None:
            user = create_staff(
                username=spec.username,
                role=spec.role,
                password=password,
                district_code=spec.district.code if spec.district else None,
                upper_union_id=spec.upper_union.pk if spec.upper_union else None,
            )
        users.append(user)
    return users


def demo_logins() -> list[DemoLogin]:
    """The demo users that exist, with their role, scope and, while unchanged, the password."""
    names = [spec.username for spec in demo_users()]
    users = {
        user.username: user
        for user in User.objects.filter(username__in=names).select_related(
            "scope__district", "scope__upper_union"
        )
    }
    rows = []
    for name in names:
        user = users.get(name)
        if user is None:
            continue
        role = access.access_for(user).role
        scope = getattr(user, "scope", None)
        rows.append(
            DemoLogin(
                username=user.username,
                role=str(access.ROLE_LABELS.get(role, "-")),
                scope=str(scope) if scope is not None else _("whole province"),
                password=DEMO_PASSWORD if user.check_password(DEMO_PASSWORD) else _("(changed)"),
            )
        )
    return rows
