"""Upload hostile files to a running server as a signed-in officer would, through the browser's
forms; every answer must be a page (not a 5xx, not a dropped connection).

    .venv/bin/python .ci/hostile_uploads.py BASE_URL USERNAME PASSWORD

The files are made here, in a temporary directory: a 1.5 KB workbook whose last cell lies at
XFD1048576 (calamine would allocate terabytes), a workbook whose 1.1 GB of spaces compress to
about a megabyte, and a CSV with NUL and other control characters. `production_smoke` checks
afterwards that the same gunicorn workers answer and how much memory they took.
"""

from __future__ import annotations

import http.cookiejar
import re
import sys
import tempfile
import urllib.error
import urllib.parse
import urllib.request
import uuid
import zipfile
from pathlib import Path

UPLOAD_PATH = "/imports/new/enterprises/"
_PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
        'package/2006/content-types"><Default Extension="rels" ContentType="application/'
        'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" '
        'ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType='
        '"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
    ),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
        'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://'
        'schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
        'Target="xl/workbook.xml"/></Relationships>'
    ),
    "xl/workbook.xml": (
        '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.'
        'org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/'
        'officeDocument/2006/relationships"><sheets><sheet name="DS" sheetId="1" r:id="rId1"/>'
        "</sheets></workbook>"
    ),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
        'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://'
        'schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
        'Target="worksheets/sheet1.xml"/></Relationships>'
    ),
}
_HEAD = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    '<row r="1"><c r="A1" t="inlineStr"><is><t>Mã số thuế</t></is></c>'
    '<c r="B1" t="inlineStr"><is><t>Tên doanh nghiệp</t></is></c></row>'
)


def _workbook(path: Path, write_sheet) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in _PARTS.items():
            archive.writestr(name, text)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            write_sheet(sheet)
    return path


def grid_bomb(directory: Path) -> Path:
    def write(sheet):
        sheet.write(_HEAD.encode())
        sheet.write(b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c>')
        sheet.write(b"</row></sheetData></worksheet>")

    return _workbook(directory / "o_cuoi.xlsx", write)


def spaces_bomb(directory: Path) -> Path:
    def write(sheet):
        sheet.write(_HEAD.encode() + b'<row r="2"><c r="A2" t="inlineStr"><is><t>')
        block = b" " * (1 << 24)
        for _ in range(66):  # 1.1 GB
            sheet.write(block)
        sheet.write(b"</t></is></c></row></sheetData></worksheet>")

    return _workbook(directory / "khoang_trang.xlsx", write)


def control_characters(directory: Path) -> Path:
    path = directory / "nul.csv"
    path.write_bytes(
        "Mã số thuế,Tên doanh nghiệp,Huyện,Số lao động\n"
        "2400123458,Nul\x00Name\x07,Thành phố Bắc Giang,5\n".encode()
    )
    return path


class _LoopbackPolicy(http.cookiejar.DefaultCookiePolicy):
    """Send the production settings' Secure cookies back over the loopback's plain HTTP."""

    def return_ok_secure(self, cookie, request):
        return True


class Browser:
    """As a browser behind the TLS proxy of docs/deploy.md: the proxy's header says https."""

    def __init__(self, base: str) -> None:
        self.base = base.rstrip("/")
        self.secure_base = self.base.replace("http://", "https://", 1)
        self.cookies = http.cookiejar.CookieJar(policy=_LoopbackPolicy())
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))

    def csrf(self) -> str:
        return next(cookie.value for cookie in self.cookies if cookie.name == "csrftoken")

    def request(self, path: str, data: bytes | None = None, content_type: str | None = None):
        headers = {"Referer": self.secure_base + path, "X-Forwarded-Proto": "https"}
        if content_type:
            headers["Content-Type"] = content_type
        request = urllib.request.Request(self.base + path, data=data, headers=headers)
        try:
            with self.opener.open(request, timeout=300) as response:
                return response.status, response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode("utf-8", "replace")

    def sign_in(self, username: str, password: str) -> None:
        self.request("/admin/login/")
        form = {"username": username, "password": password, "csrfmiddlewaretoken": self.csrf()}
        status, body = self.request(
            "/admin/login/?next=/", urllib.parse.urlencode(form).encode(), FORM
        )
        if status != 200 or 'name="password"' in body:
            raise SystemExit(f"Could not sign in as {username} (HTTP {status})")

    def upload(self, path: Path) -> tuple[int, str]:
        self.request(UPLOAD_PATH)
        boundary = uuid.uuid4().hex
        parts = [
            f'--{boundary}\r\nContent-Disposition: form-data; name="csrfmiddlewaretoken"\r\n\r\n'
            f"{self.csrf()}\r\n".encode(),
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
            f'filename="{path.name}"\r\nContent-Type: application/octet-stream\r\n\r\n'.encode()
            + path.read_bytes()
            + b"\r\n",
            f"--{boundary}--\r\n".encode(),
        ]
        return self.request(
            UPLOAD_PATH, b"".join(parts), f"multipart/form-data; boundary={boundary}"
        )


FORM = "application/x-www-form-urlencoded"


def main(base: str, username: str, password: str) -> int:
    browser = Browser(base)
    browser.sign_in(username, password)
    failures = 0
    with tempfile.TemporaryDirectory() as directory:
        for make in (grid_bomb, spaces_bomb, control_characters):
            path = make(Path(directory))
            status, body = browser.upload(path)
            title = re.search(r"<title>(.*?)</title>", body, re.S)
            shown = " ".join((title.group(1) if title else "").split())
            print(f"{path.name} ({path.stat().st_size:,} bytes): HTTP {status}, {shown!r}")
            failures += status >= 500
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
