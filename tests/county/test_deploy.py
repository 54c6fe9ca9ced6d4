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
        status, headers, body = nginx.get("/units/qinghe-zhen/")
        assert status == 200 and "清河镇" in body.decode()
        status, headers, _ = nginx.get("/units/qinghe-zhen")
        assert status == 200  # redirected to the slash form and followed
        for path, ctype in (("/data/units.csv", "text/csv; charset=utf-8"), ("/data/gongshi.json", "application/json"),
                            ("/sitemap.xml", "application/xml"), ("/feed.xml", "application/atom+xml"),
                            ("/units/caizheng-ju/feed.xml", "application/atom+xml")):
            status, headers, body = nginx.get(path)
            assert status == 200 and headers["Content-Type"].startswith(ctype), (path, headers["Content-Type"])
        status, headers, body = nginx.get("/no/such/page/")
        assert status == 404 and "404" in body.decode() and "<html" in body.decode()
        status, _, body = nginx.get("/assets/")
        assert status in (403, 404) and b"Index of" not in body
        status, headers, body = nginx.get("/units/qinghe-zhen/", gz=True)
        assert headers["Content-Encoding"] == "gzip" and "清河镇" in gzip.decompress(body).decode()
        css = next((srv / "current/assets/stylesheets").glob("main.*.min.css")).name
        status, headers, _ = nginx.get(f"/assets/stylesheets/{css}")
        assert status == 200 and "immutable" in headers["Cache-Control"] and headers["Content-Type"].startswith("text/css")

        # A new release: the live export is checked first, unchanged files are hard-linked, current switches.
        (unit / "ledger.yaml").write_text(ENTRY.format(day=10, progress=20) + "\n" + ENTRY_TODAY.format(progress=60),
                                          encoding="utf-8")
        second = publish(root, srv, "r2")
        assert second.returncode == 0, second.stdout + second.stderr
        assert "线上的版本：r1" in second.stderr and os.readlink(srv / "current") == "releases/r2"
        assert "第 60 步" in nginx.get("/units/caizheng-ju/wangshang-banli/")[2].decode()
        same = "assets/stylesheets/" + css
        assert os.stat(srv / "releases/r1" / same).st_ino == os.stat(srv / "releases/r2" / same).st_ino

        # Only the newest --keep releases stay.
        third = publish(root, srv, "r3", "--keep", "2")
        assert third.returncode == 0, third.stdout + third.stderr
        assert sorted(p.name for p in (srv / "releases").iterdir()) == ["r2", "r3"]

        # The public log is carried forward: one step per publish (the same day: -2, -3), and an
        # outsider's audit over HTTP from nginx finds it whole.
        log = read_log(srv / "current/data/manifests")
        day = log.entries[0].as_of
        assert [e.file for e in log.entries] == [f"{day}.json", f"{day}-2.json", f"{day}-3.json"]
        assert log.entries[2].previous == log.entries[1].hash and log.entries[1].previous == log.entries[0].hash
        env = {k: v for k, v in os.environ.items() if not k.startswith("GONGSHI_")}
        audited = subprocess.run([sys.executable, "-m", "generator", "audit", f"http://127.0.0.1:{nginx.port}/"],
                                 env=env, capture_output=True, text=True, timeout=300)
        assert audited.returncode == 0, audited.stdout + audited.stderr
        assert "3 期" in audited.stderr and "全部一致" in audited.stderr

        # A failed upload leaves the live release untouched.
        (srv / "releases/r4.partial").write_text("not a folder", encoding="utf-8")
        failed = publish(root, srv, "r4")
        assert failed.returncode == 1 and "上传失败" in failed.stderr and "线上的网站没有改变" in failed.stderr
        assert os.readlink(srv / "current") == "releases/r3" and nginx.get("/")[0] == 200
        (srv / "releases/r4.partial").unlink()

        # Deleting a published ledger entry is refused against what is live, even with no git history.
        (unit / "ledger.yaml").write_text(ENTRY.format(day=10, progress=20), encoding="utf-8")
        refused = publish(root, srv, "r5")
        assert refused.returncode == 1 and "没有发布" in refused.stderr and "ledger.yaml" in refused.stderr
        assert os.readlink(srv / "current") == "releases/r3" and not (srv / "releases/r5").exists()
        assert "第 60 步" in nginx.get("/units/caizheng-ju/wangshang-banli/")[2].decode()
    finally:
        nginx.stop()


def test_a_target_that_cannot_be_reached_is_a_chinese_message(tmp_path):
    rc, out, err, root = init(tmp_path)
    env = {**os.environ, "GONGSHI_SSH": "false"}
    proc = subprocess.run([sys.executable, "-m", "generator", "publish", "--to", "deploy@127.0.0.1:/srv/gongshi"],
                          cwd=root, env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1 and "无法访问发布目标 deploy@127.0.0.1:/srv/gongshi" in proc.stderr
    assert "Traceback" not in proc.stderr


SSHD = "/usr/sbin/sshd"


@pytest.mark.slow
def test_publish_over_ssh_to_a_real_sshd(tmp_path):
    """The remote path: rsync -e ssh and the switch script through ssh, against Debian's sshd on 127.0.0.1."""
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
    sshd = subprocess.Popen([SSHD, "-D", "-e", "-f", str(cfg)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        for _ in range(200):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                assert sshd.poll() is None, sshd.stdout.read().decode()
                time.sleep(0.05)
        (keys / "known_hosts").write_text(f"[127.0.0.1]:{port} " + (keys / "host.pub").read_text(), encoding="utf-8")
        rc, out, err, root = init(tmp_path, "--units", str(write_csv(tmp_path / "u.csv")))
        assert rc == 0, out + err
        env = {k: v for k, v in os.environ.items() if not k.startswith("GONGSHI_")}
        env["GONGSHI_SSH"] = (f"ssh -p {port} -i {keys / 'client'} -o UserKnownHostsFile={keys / 'known_hosts'} "
                              "-o StrictHostKeyChecking=yes -o BatchMode=yes")
        srv = tmp_path / "srv with space"
        for release in ("r1", "r2"):
            proc = subprocess.run([sys.executable, "-m", "generator", "publish", "--to", f"{user}@127.0.0.1:{srv}",
                                   "--release", release, "--keep", "1"], cwd=root, env=env, capture_output=True, text=True, timeout=600)
            assert proc.returncode == 0, proc.stdout + proc.stderr
        assert "线上的版本：r1" in proc.stderr
        assert os.readlink(srv / "current") == "releases/r2" and sorted(p.name for p in (srv / "releases").iterdir()) == ["r2"]
        assert (srv / "current/units/qinghe-zhen/index.html").is_file()
        # A host key that does not match is refused, and nothing changes.
        (keys / "known_hosts").write_text(f"[127.0.0.1]:{port} " + (keys / "client.pub").read_text(), encoding="utf-8")
        proc = subprocess.run([sys.executable, "-m", "generator", "publish", "--to", f"{user}@127.0.0.1:{srv}", "--release", "r3"],
                              cwd=root, env=env, capture_output=True, text=True, timeout=600)
        assert proc.returncode == 1 and "无法访问发布目标" in proc.stderr
        assert os.readlink(srv / "current") == "releases/r2"
    finally:
        sshd.terminate()
        sshd.wait(timeout=10)
