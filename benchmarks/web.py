"""The web face's speed (issue 18, item 6) on this machine, over loopback:

    python benchmarks/web.py                    # 20 uploading at once, dashboard of 3,000, render all of 1,000
    python benchmarks/web.py --accepted 200     # a quicker render-all
    python benchmarks/web.py --only-uploads     # (1) only; --workers N: the server's check workers

(1) upload → findings page: 20 agencies upload at once, each 10 times (half of them faulty
    workbooks); the time from sending the upload to having the findings page (the POST,
    its redirect, the page), p50 and p95;  target p50 ≤ 100 ms, p95 ≤ 300 ms.  Sustained
    (each uploads again at once) and (1') in bursts (all 20 press “upload” together);
    (1b) sustained into a round of 3,000 agencies.  With the server's processor time
    per upload (its check workers included) and the machine's load.
(2) the dashboard of a round of 3,000 agencies (most with versions, findings, decisions),
    median of 10 loads;  target ≤ 300 ms.
(3) render all of N accepted versions (default 1,000), from the click to the zip being
    ready (the progress page's JSON polled), with the server's peak memory;  target ≤ 30 s.

A real ``reportgen serve`` (SQLite, waitress) in a subprocess; the benchmark fills the
same data folder through the library (Django set up on it) where going through HTTP
would only measure the filling.  Nothing in the test suite asserts a time."""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "tests" / "web")]


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def cpu_seconds(pid: int) -> float:
    """Processor time so far (user + system) of the process and its children (the
    server's check workers), from /proc."""
    def own(p: int) -> float:
        fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    total = own(pid)
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                total += own(int(stat.parent.name))
        except (OSError, ValueError, IndexError):
            pass  # ended meanwhile
    return total


def load() -> str:
    """The machine's load (it is shared): every figure is printed with it."""
    return "load average %.2f %.2f %.2f" % os.getloadavg()


def upload_line(title: str, server, links: dict[str, str], files: dict, uploads: int, burst: bool = False) -> str:
    """Every agency of ``links`` uploads ``uploads`` times (faulty and good in turn), all
    at once, and reads its findings page; the time of each from sending the upload to
    having the page (the POST, its redirect, the page).

    Sustained: each agency uploads again as soon as it has its page (20 uploads always
    in flight: the latency is 20 ÷ the server's throughput).  Bursts: the agencies press
    “upload” at the same moment, and the next burst starts when all have their pages."""
    from webtools import Visitor

    times: list[float] = []
    lock = threading.Lock()
    gate = threading.Barrier(len(links))

    def uploader(name: str) -> None:
        visitor = Visitor(server.url)
        visitor.get(links[name])
        for k in range(uploads):
            path = files[name][k % 2]
            body = path.read_bytes()
            if burst:
                gate.wait()
            start = time.perf_counter()
            status, _ = visitor.post(links[name] + "upload", {}, {"workbook": (path.name, body)})
            page_status, page = visitor.get(links[name])
            elapsed = time.perf_counter() - start
            assert status == 302 and page_status == 200 and "检查结果".encode() in page, (status, page_status)
            with lock:
                times.append(elapsed)

    threads = [threading.Thread(target=uploader, args=(n,)) for n in links]
    before = load()
    cpu = cpu_seconds(server.proc.pid)
    client = time.process_time()  # this process: the uploaders' own share of the two cores
    wall = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - wall
    cpu = cpu_seconds(server.proc.pid) - cpu
    client = time.process_time() - client
    return (f"{title}, {len(links)} at once, {len(times)} uploads in {wall:.1f} s: "
            f"p50 {percentile(times, 50) * 1000:.0f} ms, p95 {percentile(times, 95) * 1000:.0f} ms, "
            f"max {max(times) * 1000:.0f} ms  (targets 100 / 300 ms); server CPU {cpu / len(times) * 1000:.1f} ms "
            f"an upload, the uploaders {client / len(times) * 1000:.1f} ms; {before}, after {load()}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--uploaders", type=int, default=20)
    parser.add_argument("--uploads", type=int, default=10, help="uploads per uploader")
    parser.add_argument("--agencies", type=int, default=3000)
    parser.add_argument("--accepted", type=int, default=1000)
    parser.add_argument("--workers", type=int, help="the server's check workers (default: its own default)")
    parser.add_argument("--only-uploads", action="store_true", help="measure (1) only")
    args = parser.parse_args()

    from collection_tree import base_workbook, clone
    from conftest import edit
    from webtools import Server, office_on, round_on

    work = Path(tempfile.mkdtemp(prefix="reportgen-web-bench-"))
    data = work / "data"
    base = base_workbook(work / "base")
    options = ["--workers", str(args.workers)] if args.workers is not None else []
    server = Server(data, None, *options).start()
    print(f"server: {server.url}  data: {data}")

    def restarted(server: Server) -> Server:
        """The same server started again: its per-address upload limit (300 in 10 minutes,
        all of ours come from 127.0.0.1) counts afresh."""
        server.stop()
        return Server(data, None, *options).start()

    def files_for(names: list[str]) -> dict[str, tuple[Path, Path]]:
        files = {}
        for n in names:
            good = clone(base, work / "up" / f"{n}.xlsx", n)
            bad = edit(clone(base, work / "up" / f"{n}-有错.xlsx", n), {("表三", "D11"): "12件"})
            files[n] = (good, bad)
        return files

    try:
        office = office_on(server)
        # ---------------------------------------------------------------- (1) uploads
        names = [f"上传测试第{i:02d}局" for i in range(args.uploaders)]
        _, links = round_on(office, names)
        files = files_for(names)
        print(upload_line("(1) upload → findings page, sustained", server, links, files, args.uploads))
        if args.only_uploads:
            return
        server = restarted(server)
        print(upload_line("(1') upload → findings page, bursts", server, links, files, args.uploads, burst=True))
        server = restarted(server)
        office.base = server.url

        # ---------------------------------------------------------------- (2) the dashboard
        from reportgen.web.conf import setup

        setup(data)
        from django.contrib.auth import get_user_model
        from django.db import transaction

        from reportgen.web import services as svc
        from reportgen.web.models import ACCEPT, Agency, Version

        user = get_user_model().objects.get(username="管理员")
        big = svc.create_round("三千个机关", "示范省人民政府办公厅", 2023, __import__("datetime").date(2099, 1, 31),
                               [f"示范省第{i:04d}机关" for i in range(args.agencies)], user, "127.0.0.1")
        samples = list(Version.objects.filter(agency__round__name="服务器测试").order_by("id")[:2])
        agencies = list(big.agencies.order_by("position"))
        with transaction.atomic():
            made = []
            for i, a in enumerate(agencies):
                if i % 10 == 9:
                    continue  # a tenth have not uploaded
                s = samples[i % 2]
                made.append(Version(agency=a, number=1, sha256=s.sha256, size=s.size, filename=s.filename,
                                    status=s.status, status_label=s.status_label, agency_name=a.name, year=s.year,
                                    title=s.title, errors=s.errors, warnings=s.warnings, first_problem=s.first_problem,
                                    findings=s.findings, decision=ACCEPT if i % 3 == 0 and s.can_render else ""))
            Version.objects.bulk_create(made)
            by_agency = {v.agency_id: v for v in Version.objects.filter(agency__round=big)}
            for a in agencies:
                if a.pk in by_agency:
                    a.latest, a.versions_count = by_agency[a.pk], 1
            Agency.objects.bulk_update(agencies, ["latest", "versions_count"], batch_size=500)
        loads = []
        for _ in range(10):
            start = time.perf_counter()
            status, page = office.get(f"/office/rounds/{big.pk}/")
            loads.append(time.perf_counter() - start)
            assert status == 200
        print(f"(2) dashboard of {args.agencies} agencies ({len(page) // 1024} KB): median "
              f"{statistics.median(loads) * 1000:.0f} ms, best {min(loads) * 1000:.0f} ms  (target 300 ms)")

        # ------------------------------------------------- (1b) uploads into the round of 3,000
        server = restarted(server)
        office.base = server.url
        chosen = agencies[:args.uploaders]
        big_links = {a.name: f"/a/{svc.link_token(a)}/" for a in chosen}
        print(upload_line(f"(1b) the same as (1) in the round of {args.agencies}", server, big_links,
                          files_for([a.name for a in chosen]), args.uploads))

        # ---------------------------------------------------------------- (3) render all
        rnd = svc.create_round("生成测试", "示范市人民政府办公室", 2023, __import__("datetime").date(2099, 1, 31),
                               [f"生成测试第{i:04d}局" for i in range(args.accepted)], user, "127.0.0.1")
        fill = time.perf_counter()
        for a in rnd.agencies.order_by("position"):
            path = clone(base, work / "acc" / f"{a.position}.xlsx", a.name)
            with open(path, "rb") as handle:
                v = svc.receive(a, handle, f"{a.name}.xlsx", "127.0.0.1")
            Version.objects.filter(pk=v.pk).update(decision=ACCEPT)
            path.unlink()
        print(f"    ({args.accepted} accepted versions stored and checked through the library in "
              f"{time.perf_counter() - fill:.0f} s)")
        import json

        before = peak_rss_mb(server.proc.pid)
        start = time.perf_counter()
        status, _ = office.post(f"/office/rounds/{rnd.pk}/render", {})
        assert status == 302
        job = office.headers["Location"]
        polls = 0
        while True:
            state = json.loads(office.get(job + ".json")[1])
            polls += 1
            if state["state"] != "running":
                break
            time.sleep(0.25)
        elapsed = time.perf_counter() - start
        assert state["state"] == "done", state
        zip_status, archive = office.get(job + ".zip")
        print(f"(3) render all of {args.accepted} accepted: {elapsed:.1f} s to the zip "
              f"({state['rendered']} reports, {len(archive) / 1e6:.1f} MB, progress polled {polls} times; target 30 s); "
              f"server peak memory {before:.0f} MB before, {peak_rss_mb(server.proc.pid):.0f} MB after")
    finally:
        server.stop()


if __name__ == "__main__":
    main()
