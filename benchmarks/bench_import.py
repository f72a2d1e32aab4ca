#!/usr/bin/env python
"""Import speed on PostgreSQL: the project's engine against its peer and the physical limit.

    .venv/bin/python benchmarks/bench_import.py --rows 100000

One run (issue 4, item 6; the peer and the limit as /work/shared/BENCHMARKS.md defines them):

1. writes a realistic 10-column enterprise list of ``--rows`` rows (``realistic_file.py``,
   cached in /tmp by size and seed);
2. recreates the database ``congdoan_bench`` (drop, create, ``migrate``, ``load_units``);
3. measures, each in a fresh process so that its peak RSS is its own:
   - **new**: ``run_import`` of the file into the empty database, as an operator (no user);
   - **unchanged**: ``run_import`` of the same file again: every row unchanged;
   - **peer**: django-import-export's default ``ModelResource`` keyed on ``tax_code``, the
     district a ``ForeignKeyWidget`` by exact name, into a truncated enterprise table, on the
     first ``--peer-rows`` rows (the same enterprises) loaded by tablib;
   - **limit**: the calamine row iterator, each cell converted to a typed value, and COPY into
     a bare table with the same columns (no index, no constraint), in one transaction;
4. prints the table and the issue's targets, each PASS or MISS. The exit code is 0 either way.

Each phase's time runs from opening the file to the commit; Django's start-up is outside it.
Peak RSS is the larger of the process's and its reading child's (``ru_maxrss``), Django included.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import re
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.realistic_file import (  # noqa: E402
    HEADER_ROW,
    OWNERSHIP_CODES,
    cached_file,
)

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/congdoan_bench"
SETTINGS = "config.settings.base"
RESULT_MARK = "BENCH-RESULT "
# Targets of issue 4 ("Acceptance", "Speed").
NEW_VS_LIMIT = 0.25
NEW_VS_PEER = 15.0
UNCHANGED_VS_LIMIT = 0.40
RSS_LIMIT_MB = 300
# The peer's model fields, in the file's column order (None: a column it does not import).
# Commune names repeat across districts, so an exact-name ForeignKeyWidget cannot take them.
PEER_COLUMNS = (
    "tax_code",
    "name",
    "district",
    None,
    "workers",
    "ownership",
    "legal_form",
    "sector",
    "founded_on",
    None,
)


# Phases (each runs in its own process) --------------------------------------------------------


def _peak_rss_mb() -> float:
    # The engine reads the file in a child process: its peak counts too (the larger of both,
    # since they overlap). KiB on Linux.
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024


class Clock:
    """Wall time, this process's CPU time (its reading child's included), and the CPU time of
    the PostgreSQL server when it runs on this machine (read from /proc; else None).

    The server's time is that of all its processes: the backend serving this process, any
    other connection the import opens, and the server's own writers. Backends that have ended
    are counted through the postmaster, which collects their time when it reaps them. On a
    shared machine the wall time depends on what else runs; CPU time mostly does not.
    """

    def __init__(self, backend_pid: int | None) -> None:
        self.backend_pid = backend_pid
        stat = _stat(backend_pid) if backend_pid is not None else None
        self.postmaster_pid = int(stat[1]) if stat else None

    def backend(self) -> float | None:
        """CPU seconds of the backend serving this process."""
        stat = _stat(self.backend_pid) if self.backend_pid is not None else None
        return _seconds(stat[11]) + _seconds(stat[12]) if stat else None

    def _server(self) -> float | None:
        postmaster = _stat(self.postmaster_pid) if self.postmaster_pid is not None else None
        if postmaster is None:
            return None
        total = sum(_seconds(value) for value in postmaster[11:15])  # its own and reaped
        for entry in os.scandir("/proc"):
            if entry.name.isdigit() and (stat := _stat(int(entry.name))):
                if stat[1] == str(self.postmaster_pid):
                    total += _seconds(stat[11]) + _seconds(stat[12])
        return total

    def start(self) -> None:
        self.wall = time.perf_counter()
        self.cpu = _client_cpu()
        self.server = self._server()

    def stop(self) -> dict:
        wall, cpu = time.perf_counter(), _client_cpu()
        time.sleep(0.2)  # for the postmaster to reap a connection the run has just closed
        server = self._server()
        return {
            "seconds": wall - self.wall,
            "cpu_client": cpu - self.cpu,
            "cpu_server": None if server is None or self.server is None else server - self.server,
        }


def _client_cpu() -> float:
    """CPU seconds of this process and of its children that have ended: the engine reads the
    file in a child process, whose time is the import's too."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def _stat(pid: int) -> list[str] | None:
    """Fields of /proc/<pid>/stat after the command name: [0] state, [1] ppid, [11] utime…"""
    try:
        with open(f"/proc/{pid}/stat") as source:
            return source.read().rsplit(")", 1)[1].split()
    except OSError:
        return None


def _seconds(ticks: str) -> float:
    return int(ticks) / os.sysconf("SC_CLK_TCK")


def _django_clock() -> Clock:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return Clock(cursor.fetchone()[0])


def _statement(sql: str) -> str:
    """What a statement does, without its columns: ``INSERT INTO "unions_headcount"``."""
    words = sql.split()
    verb = words[0].upper() if words else ""
    if verb == "INSERT":
        return " ".join(words[:3])
    if verb == "WITH":
        tables = re.findall(r"\bINSERT\s+INTO\s+(\S+)", sql, flags=re.IGNORECASE)
        if tables:
            return f"WITH … INSERT INTO {', '.join(dict.fromkeys(tables))}"
    if verb in ("SELECT", "DELETE"):
        upper = [word.upper() for word in words]
        if "FROM" in upper:
            return f"{verb} … FROM {words[upper.index('FROM') + 1]}"
    return " ".join(words[:2])


class Statements:
    """Wall and server CPU time per kind of statement (a Django execute wrapper)."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.seen: dict[str, list[float]] = {}

    def __call__(self, execute, sql, params, many, context):
        server = self.clock.backend()
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            wall = time.perf_counter() - start
            spent = self.clock.backend()
            entry = self.seen.setdefault(_statement(sql), [0, 0.0, 0.0])
            entry[0] += 1
            entry[1] += wall
            if server is not None and spent is not None:
                entry[2] += spent - server


def _django() -> None:
    import django

    django.setup()


def _truncate_enterprises() -> None:
    """Empty the enterprise table and the tables that hang on it, as a fresh database has it."""
    from django.db import connection

    from unions.models import Enterprise, Headcount

    # Headcounts keep no foreign-key constraint, so CASCADE does not reach them: named here.
    tables = [
        Enterprise._meta.db_table,
        Enterprise.history.model._meta.db_table,
        Headcount._meta.db_table,
    ]
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")


def phase_import(path: Path, expected: str) -> dict:
    """The project's engine on the whole file: ``expected`` is ``created`` or ``unchanged``."""
    _django()
    from unions.importing import run_import

    if expected == "created":
        _truncate_enterprises()

    from django.db import connection

    clock = _django_clock()
    statements = Statements(clock)
    before = _peak_rss_mb()
    clock.start()
    with connection.execute_wrapper(statements):
        result = run_import(spec="enterprises", path=path)
    timing = clock.stop()
    counts = {
        name: getattr(result, name)
        for name in ("rows", "created", "updated", "unchanged", "skipped", "error_count")
    }
    counts["warning_count"] = result.warning_count
    if result.error or result.error_count or counts[expected] != result.rows:
        raise SystemExit(f"unexpected outcome: {result.error!r} {counts}")
    return {
        "rows": result.rows,
        **timing,
        "rss_mb": _peak_rss_mb(),
        "rss_before_mb": before,
        "counts": counts,
        "statements": statements.seen,
    }


def _peer_resource():
    from import_export import fields, resources, widgets

    from unions.models import AdministrativeUnit, Enterprise

    class EnterpriseResource(resources.ModelResource):
        district = fields.Field(
            attribute="district",
            column_name="district",
            widget=widgets.ForeignKeyWidget(AdministrativeUnit, "name"),
        )

        class Meta:
            model = Enterprise
            import_id_fields = ["tax_code"]
            fields = tuple(name for name in PEER_COLUMNS if name)

    return EnterpriseResource()


def _peer_value(name: str | None, value: object) -> object:
    # The peer is fed what it can take: the stored ownership codes, and workers without the
    # thousands separators its IntegerWidget would misread ("1.250" is 1 to it).
    if name == "ownership" and value:
        return OWNERSHIP_CODES[value]
    if name == "workers" and isinstance(value, str):
        return int(value.replace(".", "").replace(",", "").replace(" ", ""))
    return value


def phase_peer(path: Path) -> dict:
    """django-import-export's default import of the peer's file into a clean enterprise table."""
    _django()
    import tablib

    _truncate_enterprises()

    clock = _django_clock()
    before = _peak_rss_mb()
    start = time.perf_counter()
    with path.open("rb") as source:
        loaded = tablib.Dataset().load(source, format="xlsx", skip_lines=HEADER_ROW - 1)
    dataset = tablib.Dataset(headers=[name or f"unused_{i}" for i, name in enumerate(PEER_COLUMNS)])
    for cells in loaded:
        pairs = zip(PEER_COLUMNS, cells, strict=True)
        dataset.append([_peer_value(name, cell) for name, cell in pairs])
    load_seconds = time.perf_counter() - start
    clock.start()
    result = _peer_resource().import_data(dataset, dry_run=False)
    timing = clock.stop()
    if result.has_errors() or result.has_validation_errors():
        first = (result.invalid_rows or [None])[0] or result.base_errors or result.row_errors()[:1]
        raise SystemExit(f"the peer's import failed: {first}")
    created = result.totals.get("new", 0)
    if created != len(dataset):
        raise SystemExit(f"the peer created {created} of {len(dataset)} rows")
    return {
        "rows": len(dataset),
        # The import alone: the peer's rows/s leaves out the tablib load, which favours it.
        **timing,
        "load_seconds": load_seconds,
        "rss_mb": _peak_rss_mb(),
        "rss_before_mb": before,
    }


def _text(value: object) -> str | None:
    if value is None or value == "":
        return None
    if type(value) is float:
        return str(int(value)) if value.is_integer() else str(value)
    return str(value)


def _whole(value: object) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, str):
        return int(value.replace(".", "").replace(",", "").replace(" ", ""))
    return int(value)


def _date(value: object) -> datetime.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    return value


# The limit's columns, with the cell conversion of each.
LIMIT_COLUMNS = (
    ("tax_code", "text", _text),
    ("name", "text", _text),
    ("district", "text", _text),
    ("commune", "text", _text),
    ("workers", "integer", _whole),
    ("ownership", "text", _text),
    ("legal_form", "text", _text),
    ("sector", "text", _text),
    ("founded_on", "date", _date),
    ("industrial_zone", "text", _text),
)


def phase_limit(path: Path, url: str) -> dict:
    """calamine read + typed cells + COPY into a bare table, one transaction."""
    import psycopg
    import python_calamine

    table = "bench_limit"
    converters = [convert for _name, _type, convert in LIMIT_COLUMNS]
    names = ", ".join(name for name, _type, _convert in LIMIT_COLUMNS)
    definition = ", ".join(f"{name} {kind}" for name, kind, _convert in LIMIT_COLUMNS)
    with psycopg.connect(url) as connection:
        connection.execute(f"DROP TABLE IF EXISTS {table}")
        connection.execute(f"CREATE TABLE {table} ({definition})")
        connection.commit()
        clock = Clock(connection.info.backend_pid)
        before = _peak_rss_mb()
        clock.start()
        workbook = python_calamine.CalamineWorkbook.from_path(str(path))
        sheet = workbook.get_sheet_by_index(0)
        rows = 0
        with connection.cursor() as cursor:
            with cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for number, cells in enumerate(sheet.iter_rows(), start=1):
                    if number <= HEADER_ROW:
                        continue
                    pairs = zip(converters, cells, strict=True)
                    copy.write_row([convert(cell) for convert, cell in pairs])
                    rows += 1
        connection.commit()
        timing = clock.stop()
        workbook.close()
        copied = connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        connection.execute(f"DROP TABLE {table}")
        connection.commit()
    if copied != rows:
        raise SystemExit(f"the limit copied {copied} of {rows} rows")
    return {"rows": rows, **timing, "rss_mb": _peak_rss_mb(), "rss_before_mb": before}


def run_phase(args: argparse.Namespace) -> None:
    path = Path(args.file)
    if args.phase == "new":
        report = phase_import(path, "created")
    elif args.phase == "unchanged":
        report = phase_import(path, "unchanged")
    elif args.phase == "peer":
        report = phase_peer(path)
    elif args.phase == "limit":
        report = phase_limit(path, args.database_url)
    else:
        raise SystemExit(f"unknown phase {args.phase}")
    report["load"] = os.getloadavg()[0]
    print(RESULT_MARK + json.dumps(report), flush=True)


# The driver ------------------------------------------------------------------------------------


def _environment(url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE=SETTINGS,
        DATABASE_URL=url,
        # DEBUG would make Django keep every query of the peer's run in memory.
        DEBUG="False",
        PYTHONUNBUFFERED="1",
    )
    return env


def _child(args: argparse.Namespace, phase: str, path: Path) -> dict:
    command = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--phase",
        phase,
        "--file",
        str(path),
        "--database-url",
        args.database_url,
    ]
    done = subprocess.run(
        command,
        cwd=ROOT,
        env=_environment(args.database_url),
        stdout=subprocess.PIPE,
        text=True,
        check=False,
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith(RESULT_MARK)]
    if done.returncode or not lines:
        sys.stderr.write(done.stdout)
        raise SystemExit(f"phase {phase} failed (exit {done.returncode})")
    return json.loads(lines[-1][len(RESULT_MARK) :])


def _database_name(url: str) -> str:
    return url.rsplit("/", 1)[1].split("?", 1)[0]


def _admin_connection(url: str):
    import psycopg

    return psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True)


def recreate_database(url: str) -> str:
    """Drop and create the benchmark database, migrate it and load the province's units."""
    name = _database_name(url)
    with _admin_connection(url) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
        version = connection.execute("SHOW server_version").fetchone()[0]
    env = _environment(url)
    for command in (["migrate", "--noinput"], ["load_units", "--province", "24"]):
        subprocess.run(
            [sys.executable, "manage.py", *command],
            cwd=ROOT,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
    return version


def drop_database(url: str) -> None:
    with _admin_connection(url) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{_database_name(url)}" WITH (FORCE)')


def _rate(report: dict) -> float:
    return report["rows"] / report["seconds"]


def _cpu(report: dict) -> float:
    """CPU seconds of the client and, when known, of the PostgreSQL server."""
    return report["cpu_client"] + (report["cpu_server"] or 0.0)


def _cpu_rate(report: dict) -> float:
    return report["rows"] / _cpu(report)


def _median(reports: list[dict]) -> dict:
    """The run with the median rows/s, with every run's rows/s, the median rows per CPU second
    and the highest peak RSS of all the runs."""
    ordered = sorted(reports, key=_rate)
    middle = dict(ordered[(len(ordered) - 1) // 2])
    cpu_rates = sorted(_cpu_rate(report) for report in reports)
    middle["cpu_rate"] = cpu_rates[(len(cpu_rates) - 1) // 2]
    middle["server_known"] = all(report["cpu_server"] is not None for report in reports)
    middle["rss_mb"] = max(report["rss_mb"] for report in reports)
    middle["rates"] = [_rate(report) for report in reports]
    middle["loads"] = [report["load"] for report in reports]
    return middle


def _verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def _revision() -> str:
    """The commit measured, and whether the engine had uncommitted changes."""
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "unions/importing"],
            cwd=ROOT,
            capture_output=True,
            text=True,
        ).stdout.strip()
    except OSError:
        return "unknown commit"
    return f"commit {commit}" + (" with uncommitted engine changes" if dirty else "")


def render(args, runs: dict[str, list[dict]], version: str) -> str:
    reports = {phase: _median(found) for phase, found in runs.items()}
    new, unchanged = reports["new"], reports["unchanged"]
    peer, limit = reports["peer"], reports["limit"]
    loads = [load for report in reports.values() for load in report["loads"]]
    lines = [
        f"Import benchmark, {time.strftime('%Y-%m-%d')}, {_revision()}: {args.rows:,} rows "
        f"(peer {peer['rows']:,}), seed {args.seed}, median of {args.repeat} "
        f"run{'s' if args.repeat > 1 else ''}; PostgreSQL {version}, "
        f"Python {platform.python_version()}, {os.cpu_count()} CPUs, 1-minute load average "
        f"{min(loads):.1f}–{max(loads):.1f} at the end of the runs",
        "",
        "| path | rows | seconds | rows/s | every run, rows/s | CPU s, client + server "
        "| rows per CPU s | peak RSS |",
        "|---|---:|---:|---:|---|---:|---:|---:|",
    ]
    titled = (
        ("project: new file (`run_import`, operator)", new),
        ("project: same file again, all unchanged", unchanged),
        ("django-import-export default `ModelResource`", peer),
        ("limit: calamine read + typed cells + COPY", limit),
    )
    for title, report in titled:
        rates = ", ".join(f"{rate:,.0f}" for rate in report["rates"])
        server = "?" if report["cpu_server"] is None else f"{report['cpu_server']:.2f}"
        lines.append(
            f"| {title} | {report['rows']:,} | {report['seconds']:.2f} | "
            f"{_rate(report):,.0f} | {rates} | {report['cpu_client']:.2f} + {server} | "
            f"{report['cpu_rate']:,.0f} | {report['rss_mb']:.0f} MB |"
        )

    def ratio(a: dict, b: dict) -> tuple[float, float]:
        return _rate(a) / _rate(b), a["cpu_rate"] / b["cpu_rate"]

    new_limit, new_limit_cpu = ratio(new, limit)
    new_peer, new_peer_cpu = ratio(new, peer)
    again_limit, again_limit_cpu = ratio(unchanged, limit)
    rss = max(new["rss_mb"], unchanged["rss_mb"])
    lines += [
        "",
        "| target | measured (rows/s) | goal | | by CPU time |",
        "|---|---:|---:|---|---:|",
        f"| new import / limit | {new_limit:.0%} | ≥ {NEW_VS_LIMIT:.0%} | "
        f"{_verdict(new_limit >= NEW_VS_LIMIT)} | {new_limit_cpu:.0%} |",
        f"| new import / django-import-export default | {new_peer:.1f}× | ≥ {NEW_VS_PEER:g}× | "
        f"{_verdict(new_peer >= NEW_VS_PEER)} | {new_peer_cpu:.1f}× |",
        f"| unchanged re-import / limit | {again_limit:.0%} | ≥ {UNCHANGED_VS_LIMIT:.0%} | "
        f"{_verdict(again_limit >= UNCHANGED_VS_LIMIT)} | {again_limit_cpu:.0%} |",
        f"| peak RSS of the project's imports | {rss:.0f} MB | ≤ {RSS_LIMIT_MB} MB | "
        f"{_verdict(rss <= RSS_LIMIT_MB)} | |",
        "",
        f"Peer: `import_data` alone; its tablib load took {peer['load_seconds']:.2f} s more. "
        "Peak RSS includes Django and the process's start "
        f"({new['rss_before_mb']:.0f} MB before the new import). "
        "CPU time: the benchmark's process and every PostgreSQL server process; "
        "it leaves out waiting for the disk.",
    ]
    for title, report in (("new import", new), ("unchanged re-import", unchanged)):
        lines += ["", *_breakdown(title, report)]
    return "\n".join(lines)


def _breakdown(title: str, report: dict) -> list[str]:
    """Where the server's time went in one run of the project's import."""
    seen = sorted(report["statements"].items(), key=lambda item: -item[1][2])
    known = report["cpu_server"] is not None
    lines = [
        f"Server time of the {title} (median run), by statement:",
        "",
        "| statement | count | wall s | server CPU s |",
        "|---|---:|---:|---:|",
    ]
    listed = 0.0
    for name, (count, wall, cpu) in seen:
        if wall < 0.05 and cpu < 0.05:
            continue
        listed += cpu
        lines.append(
            f"| `{name}` | {count:,} | {wall:.2f} | {cpu:.2f} |"
            if known
            else f"| `{name}` | {count:,} | {wall:.2f} | ? |"
        )
    if known:
        rest = report["cpu_server"] - listed
        lines.append(
            f"| everything else: COPY, smaller statements, pipelined statements "
            f"and the server's own processes | | | {rest:.2f} |"
        )
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000, help="rows of the file (100,000)")
    parser.add_argument(
        "--peer-rows",
        type=int,
        default=None,
        help="rows for django-import-export (default: min(rows, 5000))",
    )
    parser.add_argument("--seed", type=int, default=1, help="seed of the generated file")
    parser.add_argument(
        "--repeat",
        type=int,
        default=3,
        help="runs of each phase, in fresh processes; the table gives the median (3)",
    )
    parser.add_argument(
        "--keep-db", action="store_true", help="leave the benchmark database in place"
    )
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--phase", help=argparse.SUPPRESS)
    parser.add_argument("--file", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.phase:
        run_phase(args)
        return 0
    args.repeat = max(1, args.repeat)
    peer_rows = min(args.rows, args.peer_rows or 5000)

    def say(message: str) -> None:
        print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)

    say(f"writing or reusing the files ({args.rows:,} and {peer_rows:,} rows)")
    path = cached_file(args.rows, args.seed)
    peer_path = cached_file(peer_rows, args.seed)
    say(f"recreating {_database_name(args.database_url)}")
    version = recreate_database(args.database_url)
    # Rounds interleave the phases, so that a machine busier for a while slows all of them.
    rounds = [[("new", path), ("unchanged", path), ("limit", path)]] * args.repeat
    rounds += [[("peer", peer_path)]] * args.repeat
    runs: dict[str, list[dict]] = {"new": [], "unchanged": [], "peer": [], "limit": []}
    try:
        for number, phases in enumerate(rounds, start=1):
            for phase, file in phases:
                report = _child(args, phase, file)
                runs[phase].append(report)
                say(
                    f"round {number}, {phase}: {_rate(report):,.0f} rows/s, "
                    f"{report['rss_mb']:.0f} MB"
                )
    finally:
        if not args.keep_db:
            drop_database(args.database_url)
    print(render(args, runs, version))
    return 0


if __name__ == "__main__":
    sys.exit(main())
