"""reportgen's cache on disk belongs to the user and stays bounded (issue 16, item 5):
in the user's cache folder as each system expects it, owner-only, within its size
bound (the entries used longest ago go first), off with ``--no-cache`` or
REPORTGEN_CACHE=off, elsewhere with REPORTGEN_CACHE_DIR."""

from __future__ import annotations

import os
import stat
import time
from pathlib import Path

import pytest

from conftest import ROOT, run_reportgen, sample, SEED
from reportgen.core import cache as C

POSIX = pytest.mark.skipif(os.name == "nt", reason="POSIX permissions and owners")


def entries(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_the_folder_follows_each_systems_convention(monkeypatch, tmp_path):
    monkeypatch.delenv("REPORTGEN_CACHE_DIR")
    monkeypatch.delenv("REPORTGEN_CACHE", raising=False)
    monkeypatch.setattr(C.Path, "home", classmethod(lambda cls: tmp_path / "home"))
    monkeypatch.setattr(C, "_system", lambda: "other")
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    assert C.cache_folder() == tmp_path / "home" / ".cache" / "reportgen"
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert C.cache_folder() == tmp_path / "xdg" / "reportgen"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/path")  # not absolute: ignored, as XDG says
    assert C.cache_folder() == tmp_path / "home" / ".cache" / "reportgen"
    monkeypatch.setattr(C, "_system", lambda: "macos")
    assert C.cache_folder() == tmp_path / "home" / "Library" / "Caches" / "reportgen"
    monkeypatch.setattr(C, "_system", lambda: "windows")
    monkeypatch.setenv("LOCALAPPDATA", str(tmp_path / "AppData" / "Local"))
    assert C.cache_folder() == tmp_path / "AppData" / "Local" / "reportgen" / "Cache"
    monkeypatch.setenv("REPORTGEN_CACHE_DIR", str(tmp_path / "server-data" / "cache"))  # a web server's choice
    assert C.cache_folder() == tmp_path / "server-data" / "cache"
    for off in ("off", "OFF", "0", "no", "false"):
        monkeypatch.setenv("REPORTGEN_CACHE", off)
        assert C.cache_folder() is None and C.user_cache() is None


def test_the_bound_holds_and_the_entries_used_longest_ago_go_first(tmp_path):
    cache = C.DiskCache.open(tmp_path / "cache", max_bytes=10_000)
    for i in range(3):
        cache.put(f"e{i}", bytes([i]) * 3000)
        os.utime(cache._path(f"e{i}"), (1_000_000 + i, 1_000_000 + i))  # e0 used longest ago … e2 last
    assert entries(cache.directory) == ["e0.bin", "e1.bin", "e2.bin"]  # 9,000 bytes: within the bound
    assert cache.get("e0") == bytes([0]) * 3000  # e0 is used now: e1 is the one used longest ago
    cache.put("e3", b"3" * 3000)
    assert entries(cache.directory) == ["e0.bin", "e2.bin", "e3.bin"]
    cache.put("e4", b"4" * 3000)
    assert entries(cache.directory) == ["e0.bin", "e3.bin", "e4.bin"]
    assert cache.size() <= 10_000
    cache.put("huge", b"x" * 10_001)  # larger than the whole bound: not kept, nothing evicted for it
    assert entries(cache.directory) == ["e0.bin", "e3.bin", "e4.bin"]
    assert cache.get("e1") is None


def test_a_render_keeps_the_cache_within_the_bound_an_environment_variable_sets(tmp_path):
    """REPORTGEN_CACHE_MAX_MB bounds a real render's cache (the prepared Word template
    and its compiled body take ≈ 190 KB: with a 0.15 MB bound, one is evicted)."""
    folder = tmp_path / "cache"
    env = {"REPORTGEN_CACHE_DIR": str(folder), "REPORTGEN_CACHE_MAX_MB": "0.15"}
    result = run_with_env(env, "render", sample(SEED), "-o", tmp_path / "out")
    assert result.returncode == 0, result.stderr
    sizes = [p.stat().st_size for p in folder.iterdir()]
    assert sizes and sum(sizes) <= 0.15 * 1024 * 1024


def run_with_env(extra: dict, *args):
    old = {k: os.environ.get(k) for k in extra}
    os.environ.update(extra)
    try:
        return run_reportgen(*args)
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


@POSIX
def test_the_folder_is_owner_only_even_when_it_existed_open(tmp_path):
    folder = tmp_path / "made"
    cache = C.DiskCache.open(folder)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    cache.put("k", b"data")
    assert stat.S_IMODE(cache._path("k").stat().st_mode) == 0o600
    opened = tmp_path / "open"
    opened.mkdir(mode=0o777)
    os.chmod(opened, 0o777)
    C.DiskCache.open(opened)
    assert stat.S_IMODE(opened.stat().st_mode) == 0o700


@POSIX
def test_a_folder_someone_else_owns_is_not_used(tmp_path, monkeypatch):
    folder = tmp_path / "theirs"
    folder.mkdir(mode=0o700)
    monkeypatch.setattr(C.os, "geteuid", lambda: os.stat(folder).st_uid + 1)  # as seen by another user
    assert C.DiskCache.open(folder) is None
    (tmp_path / "a-file").write_text("in the way")
    monkeypatch.undo()
    assert C.DiskCache.open(tmp_path / "a-file") is None


def test_no_cache_and_the_environment_switch_write_nothing(tmp_path):
    folder = tmp_path / "cache"
    result = run_with_env({"REPORTGEN_CACHE_DIR": str(folder)}, "--no-cache", "render", sample(SEED),
                          "-o", tmp_path / "a")
    assert result.returncode == 0, result.stderr
    assert entries(folder) == []
    result = run_with_env({"REPORTGEN_CACHE_DIR": str(folder), "REPORTGEN_CACHE": "off"}, "render", sample(SEED),
                          "-o", tmp_path / "b")
    assert result.returncode == 0, result.stderr
    assert entries(folder) == []
    result = run_with_env({"REPORTGEN_CACHE_DIR": str(folder)}, "render", sample(SEED), "-o", tmp_path / "c")
    assert result.returncode == 0, result.stderr
    names = entries(folder)
    assert any(n.startswith("docx-") for n in names) and any(n.startswith("jinja-") for n in names)
    assert [p.read_bytes() for p in sorted((tmp_path / "a").iterdir()) if p.suffix == ".html"] == \
           [p.read_bytes() for p in sorted((tmp_path / "c").iterdir()) if p.suffix == ".html"]


def test_a_damaged_entry_is_made_again(tmp_path, monkeypatch):
    from reportgen.render.environment import ReportEnvironment

    monkeypatch.setenv("REPORTGEN_CACHE_DIR", str(tmp_path))
    assert ReportEnvironment().from_string("{{ a }}!").render(a=1) == "1!"
    (entry,) = tmp_path.glob("jinja-*")
    entry.write_bytes(b"\x00not marshal")
    assert ReportEnvironment().from_string("{{ a }}!").render(a=2) == "2!"
    assert entry.read_bytes() != b"\x00not marshal"


def test_a_half_written_entry_of_a_dead_process_goes_after_an_hour(tmp_path):
    cache = C.DiskCache.open(tmp_path, max_bytes=1_000_000)
    fresh = tmp_path / ".tmp-1-aaaa"
    fresh.write_bytes(b"being written")
    stale = tmp_path / ".tmp-2-bbbb"
    stale.write_bytes(b"left by a killed process")
    hour_ago = time.time() - 3700
    os.utime(stale, (hour_ago, hour_ago))
    cache.put("k", b"v")
    assert entries(tmp_path) == [".tmp-1-aaaa", "k.bin"]
