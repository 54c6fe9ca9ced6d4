"""A county's list of units, from the CSV or Excel file its office already keeps, for ``gongshi init``.

The headers may be Chinese or English (单位名称/name, 单位类别/category, …, see :data:`COLUMNS`).
A CSV saved by Excel on a Chinese Windows is GBK (GB18030 is its superset) unless saved as
"CSV UTF-8", which starts with a byte-order mark; both are read, and so is Excel's "Unicode text"
(UTF-16, tab-separated).  Every problem is a Chinese message naming the row, and all of them are
reported at once; :class:`UnitListError` carries them.

Each unit gets a readable id from the pinyin of its short name (or its name): 清河镇 →
``qinghe-zhen``, 发改委 → ``fagaiwei``; a second unit with the same id gets ``-2``.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from generator.model.forge import OWNER_RE
from generator.model.records import DEFAULT_CATEGORIES
from generator.model.schema import ID_RE


@dataclass(frozen=True)
class Column:
    key: str
    zh: str
    aliases: tuple[str, ...]
    required: bool = False


COLUMNS = (
    Column("name", "单位名称", ("单位名称", "单位全称", "名称", "单位", "name"), True),
    Column("category", "单位类别", ("单位类别", "类别", "单位类型", "category"), True),
    Column("short_name", "简称", ("简称", "单位简称", "short_name", "shortname", "short name")),
    Column("head", "主要负责人", ("主要负责人", "负责人", "一把手", "head")),
    Column("service_officer", "首席服务官", ("首席服务官", "service_officer", "service officer")),
    Column("phone", "联系电话", ("联系电话", "电话", "phone")),
    Column("address", "地址", ("地址", "办公地址", "联系地址", "address")),
    Column("notice_location", "公示地点", ("公示地点", "notice_location")),
    Column("maintainers", "维护人", ("维护人", "维护账号", "maintainers")),
    Column("id", "标识", ("标识", "id")),
)
_BY_ALIAS = {re.sub(r"[\s_]", "", a).lower(): c for c in COLUMNS for a in c.aliases}

# Endings after which the pinyin gets a hyphen: 清河镇 → qinghe-zhen, 财政局 → caizheng-ju.
SUFFIXES = ("街道办事处", "街道", "委员会", "管委会", "办公室", "服务中心", "中心", "专班", "分局", "公司",
            "镇", "乡", "局", "委", "办", "部", "院", "所", "站", "队", "会", "馆")
MAX_ROWS = 2000


class UnitListError(Exception):
    """The unit list cannot be used; ``messages`` names every problem, row by row."""

    def __init__(self, path: str, messages: list[str]):
        self.path = path
        self.messages = messages
        super().__init__("\n".join(f"{path}: {m}" for m in messages))


@dataclass(frozen=True)
class UnitRow:
    row: int  # as the spreadsheet numbers it: the header is row 1
    id: str
    name: str
    category: str
    short_name: str = ""
    head: str = ""
    service_officer: str = ""
    phone: str = ""
    address: str = ""
    notice_location: str = ""
    maintainers: tuple[str, ...] = field(default_factory=tuple)


def _decode(raw: bytes, path: str) -> tuple[str, str]:
    """(text, the encoding it was read in)."""
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8"), "UTF-8（带 BOM）"
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16"), "UTF-16"
    try:
        return raw.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        # Excel's "CSV (逗号分隔)" on a Chinese Windows writes the ANSI code page, GBK; GB18030 reads it all.
        return raw.decode("gb18030"), "GBK/GB18030"
    except UnicodeDecodeError as exc:
        raise UnitListError(path, [f"无法识别文件的编码（第 {exc.start + 1} 个字节起不是 UTF-8，也不是 GBK）："
                                   "请在 Excel 中“另存为”→“CSV UTF-8（逗号分隔）”或直接使用 .xlsx 文件"]) from None


def _csv_rows(path: Path) -> tuple[list[list[str]], list[int], str]:
    text, encoding = _decode(path.read_bytes(), str(path))
    first = text.split("\n", 1)[0]
    delimiter = "\t" if first.count("\t") > first.count(",") else ","
    rows, numbers = [], []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    start = 1
    try:
        for row in reader:
            rows.append(row)
            numbers.append(start)
            start = reader.line_num + 1
    except csv.Error as exc:
        raise UnitListError(str(path), [f"第 {reader.line_num} 行：CSV 格式有误（{exc}）：请检查引号是否成对"]) from None
    return rows, numbers, encoding


def _cell(v) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        v = int(v)  # a phone number typed into a number cell
    return " ".join(str(v).split())


def _xlsx_rows(path: Path) -> tuple[list[list[str]], list[int], str]:
    import zipfile

    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise UnitListError(str(path), [f"无法读取这个 Excel 文件（{exc}）：请确认是 .xlsx 格式（旧的 .xls 请先另存为 .xlsx）"]) from None
    try:
        ws = wb.worksheets[0]
        rows, numbers = [], []
        for i, row in enumerate(ws.iter_rows(values_only=True), start=1):
            rows.append([_cell(v) for v in row])
            numbers.append(i)
            if i > MAX_ROWS + 1:
                break
    finally:
        wb.close()
    return rows, numbers, "Excel"


def _slug(text: str) -> str:
    from pypinyin import Style, lazy_pinyin

    for suffix in SUFFIXES:
        if text.endswith(suffix) and len(text) > len(suffix):
            stem, end = text[: -len(suffix)], suffix
            break
    else:
        stem, end = text, ""

    def py(s: str) -> str:
        return re.sub(r"[^a-z0-9]+", "", "".join(lazy_pinyin(s, style=Style.NORMAL)).lower())

    parts = [p for p in (py(stem), py(end)) if p]
    return "-".join(parts)[:63].strip("-")


# Words that start with the character of a county-level name: 市场监管局 is not 市 + 场监管局.
_NOT_A_PREFIX = ("市场", "区域", "县域")


def _strip_county(name: str, county: str) -> str:
    """清河县财政局 → 财政局; 县委宣传部 → 宣传部 (the county's name would be in every id otherwise)."""
    level = county[-1] if county else "县"
    prefixes = [f"{county}人民政府", f"{county}委", county] if county else []
    prefixes += [f"{level}人民政府", f"{level}委", level]
    for prefix in prefixes:
        if name.startswith(prefix) and len(name) > len(prefix) + 1:
            if len(prefix) == 1 and name.startswith(_NOT_A_PREFIX):
                continue
            return name[len(prefix):]
    return name


def read_units(path: Path, county: str = "", categories: tuple[str, ...] = DEFAULT_CATEGORIES) -> list[UnitRow]:
    """The units in a CSV or XLSX list, each with a unique id; raises :class:`UnitListError`."""
    path = Path(path)
    where = path.name
    if not path.is_file():
        raise UnitListError(where, ["找不到这个文件"])
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        rows, numbers, _enc = _xlsx_rows(path)
    elif suffix in (".csv", ".txt", ".tsv"):
        rows, numbers, _enc = _csv_rows(path)
    elif suffix == ".xls":
        raise UnitListError(where, ["不支持旧的 .xls 格式：请在 Excel 中另存为 .xlsx 或 “CSV UTF-8（逗号分隔）”"])
    else:
        raise UnitListError(where, [f"不认识的文件类型“{path.suffix}”：单位名单应为 .csv 或 .xlsx"])

    body = [(n, r) for n, r in zip(numbers, rows, strict=True) if any(c.strip() for c in r)]
    if not body:
        raise UnitListError(where, ["文件是空的：第一行应为表头（如 单位名称、单位类别、简称……），下面每行一个单位"])
    header_row, header = body[0]
    problems: list[str] = []
    cols: dict[str, int] = {}
    for i, h in enumerate(header):
        h_clean = h.replace("\ufeff", "").strip()
        if not h_clean:
            continue
        col = _BY_ALIAS.get(re.sub(r"[\s_]", "", h_clean).lower())
        if col is None:
            known = "、".join(f"{c.zh}/{c.key}" for c in COLUMNS)
            problems.append(f"第 {header_row} 行（表头）第 {i + 1} 列：不认识的列名“{h_clean}”。可用的列名：{known}")
        elif col.key in cols:
            problems.append(f"第 {header_row} 行（表头）：列“{col.zh}”出现了两次")
        else:
            cols[col.key] = i
    for c in COLUMNS:
        if c.required and c.key not in cols:
            problems.append(f"第 {header_row} 行（表头）：缺少“{c.zh}”列（也可写作 {c.key}）")
    if problems:
        raise UnitListError(where, problems)
    if len(body) - 1 > MAX_ROWS:
        raise UnitListError(where, [f"单位超过 {MAX_ROWS} 个：请检查是不是选错了文件"])

    units: list[UnitRow] = []
    seen_names: dict[str, int] = {}
    seen_ids: dict[str, int] = {}
    for n, r in body[1:]:
        def get(key: str, r=r) -> str:
            i = cols.get(key)
            return " ".join(r[i].split()) if i is not None and i < len(r) else ""

        name, category = get("name"), get("category")
        row_problems = []
        if not name:
            row_problems.append(f"第 {n} 行：缺少单位名称（“单位名称”列不能为空）")
        if not category:
            row_problems.append(f"第 {n} 行：{name or '这个单位'}缺少单位类别：可选 {'、'.join(categories)}")
        elif category not in categories:
            row_problems.append(f"第 {n} 行：{name or '这个单位'}的单位类别“{category}”不认识：可选 {'、'.join(categories)}")
        if name and name in seen_names:
            row_problems.append(f"第 {n} 行：单位“{name}”重复，第 {seen_names[name]} 行已经有了")
        maintainers = tuple(get("maintainers").replace("，", " ").replace(",", " ").split())
        for m in maintainers:
            if not OWNER_RE.match(m):
                row_problems.append(f"第 {n} 行：维护人“{m}”不是有效的账号或团队：请写成 @用户名 或 @组织/团队，多个用空格分开")
        uid = get("id").lower()
        if uid:
            if not ID_RE.match(uid):
                row_problems.append(f"第 {n} 行：标识“{uid}”只能用小写字母、数字和连字符“-”，以字母或数字开头")
            elif uid in seen_ids:
                row_problems.append(f"第 {n} 行：标识“{uid}”重复，第 {seen_ids[uid]} 行已经用过")
        if row_problems:
            problems += row_problems
            if name:
                seen_names.setdefault(name, n)
            continue
        seen_names[name] = n
        if uid:
            seen_ids[uid] = n
        units.append(UnitRow(n, uid, name, category, get("short_name"), get("head"), get("service_officer"),
                             get("phone"), get("address"), get("notice_location"), maintainers))
    if problems:
        raise UnitListError(where, problems)

    # Ids given in the list first, then readable ones from pinyin, deduplicated in list order.
    taken = {u.id for u in units if u.id}
    out = []
    for u in units:
        uid = u.id
        if not uid:
            base = _slug(_strip_county(u.short_name or u.name, county)) or f"danwei-{u.row}"
            uid, k = base, 2
            while uid in taken:
                uid = f"{base[:60]}-{k}"
                k += 1
            taken.add(uid)
        out.append(UnitRow(u.row, uid, u.name, u.category, u.short_name, u.head, u.service_officer, u.phone,
                           u.address, u.notice_location, u.maintainers))
    return out
