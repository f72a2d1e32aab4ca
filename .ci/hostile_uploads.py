"""Upload hostile files to a running server as a signed-in officer would, through the browser's
forms; every answer must be a page (not a 5xx, not a dropped connection).

    .venv/bin/python .ci/hostile_uploads.py BASE_URL USERNAME PASSWORD

The files are made here, in a temporary directory, by `tests.hostile_files`: a 1.5 KB
workbook whose last cell lies at XFD1048576 (calamine would allocate terabytes), a workbook
whose 1.1 GB of spaces compress to about a megabyte, and a CSV with NUL and other control
characters. `production_smoke` checks
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
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.hostile_files import control_characters, grid_bomb, spaces_bomb  # noqa: E402

UPLOAD_PATH = "/imports/new/enterprises/"


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
