"""Rendering all accepted reports of a round in the background, with its progress.

The office's request starts the job and gets a page that follows it; the zip is written
into the data folder (``exports/``) under a random name.  Jobs live in this process: a
restart forgets a running one (the office starts it again; nothing else is lost)."""

from __future__ import annotations

import secrets
import shutil
import threading
from dataclasses import dataclass, field
from pathlib import Path

RUNNING, DONE, FAILED = "running", "done", "failed"


@dataclass
class Job:
    id: str
    round_id: int
    total: int = 0
    done: int = 0
    state: str = RUNNING
    rendered: int = 0
    message: str = ""
    path: Path | None = None
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def to_json(self) -> dict:
        return {"state": self.state, "total": self.total, "done": self.done, "rendered": self.rendered,
                "message": self.message}


_jobs: dict[str, Job] = {}
_lock = threading.Lock()


def get(job_id: str, round_id: int) -> Job | None:
    job = _jobs.get(job_id)
    return job if job is not None and job.round_id == round_id else None


def start(rnd, actor: str, address: str) -> Job:
    """A render of every accepted version of ``rnd`` (the running one, if there is one)."""
    from reportgen.web import services as svc

    with _lock:
        running = next((j for j in _jobs.values() if j.round_id == rnd.pk and j.state == RUNNING), None)
        if running is not None:
            return running
        job = Job(secrets.token_hex(12), rnd.pk, total=len(svc.accepted(rnd)))
        _jobs[job.id] = job
    threading.Thread(target=_run, args=(job, rnd, actor, address), daemon=True, name=f"render-{rnd.pk}").start()
    return job


def _run(job: Job, rnd, actor: str, address: str) -> None:
    from django.db import connection

    from reportgen.web import services as svc

    def progress(index, result) -> None:
        job.done += 1

    try:
        exports = svc.data_dir() / "exports"
        exports.mkdir(exist_ok=True)
        with svc.scratch() as folder:
            target, statuses = svc.render_all(rnd, folder, progress)
            job.rendered = sum(1 for s in statuses if s.outputs)
            final = exports / f"{job.id}.zip"
            shutil.move(str(target), final)
        job.path = final
        job.state = DONE
        svc.log("render-all", actor, address, rnd, detail=f"{job.rendered} 份报告")
    except BaseException as exc:  # said on the page; the uploads are untouched
        # BaseException too: a stop signal (core.interrupt.Interrupted) may end this thread, and a job
        # left “running” would block every later render of the round.
        from reportgen.web import library as lib

        reason = "服务正在停止" if not isinstance(exc, Exception) else lib.describe_failure(exc)
        job.state, job.message = FAILED, f"生成失败（{reason}）。已上传的文件没有受影响，请重试。"
    finally:
        connection.close()  # this thread's database connection
