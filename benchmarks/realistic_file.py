"""A realistic enterprise list of Bắc Giang, as the import benchmark feeds it to every path.

Ten columns as the Department of Planning and Investment sends them: tax code (valid check
digits, a few branches, some numeric cells), name with diacritics, district and commune as
``load_units`` stores them, workers (some written with thousands separators, some empty),
ownership, legal form, sector, founding date cells, and the industrial park for enterprises in
one. Two title rows sit above the header, as in real files.

The rows depend only on ``seed``: the file of ``n`` rows is the first ``n`` rows of any larger
one, so the peer's smaller file holds the same enterprises. Files are cached in /tmp by size,
seed and ``VERSION``.

No database is needed: the unit names come from the same data ``load_units`` reads.
"""

from __future__ import annotations

import datetime
import os
import random
import tempfile
from collections.abc import Iterator
from pathlib import Path

from openpyxl import Workbook

from unions.taxcode import make_tax_code
from unions.territory import sources

__all__ = [
    "HEADER",
    "HEADER_ROW",
    "OWNERSHIP_CODES",
    "VERSION",
    "cached_file",
    "enterprise_rows",
    "write_file",
]

# Bump when the rows change, so that cached files are not reused.
VERSION = 1
PROVINCE_CODE = 24
CACHE_DIR = Path(tempfile.gettempdir()) / "congdoan_bench"

HEADER = (
    "Mã số thuế",
    "Tên doanh nghiệp",
    "Huyện/Thành phố",
    "Xã/Phường/Thị trấn",
    "Số lao động",
    "Thành phần kinh tế",
    "Loại hình doanh nghiệp",
    "Ngành nghề kinh doanh chính",
    "Ngày thành lập",
    "Khu công nghiệp",
)
TITLES = (
    "DANH SÁCH DOANH NGHIỆP ĐANG HOẠT ĐỘNG TRÊN ĐỊA BÀN TỈNH BẮC GIANG",
    "(Kèm theo Công văn số 1234/SKHĐT-ĐKKD của Sở Kế hoạch và Đầu tư)",
)
# 1-based row of the header in the sheet.
HEADER_ROW = len(TITLES) + 1

# The file's ownership words and the value the import stores for each.
OWNERSHIP_CODES = {
    "Ngoài nhà nước": "domestic",
    "Có vốn đầu tư nước ngoài": "foreign",
    "FDI": "foreign",
    "Nhà nước": "state",
}
_OWNERSHIP = (("Ngoài nhà nước", 78), ("Có vốn đầu tư nước ngoài", 12), ("FDI", 4), ("Nhà nước", 3))
_LEGAL_FORMS = (
    ("Công ty TNHH", "Công ty trách nhiệm hữu hạn hai thành viên trở lên", 40),
    ("Công ty TNHH", "Công ty trách nhiệm hữu hạn một thành viên", 25),
    ("Công ty Cổ phần", "Công ty cổ phần", 25),
    ("Doanh nghiệp tư nhân", "Doanh nghiệp tư nhân", 7),
    ("Hợp tác xã", "Hợp tác xã", 3),
)
_TRADES = (
    "May mặc",
    "Xây dựng",
    "Thương mại và Dịch vụ",
    "Điện tử",
    "Nông sản",
    "Vận tải",
    "Cơ khí",
    "Thực phẩm",
    "Đầu tư và Phát triển",
    "Vật liệu xây dựng",
    "Gỗ",
    "Bao bì",
)
_BRANDS = (
    "Hòa Phát",
    "Minh Anh",
    "Thành Công",
    "Đại Dương",
    "Việt Hưng",
    "Phú Thịnh",
    "Quang Minh",
    "Hưng Thịnh",
    "An Khánh",
    "Bảo Long",
    "Trường Giang",
    "Đức Thắng",
    "Hoàng Gia",
    "Thủy Tiên",
    "Nhật Quang",
    "Lục Ngạn Xanh",
    "Sơn Động",
    "Kinh Bắc",
    "Tân Phú",
    "Ánh Dương",
)
_SECTORS = (
    "Sản xuất hàng may mặc",
    "Xây dựng nhà các loại",
    "Bán buôn vật liệu, thiết bị lắp đặt khác trong xây dựng",
    "Sản xuất linh kiện điện tử",
    "Vận tải hàng hóa bằng đường bộ",
    "Chế biến và bảo quản rau quả",
    "Sản xuất sản phẩm từ plastic",
    "Gia công cơ khí; xử lý và tráng phủ kim loại",
    "Bán lẻ lương thực, thực phẩm",
    "Sản xuất giày dép",
    "Khai thác đá, cát, sỏi, đất sét",
    "Sản xuất đồ gỗ xây dựng",
    "Hoạt động dịch vụ trồng trọt",
    "Nhà hàng và các dịch vụ ăn uống phục vụ lưu động",
)
# Weights of the districts (GSO code): the city and the industrial towns hold most firms.
_DISTRICT_WEIGHTS = {
    "213": 30,
    "222": 20,
    "223": 12,
    "217": 8,
    "216": 6,
    "218": 6,
    "224": 5,
    "219": 5,
    "215": 4,
    "220": 4,
}
# Industrial parks by district, as ``load_units`` stores them.
_ZONES = {
    "213": ("KCN Song Khê – Nội Hoàng",),
    "222": ("KCN Quang Châu", "KCN Vân Trung", "KCN Đình Trám", "KCN Việt Hàn"),
    "223": ("KCN Hòa Phú",),
}
_FIRST_DAY = datetime.date(1995, 1, 1)
_DAYS = (datetime.date(2024, 12, 31) - _FIRST_DAY).days


def _units() -> list[tuple[str, str, list[str]]]:
    """(code, district name, commune names) of the province of 30/6/2025, as ``load_units``
    stores them: 2024 lists name these."""
    former = next(
        province
        for province in sources.predecessors(PROVINCE_CODE)
        if province.code == sources.province_code(PROVINCE_CODE)
    )
    return [
        (district.code, district.name, [commune.name for commune in district.communes])
        for district in former.districts
    ]


def _tax_codes(rng: random.Random) -> Iterator[str | int]:
    """Unique Bắc Giang tax codes with valid check digits; some branches, some numeric cells."""
    start = rng.randrange(10**7)
    step = 7919  # prime, so coprime with 10**7: every counter gives another code
    counter = 0
    while True:
        nine = f"24{(start + counter * step) % 10**7:07d}"
        counter += 1
        code = make_tax_code(nine)
        if code is None:
            continue
        draw = rng.random()
        if draw < 0.03:
            yield f"{code}-{rng.randint(1, 12):03d}"
        elif draw < 0.13:
            yield int(code)  # typed as a number in Excel
        else:
            yield code


def _workers(rng: random.Random) -> int | str | None:
    draw = rng.random()
    if draw < 0.05:
        return None
    if draw < 0.60:
        number = rng.randint(1, 19)
    elif draw < 0.90:
        number = rng.randint(20, 299)
    else:
        number = rng.randint(300, 12000)
    if number >= 1000 and rng.random() < 0.7:
        # Typed as text with a thousands separator, as Vietnamese lists often are.
        separator = rng.choice((".", ".", ",", " "))
        return f"{number // 1000}{separator}{number % 1000:03d}"
    return number


def enterprise_rows(rows: int, seed: int) -> Iterator[list[object]]:
    """The data rows: the same seed gives the same rows, whatever ``rows`` is."""
    rng = random.Random(seed)
    units = _units()
    by_code = {code: (name, communes) for code, name, communes in units}
    codes = list(_DISTRICT_WEIGHTS)
    weights = list(_DISTRICT_WEIGHTS.values())
    ownerships = [word for word, _weight in _OWNERSHIP]
    ownership_weights = [weight for _word, weight in _OWNERSHIP]
    tax_codes = _tax_codes(rng)
    for _index in range(rows):
        district_code = rng.choices(codes, weights)[0]
        district, communes = by_code[district_code]
        prefix, legal_form, _weight = rng.choices(_LEGAL_FORMS, [f[2] for f in _LEGAL_FORMS])[0]
        name = f"{prefix} {rng.choice(_TRADES)} {rng.choice(_BRANDS)}"
        if rng.random() < 0.5:
            number = rng.randint(1, 99)
            name = f"{name} {rng.choice(('Bắc Giang', 'Việt Nam', 'Quốc tế', f'số {number}'))}"
        zones = _ZONES.get(district_code)
        zone = rng.choice(zones) if zones and rng.random() < 0.4 else None
        founded = _FIRST_DAY + datetime.timedelta(days=rng.randrange(_DAYS))
        yield [
            next(tax_codes),
            name,
            district,
            rng.choice(communes) if rng.random() < 0.9 else None,
            _workers(rng),
            rng.choices(ownerships, ownership_weights)[0] if rng.random() < 0.97 else None,
            legal_form,
            rng.choice(_SECTORS),
            founded,
            zone,
        ]


def write_file(path: str | os.PathLike, rows: int, seed: int) -> Path:
    """Write the list as .xlsx (openpyxl write-only mode, which streams rows to disk)."""
    path = Path(path)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Danh sách DN")
    for title in TITLES:
        sheet.append([title])
    sheet.append(list(HEADER))
    for row in enterprise_rows(rows, seed):
        sheet.append(row)
    workbook.save(path)
    return path


def cached_file(rows: int, seed: int, directory: str | os.PathLike | None = None) -> Path:
    """The list of ``rows`` rows for ``seed``, written once and then reused."""
    directory = Path(directory or CACHE_DIR)
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"enterprises_v{VERSION}_n{rows}_s{seed}.xlsx"
    if not path.exists():
        partial = path.with_suffix(f".{os.getpid()}.part")
        write_file(partial, rows, seed)
        os.replace(partial, path)
    return path
