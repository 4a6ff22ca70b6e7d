"""A missing system program is named in one message before anything runs: by `make book`'s
first step (scripts/system-deps.sh, when not root) and by the build itself (any caller)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_the_build_names_a_missing_browser_and_builds_nothing(tmp_path):
    build_dir = tmp_path / "build"
    browser = tmp_path / "no-such-folder" / "chromium"
    env = {**os.environ, "FRAUDBOOK_CHROMIUM": str(browser), "FRAUDBOOK_BUILD_DIR": str(build_dir)}
    book = {p: p.stat().st_mtime_ns for p in (ROOT / "book").iterdir()}
    out = subprocess.run([sys.executable, "-m", "fraudbook", "build", "--force"], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL)
    assert out.returncode == 1, out.stdout + out.stderr
    err = out.stderr.strip().splitlines()
    assert len(err) == 1, err
    assert err[0].startswith("BUILD FAILED: ") and f"Chromium at {browser}" in err[0]
    assert "sudo apt-get install -y chromium" in err[0] and "nothing was executed" in err[0]
    assert "Traceback" not in out.stderr and "INTERNAL ERROR" not in out.stderr
    # Nothing ran: no run planned or executed, no site, book/ untouched.
    assert "planned" not in out.stdout and "executed" not in out.stdout
    assert not (build_dir / "html").exists()
    assert {p: p.stat().st_mtime_ns for p in (ROOT / "book").iterdir()} == book


def _script(tmp_path: Path, uid: int, target: str, env_extra: dict,
            apt: str = "") -> subprocess.CompletedProcess:
    """scripts/system-deps.sh with `id -u` answering `uid`, and apt-get recorded, never run
    (`apt`: more lines of the fake apt-get)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    (bin_dir / "id").write_text(f"#!/bin/sh\necho {uid}\n")
    (bin_dir / "apt-get").write_text(f"#!/bin/sh\necho \"$@\" >> {tmp_path / 'apt.log'}\n{apt}")
    for f in bin_dir.iterdir():
        f.chmod(0o755)
    env = {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}", **env_extra}
    return subprocess.run(["bash", str(ROOT / "scripts" / "system-deps.sh"), target], env=env,
                          capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)


def test_make_book_not_as_root_names_the_one_command_and_installs_nothing(tmp_path):
    out = _script(tmp_path, 1000, "book", {"FRAUDBOOK_CHROMIUM": str(tmp_path / "none"),
                                           "FRAUDBOOK_CJK_FONT": str(tmp_path / "no-font.ttc")})
    assert out.returncode == 2
    assert out.stderr.splitlines() == [
        "make book needs system packages that are missing (chromium fonts-noto-cjk): run 'sudo "
        "apt-get update && sudo apt-get install -y chromium fonts-noto-cjk' (or make book as root), "
        "then make book again"]
    assert not (tmp_path / "apt.log").exists()


def test_as_root_it_installs_what_is_missing_and_says_so_only_when_it_is_installed(tmp_path):
    # The fake apt-get installs nothing: the script must not claim it did.
    out = _script(tmp_path, 0, "book", {"FRAUDBOOK_CHROMIUM": str(tmp_path / "none")})
    assert "install -y -qq --no-install-recommends chromium" in (tmp_path / "apt.log").read_text()
    assert out.returncode == 1 and "installed:" not in out.stdout
    assert "apt-get did not install: chromium" in out.stderr


@pytest.mark.parametrize("program,code,said", [
    ("#!/bin/sh\n", 0, ""),
    # A leftover wrapper whose browser is gone: "installed" would be a lie.
    ("#!/bin/sh\necho 'chromium: not found' >&2\nexit 127\n", 2, "missing (chromium)"),
])
def test_a_browser_counts_as_there_only_when_it_starts(tmp_path, program, code, said):
    browser = tmp_path / "chromium"
    browser.write_text(program)
    browser.chmod(0o755)
    font = tmp_path / "font.ttc"
    font.write_text("")
    out = _script(tmp_path, 1000, "book", {"FRAUDBOOK_CHROMIUM": str(browser), "FRAUDBOOK_CJK_FONT": str(font)})
    assert out.returncode == code and out.stdout == "" and said in out.stderr
    assert bool(out.stderr) == bool(said)


def test_a_failing_apt_get_is_named_with_its_own_last_lines(tmp_path):
    out = _script(tmp_path, 0, "book", {"FRAUDBOOK_CHROMIUM": str(tmp_path / "none")},
                  apt="echo 'E: Unable to locate package chromium' >&2\nexit 100\n")
    assert out.returncode == 1 and "installed:" not in out.stdout
    assert out.stderr.splitlines()[:2] == ["apt-get could not install chromium; its last lines:",
                                           "  E: Unable to locate package chromium"]
