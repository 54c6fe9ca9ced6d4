"""``gongshi publish`` to a plain web server: rsync into releases/<name>/, an atomic switch of ``current``,
the last N kept, the live export checked first; and the shipped nginx config served by a real nginx
(Debian's, on 127.0.0.1, a free port, not a daemon, everything under a temporary prefix)."""

from __future__ import annotations

import gzip
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from countykit import init, write_csv

from generator.publish.log import read_log

NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if os.access("/usr/sbin/nginx", os.X_OK) else None)

PLEDGES = """\
- id: "wangshang-banli"
  campaign: "zhudong-fuwu"
  title: "财政业务网上办理"
  commitment: "常办业务全部网上办理。"
  published: 2026-11-05
"""
# Published in r3 only: after a rollback to r2, dropping it must still be refused (r3 was public).
PLEDGE_TODAY = f"""\
- id: "kuaiban"
  campaign: "zhudong-fuwu"
  title: "企业开办一日办结"
  commitment: "企业开办一个工作日内办结。"
  published: {datetime.now(ZoneInfo("Asia/Shanghai")).date().isoformat()}
"""
ENTRY = """\
- date: 2026-11-{day}
  pledge: "wangshang-banli"
  progress: {progress}
  note: "第 {progress} 步。"
"""
# A later entry is dated the day it is written: one dated before the live export's date minus
# backdate_grace_days would rewrite what the site showed, and publishing it is refused (contract §3b).
TODAY = datetime.now(ZoneInfo("Asia/Shanghai")).date().isoformat()
ENTRY_TODAY = ENTRY.replace("2026-11-{day}", TODAY)


def publish(root: Path, target: Path, release: str, *extra: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GONGSHI_")}
    return subprocess.run([sys.executable, "-m", "generator", "publish", "--to", str(target), "--release", release, *extra],
                          cwd=root, env=env, capture_output=True, text=True, timeout=600)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Nginx:
    def __init__(self, prefix: Path, shipped: Path, root: Path):
        self.port = free_port()
        server = shipped.read_text(encoding="utf-8")
        assert "    listen 80;\n" in server and "    root /srv/gongshi/current;\n" in server
        server = server.replace("    listen 80;\n", f"    listen 127.0.0.1:{self.port};\n")
        server = server.replace("    root /srv/gongshi/current;\n", f"    root {root};\n")
        prefix.mkdir()
        (prefix / "gongshi.conf").write_text(server, encoding="utf-8")
        temps = "\n".join(f"    {k}_temp_path {prefix}/{k};" for k in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
        user = "user root;\n" if os.getuid() == 0 else ""  # workers must read the test's 0700 temporary folders
        (prefix / "nginx.conf").write_text(
            f"{user}daemon off;\nworker_processes 1;\npid {prefix}/nginx.pid;\nerror_log {prefix}/error.log warn;\n"
            f"events {{ worker_connections 64; }}\nhttp {{\n    access_log off;\n{temps}\n    include {prefix}/gongshi.conf;\n}}\n",
            encoding="utf-8")
        self.proc = subprocess.Popen([NGINX, "-p", str(prefix), "-c", str(prefix / "nginx.conf")],
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        for _ in range(200):
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                if self.proc.poll() is not None:
                    raise AssertionError(self.proc.stdout.read().decode() + (prefix / "error.log").read_text()) from None
                time.sleep(0.05)
        raise AssertionError("nginx did not start")

    def get(self, path: str, gz: bool = False):
        req = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}",
                                     headers={"Accept-Encoding": "gzip"} if gz else {})
        try:
            with urllib.request.urlopen(req, timeout=10) as r:
                return r.status, r.headers, r.read()
        except urllib.error.HTTPError as e:
            return e.code, e.headers, e.read()

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=10)


@pytest.mark.slow
def test_publish_switches_releases_atomically_and_nginx_serves_the_site(tmp_path):
    if shutil.which("rsync") is None or NGINX is None:
        pytest.fail("rsync and nginx are needed (./dev test installs them)") if os.environ.get("CI") else pytest.skip("no rsync/nginx")
    rc, out, err, root = init(tmp_path, "--units", str(write_csv(tmp_path / "u.csv")), "--base-url", "https://gongshi.qinghe.gov.cn")
    assert rc == 0, out + err
    unit = root / "data/units/caizheng-ju"
    (unit / "pledges.yaml").write_text(PLEDGES, encoding="utf-8")
    (unit / "ledger.yaml").write_text(ENTRY.format(day=10, progress=20), encoding="utf-8")
    srv = tmp_path / "srv"

    first = publish(root, srv, "r1")
    assert first.returncode == 0, first.stdout + first.stderr
    assert "第一次发布" in first.stderr and "current 已指向它" in first.stderr
    assert os.readlink(srv / "current") == "releases/r1"
    assert (srv / "current/units/caizheng-ju/wangshang-banli/index.html").is_file()

    nginx = Nginx(tmp_path / "nginx", root / "deploy/nginx.conf", srv / "current")
    try:
        status, headers, body = nginx.get("/")
        assert status == 200 and headers["Content-Type"].startswith("text/html") and "清河县" in body.decode()
        assert headers["Cache-Control"] == "no-cache"
        # Every location sets headers of its own, so each must repeat the server-level ones.
        assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin" and headers["X-Content-Type-Options"] == "nosniff"
        status, headers, body = nginx.get("/units/qinghe-zhen/")
        assert status == 200 and "清河镇" in body.decode()
        status, headers, _ = nginx.get("/units/qinghe-zhen")
        assert status == 200  # redirected to the slash form and followed
        for path, ctype in (("/data/units.csv", "text/csv; charset=utf-8"), ("/data/gongshi.json", "application/json"),
                            ("/sitemap.xml", "application/xml"), ("/feed.xml", "application/atom+xml"),
                            ("/units/caizheng-ju/feed.xml", "application/atom+xml")):
            status, headers, body = nginx.get(path)
            assert status == 200 and headers["Content-Type"].startswith(ctype), (path, headers["Content-Type"])
            assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin", path
        status, headers, body = nginx.get("/no/such/page/")
        assert status == 404 and "404" in body.decode() and "<html" in body.decode()
        status, _, body = nginx.get("/assets/")
        assert status in (403, 404) and b"Index of" not in body
        status, headers, body = nginx.get("/units/qinghe-zhen/", gz=True)
        assert headers["Content-Encoding"] == "gzip" and "清河镇" in gzip.decompress(body).decode()
        css = next((srv / "current/assets/stylesheets").glob("main.*.min.css")).name
        status, headers, _ = nginx.get(f"/assets/stylesheets/{css}")
        assert status == 200 and "immutable" in headers["Cache-Control"] and headers["Content-Type"].startswith("text/css")
        assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"

        # A new release: the live export is checked first, unchanged files are hard-linked, current switches.
        (unit / "ledger.yaml").write_text(ENTRY.format(day=10, progress=20) + "\n" + ENTRY_TODAY.format(progress=60),
                                          encoding="utf-8")
        second = publish(root, srv, "r2")
        assert second.returncode == 0, second.stdout + second.stderr
        assert "线上的版本：r1" in second.stderr and os.readlink(srv / "current") == "releases/r2"
        assert "第 60 步" in nginx.get("/units/caizheng-ju/wangshang-banli/")[2].decode()
        same = "assets/stylesheets/" + css
        assert os.stat(srv / "releases/r1" / same).st_ino == os.stat(srv / "releases/r2" / same).st_ino

        # Only the newest --keep releases stay.  r3 adds a pledge that r2 does not have.
        (unit / "pledges.yaml").write_text(PLEDGES + PLEDGE_TODAY, encoding="utf-8")
        third = publish(root, srv, "r3", "--keep", "2")
        assert third.returncode == 0, third.stdout + third.stderr
        assert sorted(p.name for p in (srv / "releases").iterdir()) == ["r2", "r3"]

        # Publishing again under the live release's name would delete it before the switch: refused,
        # as is a name that would sort before it (the newest release is the last name).
        for again in ("r3", "r0"):
            refused = publish(root, srv, again)
            assert refused.returncode == 1 and f"版本名“{again}”" in refused.stderr and "Traceback" not in refused.stderr
            assert os.readlink(srv / "current") == "releases/r3" and (srv / "releases/r3/index.html").is_file()
        assert not (srv / "releases/r0").exists()

        # The guide's rollback: current back to r2.  The next publish still builds on r3, the newest:
        # dropping r3's pledge is refused against r3's export, and r3's step stays in the public log.
        subprocess.run("ln -s releases/r2 .current.new && mv -T .current.new current", shell=True, cwd=srv, check=True)
        assert nginx.get("/units/caizheng-ju/kuaiban/")[0] == 404
        (unit / "pledges.yaml").write_text(PLEDGES, encoding="utf-8")
        dropped = publish(root, srv, "r4")
        assert dropped.returncode == 1 and "没有发布" in dropped.stderr and "pledges.yaml" in dropped.stderr, dropped.stderr
        assert os.readlink(srv / "current") == "releases/r2" and not (srv / "releases/r4").exists()
        (unit / "pledges.yaml").write_text(PLEDGES + PLEDGE_TODAY, encoding="utf-8")
        fourth = publish(root, srv, "r4")
        assert fourth.returncode == 0, fourth.stdout + fourth.stderr
        assert "已回退" in fourth.stderr and "最新的版本 r3" in fourth.stderr
        assert os.readlink(srv / "current") == "releases/r4" and nginx.get("/units/caizheng-ju/kuaiban/")[0] == 200

        # The public log is carried forward: one step per publish (the same day: -2, -3, -4), the
        # rolled-back r3 included, and an outsider's audit over HTTP from nginx finds it whole.
        log = read_log(srv / "current/data/manifests")
        day = log.entries[0].as_of
        assert [e.file for e in log.entries] == [f"{day}.json", f"{day}-2.json", f"{day}-3.json", f"{day}-4.json"]
        assert all(log.entries[i].previous == log.entries[i - 1].hash for i in (1, 2, 3))
        env = {k: v for k, v in os.environ.items() if not k.startswith("GONGSHI_")}
        audited = subprocess.run([sys.executable, "-m", "generator", "audit", f"http://127.0.0.1:{nginx.port}/"],
                                 env=env, capture_output=True, text=True, timeout=300)
        assert audited.returncode == 0, audited.stdout + audited.stderr
        assert "4 期" in audited.stderr and "全部一致" in audited.stderr

        # A failed upload leaves the live release untouched.
        (srv / "releases/r5.partial").write_text("not a folder", encoding="utf-8")
        failed = publish(root, srv, "r5")
        assert failed.returncode == 1 and "上传失败" in failed.stderr and "线上的网站没有改变" in failed.stderr
        assert os.readlink(srv / "current") == "releases/r4" and nginx.get("/")[0] == 200
        (srv / "releases/r5.partial").unlink()

        # Deleting a published ledger entry is refused against what is live, even with no git history.
        (unit / "ledger.yaml").write_text(ENTRY.format(day=10, progress=20), encoding="utf-8")
        refused = publish(root, srv, "r5")
        assert refused.returncode == 1 and "没有发布" in refused.stderr and "ledger.yaml" in refused.stderr
        assert os.readlink(srv / "current") == "releases/r4" and not (srv / "releases/r5").exists()
        assert "第 60 步" in nginx.get("/units/caizheng-ju/wangshang-banli/")[2].decode()

        # A live export that cannot be read (cut short on the server) stops the publish with one line.
        (unit / "ledger.yaml").write_text(ENTRY.format(day=10, progress=20) + "\n" + ENTRY_TODAY.format(progress=60),
                                          encoding="utf-8")
        live_json = srv / "releases/r4/data/gongshi.json"
        text = live_json.read_text(encoding="utf-8")
        live_json.unlink()  # hard-linked to earlier releases: a new file, not a write into the shared one
        live_json.write_text(text[: len(text) // 2], encoding="utf-8")
        broken = publish(root, srv, "r5")
        assert broken.returncode == 1 and "Traceback" not in broken.stderr, broken.stderr
        assert "gongshi: 线上版本 r4 的 data/gongshi.json 读不了" in broken.stderr and "本次不发布" in broken.stderr
        assert os.readlink(srv / "current") == "releases/r4" and not (srv / "releases/r5").exists()
    finally:
        nginx.stop()


def test_a_target_that_cannot_be_reached_is_a_chinese_message(tmp_path):
    rc, out, err, root = init(tmp_path)
    env = {**os.environ, "GONGSHI_SSH": "false"}
    proc = subprocess.run([sys.executable, "-m", "generator", "publish", "--to", "deploy@127.0.0.1:/srv/gongshi"],
                          cwd=root, env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1 and "无法访问发布目标 deploy@127.0.0.1:/srv/gongshi" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_a_runner_without_ssh_is_told_what_to_install(tmp_path):
    rc, out, err, root = init(tmp_path)
    env = {**os.environ, "GONGSHI_SSH": str(tmp_path / "no-such-ssh")}
    proc = subprocess.run([sys.executable, "-m", "generator", "publish", "--to", "deploy@127.0.0.1:/srv/gongshi"],
                          cwd=root, env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr
    assert "gongshi: 找不到 ssh/rsync：请安装 openssh-client / rsync" in proc.stderr


@pytest.mark.parametrize("spec", ["deploy@127.0.0.1:srv/gongshi", "127.0.0.1:~/gongshi"])
def test_a_server_folder_that_is_not_absolute_is_refused_not_published_here(tmp_path, spec):
    rc, out, err, root = init(tmp_path)
    env = {k: v for k, v in os.environ.items() if not k.startswith("GONGSHI_")}
    proc = subprocess.run([sys.executable, "-m", "generator", "publish", "--to", spec],
                          cwd=root, env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr
    assert f"发布目标“{spec}”不对" in proc.stderr and "用户@服务器:/绝对路径" in proc.stderr
    assert not any(":" in p.name for p in root.iterdir())  # no local folder named like the target


SSHD = "/usr/sbin/sshd"


@pytest.fixture
def sshd(tmp_path):
    """Debian's sshd on 127.0.0.1 (a free port, keys under tmp_path): (user, port, ssh command, keys folder)."""
    if not os.access(SSHD, os.X_OK) or shutil.which("ssh") is None or shutil.which("rsync") is None:
        pytest.fail("sshd, ssh and rsync are needed (./dev test installs them)") if os.environ.get("CI") else pytest.skip("no sshd")
    if os.getuid() != 0:
        pytest.skip("sshd with its privilege separation needs root (CI runs as root)")
    keys = tmp_path / "keys"
    keys.mkdir(mode=0o700)
    for name in ("host", "client"):
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(keys / name)], check=True)
    (keys / "authorized_keys").write_text((keys / "client.pub").read_text(), encoding="utf-8")
    port = free_port()
    user = __import__("pwd").getpwuid(os.getuid()).pw_name
    cfg = keys / "sshd_config"
    cfg.write_text(f"Port {port}\nListenAddress 127.0.0.1\nHostKey {keys / 'host'}\nPidFile {keys / 'sshd.pid'}\n"
                   f"AuthorizedKeysFile {keys / 'authorized_keys'}\nPasswordAuthentication no\nKbdInteractiveAuthentication no\n"
                   "PermitRootLogin prohibit-password\nStrictModes no\nUsePAM no\nAllowUsers " + user + "\n", encoding="utf-8")
    os.makedirs("/run/sshd", mode=0o755, exist_ok=True)  # sshd's privilege separation directory
    proc = subprocess.Popen([SSHD, "-D", "-e", "-f", str(cfg)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        for _ in range(200):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                assert proc.poll() is None, proc.stdout.read().decode()
                time.sleep(0.05)
        (keys / "known_hosts").write_text(f"[127.0.0.1]:{port} " + (keys / "host.pub").read_text(), encoding="utf-8")
        ssh = (f"ssh -p {port} -i {keys / 'client'} -o UserKnownHostsFile={keys / 'known_hosts'} "
               "-o StrictHostKeyChecking=yes -o BatchMode=yes")
        yield user, port, ssh, keys
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def publish_over_ssh(root: Path, to: str, ssh: str, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GONGSHI_")}
    env["GONGSHI_SSH"] = ssh
    return subprocess.run([sys.executable, "-m", "generator", "publish", "--to", to, *args],
                          cwd=root, env=env, capture_output=True, text=True, timeout=600)


@pytest.mark.slow
def test_publish_over_ssh_to_a_real_sshd(tmp_path, sshd):
    """The remote path: rsync -e ssh and the switch script through ssh, against Debian's sshd on 127.0.0.1."""
    user, port, ssh, keys = sshd
    rc, out, err, root = init(tmp_path, "--units", str(write_csv(tmp_path / "u.csv")))
    assert rc == 0, out + err
    srv = tmp_path / "srv with space"
    for release in ("r1", "r2"):
        proc = publish_over_ssh(root, f"{user}@127.0.0.1:{srv}", ssh, "--release", release, "--keep", "1")
        assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "线上的版本：r1" in proc.stderr
    assert os.readlink(srv / "current") == "releases/r2" and sorted(p.name for p in (srv / "releases").iterdir()) == ["r2"]
    assert (srv / "current/units/qinghe-zhen/index.html").is_file()
    # A host key that does not match is refused, and nothing changes.
    (keys / "known_hosts").write_text(f"[127.0.0.1]:{port} " + (keys / "client.pub").read_text(), encoding="utf-8")
    proc = publish_over_ssh(root, f"{user}@127.0.0.1:{srv}", ssh, "--release", "r3")
    assert proc.returncode == 1 and "无法访问发布目标" in proc.stderr
    assert os.readlink(srv / "current") == "releases/r2"


@pytest.mark.slow
def test_a_connection_that_drops_while_the_log_is_read_does_not_restart_the_public_log(tmp_path, sshd):
    """ssh exits 255 when a connection fails; taken for "no log yet", it made the next release start a
    fresh one-step public log.  Here one connection fails (the fourth: after the live release is
    looked up and its gongshi.json and manifest.json are fetched), as a flaky network would."""
    user, port, ssh, keys = sshd
    rc, out, err, root = init(tmp_path)
    assert rc == 0, out + err
    srv = tmp_path / "srv"
    first = publish_over_ssh(root, f"{user}@127.0.0.1:{srv}", ssh, "--release", "r1")
    assert first.returncode == 0, first.stdout + first.stderr
    flaky = tmp_path / "flaky-ssh"
    flaky.write_text(f'#!/bin/sh\nn=$(( $(cat {tmp_path}/calls 2>/dev/null || echo 0) + 1 ))\necho $n > {tmp_path}/calls\n'
                     '[ "$n" = 4 ] && { echo "Connection reset by peer" >&2; exit 255; }\nexec ssh "$@"\n', encoding="utf-8")
    flaky.chmod(0o755)
    dropped = publish_over_ssh(root, f"{user}@127.0.0.1:{srv}", f"{flaky} {ssh.removeprefix('ssh ')}", "--release", "r2")
    assert dropped.returncode == 1 and "Traceback" not in dropped.stderr, dropped.stdout + dropped.stderr
    assert os.readlink(srv / "current") == "releases/r1" and not (srv / "releases/r2").exists()
    again = publish_over_ssh(root, f"{user}@127.0.0.1:{srv}", ssh, "--release", "r2")
    assert again.returncode == 0, again.stdout + again.stderr
    assert len(read_log(srv / "current/data/manifests").entries) == 2
