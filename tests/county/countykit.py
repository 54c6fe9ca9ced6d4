"""Unit lists as a county office would have them, and new counties made from them with ``gongshi init``."""

from __future__ import annotations

from pathlib import Path

from helpers import cli

ZH_HEADER = ["单位名称", "单位类别", "简称", "主要负责人", "首席服务官", "联系电话", "地址"]
EN_HEADER = ["name", "category", "short_name", "head", "service_officer", "phone", "address"]
ROWS = [
    ["清河镇", "乡镇政府", "", "张三", "李四", "0375-1234567", "清河镇人民路1号"],
    ["清河县财政局", "综合性部门", "财政局", "王五", "", "0375-2345678", ""],
    ["县发展和改革委员会", "综合性部门", "发改委", "", "", "", ""],
    ["县政务服务和数据管理局", "审批职能部门", "审批局", "", "赵六", "", ""],
    ["清河镇人民政府", "乡镇政府", "清河镇", "", "", "", ""],
]
IDS = ["qinghe-zhen", "caizheng-ju", "fagai-wei", "shenpi-ju", "qinghe-zhen-2"]


def csv_text(rows: list[list[str]], header: list[str] = ZH_HEADER, sep: str = ",") -> str:
    def cell(c: str) -> str:
        return '"' + c.replace('"', '""') + '"' if any(x in c for x in (sep, '"', "\n")) else c

    return "".join(sep.join(cell(c) for c in r) + "\r\n" for r in [header, *rows])


def write_csv(path: Path, rows=ROWS, header=ZH_HEADER, encoding: str = "utf-8") -> Path:
    path.write_bytes(csv_text(rows, header).encode(encoding))
    return path


def write_xlsx(path: Path, rows=ROWS, header=ZH_HEADER) -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(header)
    for r in rows:
        # Excel users type phone numbers into number cells; the list must survive that.
        ws.append([int(c) if c.isdigit() else (c or None) for c in r])
    wb.save(path)
    return path


def init(tmp: Path, *args: str, name: str = "清河县") -> tuple[int, str, str, Path]:
    dest = tmp / "county"
    rc, out, err = cli(tmp, "init", str(dest), "--name", name, "--start", "2026-11-01",
                       "--gongshi", "gongshi @ git+https://git.example.gov.cn/mirror/gongshi.git@" + "0" * 40, *args)
    return rc, out, err, dest
