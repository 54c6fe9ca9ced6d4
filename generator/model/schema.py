"""The shape of every file kind, declared once.

The same declarations drive three things, so they cannot drift apart:

* the converter that turns a parsed YAML tree into records (with Chinese messages that
  carry file, line and key path);
* the JSON Schema files written by ``gongshi schema`` for editors' completion and hover help;
* the list of key paths that the editors' field reference must document (a test checks it).
"""

from __future__ import annotations

import dataclasses
import difflib
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from generator.model import oddchars, zhkeys
from generator.model import records as R
from generator.model.errors import Problems
from generator.model.forge import Forge
from generator.model.yamlsource import Map, Node, Scalar, Seq, plain_kind

ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# A git branch name as counties use them (main, master, release/2026): it goes into every "编辑此页" link.
BRANCH_RE = re.compile(r"^(?!.*\.\.)(?!.*//)[A-Za-z0-9_](?:[A-Za-z0-9._/-]{0,98}[A-Za-z0-9_-])?$")
INT_RE = re.compile(r"^[-+]?\d+$")
NUM_RE = re.compile(r"^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$")
TARGET_RE = re.compile(r"^\s*(>=|<=|>|<|=)\s*([-+]?(?:\d+(?:\.\d*)?|\.\d+))\s*$")
_NULLS = {"", "~", "null", "Null", "NULL"}
_KIND_ZH = {"bool": "布尔值（是/否）", "int": "数字", "float": "数字", "null": "空值", "timestamp": "日期时间",
            "value": "特殊值", "merge": "合并符号", "str": "文本"}
# Characters a YAML 1.1 implicit resolver can start with; anything else is plainly text.
_RESOLVABLE_START = set("0123456789+-.~<=nNyYoOtTfF")

BAD = object()  # a value that could not be converted; its problem is already reported


def _show(node: Node) -> str:
    if isinstance(node, Map):
        return "一个映射（键: 值）"
    if isinstance(node, Seq):
        return "一个列表"
    v = node.value if len(node.value) <= 30 else node.value[:30] + "…"
    return f"“{v}”"


def is_null(node: Node | None) -> bool:
    return node is None or (isinstance(node, Scalar) and node.plain and node.value in _NULLS)


class Ctx:
    """Where we are: the file being converted and the problems found so far.

    ``names`` maps a kind of record (campaign, unit, pledge) to {its title or name: its id},
    for the files read so far; a reference written as a title is answered with the id.
    """

    __slots__ = ("path", "problems", "names")

    def __init__(self, path: str, problems: Problems, names: dict[str, dict[str, str]] | None = None):
        self.path = path
        self.problems = problems
        self.names = names or {}

    def error(self, line: int, key: str, message: str) -> None:
        self.problems.error(self.path, line, key, message)


class Type:
    zh = "值"  # the type's name in the reference and in messages

    def convert(self, node: Node, ctx: Ctx, key: str) -> Any:
        raise NotImplementedError

    def json_schema(self) -> dict:
        raise NotImplementedError

    def paths(self, prefix: str) -> Iterator[str]:
        return iter(())


class Str(Type):
    zh = "文本"

    def __init__(self, pattern: re.Pattern | None = None, choices: tuple[str, ...] | None = None,
                 pattern_hint: str = "", markdown: bool = False):
        self.pattern = pattern
        self.choices = choices
        self.pattern_hint = pattern_hint
        self.markdown = markdown
        if markdown:
            self.zh = "Markdown 文本"

    def convert(self, node, ctx, key):
        if not isinstance(node, Scalar):
            ctx.error(node.line, key, f"应为{self.zh}，实际是{_show(node)}")
            return BAD
        value = node.value
        if node.plain and value and value[0] in _RESOLVABLE_START:
            kind = plain_kind(value)
            if kind != "str":
                ctx.error(node.line, key,
                          f"应为文本，但没加引号的 {value} 会被 YAML 读成{_KIND_ZH.get(kind, kind)}：请加引号，写成 \"{value}\"")
                return BAD
        if not value.strip():
            ctx.error(node.line, key, "不能为空")
            return BAD
        if self.choices is not None and value not in self.choices:
            ctx.error(node.line, key, self._not_a_choice(value))
            return BAD
        if self.pattern is not None and not self.pattern.match(value):
            ctx.error(node.line, key, self._bad_format(value, ctx))
            return BAD
        return value

    def _not_a_choice(self, value: str) -> str:
        choices = self.choices or ()
        options = f"可选值有 {'、'.join(choices)}"
        meant = zhkeys.key_for(value, choices)
        if meant is not None:  # field: 完成时限 -> deadline
            return f"“{value}”不是可选值（您是不是想写“{meant}”？）：这里要写字段的英文名，{value} 是 {meant}。{options}"
        inner = oddchars.strip_curly(value)
        if inner is not None and inner.strip() in choices:
            return f"{oddchars.shown(value)}不是可选值：{oddchars.value_problem(value, fix=inner.strip())}"
        return f"“{value}”不是可选值{did_you_mean(value, choices)}：{options}"

    def _bad_format(self, value: str, ctx: Ctx) -> str:
        odd = oddchars.value_problem(value)
        plain = oddchars.halfwidth(oddchars.strip_curly(value) or value).strip()
        if odd is not None and self.pattern is not None and self.pattern.match(plain):
            return f"格式不对：{odd}"
        return f"“{value}”格式不对：{self.pattern_hint}"

    def json_schema(self):
        s: dict = {"type": "string", "minLength": 1}
        if self.choices is not None:
            s["enum"] = list(self.choices)
        if self.pattern is not None:
            s["pattern"] = self.pattern.pattern
        if self.markdown:
            s["contentMediaType"] = "text/markdown"
        return s


class EnumOf(Str):
    """A text choice that becomes an enum member."""

    def __init__(self, enum_cls):
        super().__init__(choices=tuple(m.value for m in enum_cls))
        self.enum_cls = enum_cls

    def convert(self, node, ctx, key):
        v = super().convert(node, ctx, key)
        return v if v is BAD else self.enum_cls(v)


_REF_ZH = {"campaign": "活动", "unit": "单位", "pledge": "承诺", "inspection": "督查", "rectification": "问题"}
_REF_FILE = {"campaign": " campaigns/ 中活动文件的 id", "unit": " units/ 下的文件夹名", "pledge": "本单位 pledges.yaml 中的 id",
             "inspection": " inspections/ 中督查的 id", "rectification": "该单位 rectifications.yaml 中的 id"}


class Ref(Str):
    """An id that points at another record; written as that record's title, the answer is its id."""

    def __init__(self, what: str):
        super().__init__(ID_RE, pattern_hint=ID.pattern_hint)
        self.what = what

    def _bad_format(self, value: str, ctx: Ctx) -> str:
        zh = _REF_ZH[self.what]
        names = ctx.names.get(self.what) or {}
        text = (oddchars.strip_curly(value) or value).strip()
        meant = names.get(text)
        if meant is None and names and not text.isascii():
            close = difflib.get_close_matches(text, list(names), n=1, cutoff=0.6)
            inside = [n for n in names if text in n or n in text]
            meant = names[close[0]] if close else (names[inside[0]] if len(inside) == 1 else None)
        if meant is not None:
            return (f"“{value}”是{zh}的名称，这里要写{zh}的标识（英文编号）：您是不是想写“{meant}”？"
                    f"标识见{_REF_FILE[self.what]}")
        odd = super()._bad_format(value, ctx)
        if not odd.startswith(f"“{value}”格式不对") or text.isascii():
            return odd
        first: dict[str, str] = {}  # id -> its first name (a unit has a name and a short name)
        for label, ident in names.items():
            first.setdefault(ident, label)
        listed = "、".join(f"{i}（{first[i]}）" for i in sorted(first)[:8]) + ("等" if len(first) > 8 else "")
        more = f"。已有的{zh}：{listed}" if first else ""
        return f"“{value}”格式不对：这里要写{zh}的标识（英文编号，见{_REF_FILE[self.what]}），不是{zh}的名称{more}"


class Date(Type):
    zh = "日期"

    def convert(self, node, ctx, key):
        if not isinstance(node, Scalar) or not DATE_RE.match(node.value.strip()):
            ctx.error(node.line, key, _odd_value(node, "应为日期") or
                      f"应为日期，写成 YYYY-MM-DD（如 2026-03-31），实际是{_show(node)}")
            return BAD
        try:
            return date.fromisoformat(node.value.strip())
        except ValueError:
            ctx.error(node.line, key, _odd_value(node, "应为日期") or f"“{node.value}”不是真实存在的日期：请检查月份和日子")
            return BAD

    def json_schema(self):
        return {"type": "string", "format": "date", "pattern": DATE_RE.pattern}


class Int(Type):
    zh = "整数"

    def __init__(self, lo: int | None = None, hi: int | None = None):
        self.lo, self.hi = lo, hi

    def _parse(self, text: str):
        return int(text) if INT_RE.match(text) else None

    def convert(self, node, ctx, key):
        if not isinstance(node, Scalar):
            ctx.error(node.line, key, f"应为{self.zh}，实际是{_show(node)}")
            return BAD
        text = node.value.strip()
        if len(text) > 30:
            ctx.error(node.line, key, f"数字过长（{len(text)} 个字符）：请检查是否误粘贴")
            return BAD
        value = self._parse(text) if text.isascii() else None  # full-width digits look right, read wrong
        if value is None:
            ctx.error(node.line, key, _odd_value(node, f"应为{self.zh}") or f"应为{self.zh}，实际是{_show(node)}")
            return BAD
        if not node.plain:
            ctx.error(node.line, key, f"应为{self.zh}，请去掉引号")
            return BAD
        if (self.lo is not None and value < self.lo) or (self.hi is not None and value > self.hi):
            ctx.error(node.line, key, f"超出范围：应在 {_range(self.lo, self.hi)}，实际是 {node.value}")
            return BAD
        return value

    def json_schema(self):
        s: dict = {"type": "integer"}
        if self.lo is not None:
            s["minimum"] = self.lo
        if self.hi is not None:
            s["maximum"] = self.hi
        return s


class Number(Int):
    zh = "数字"

    def _parse(self, text: str):
        if not NUM_RE.match(text):
            return None
        if INT_RE.match(text):
            return int(text)
        f = float(text)
        return f if math.isfinite(f) and abs(f) < 1e15 else None

    def json_schema(self):
        s = super().json_schema()
        s["type"] = "number"
        return s


def _odd_value(node: Node, what: str, quoted: bool = False) -> str | None:
    """``应为日期，“２０２６-１２-０５”里有全角数字……``: when full-width signs or curly quotes explain the error."""
    if not isinstance(node, Scalar) or node.value.isascii():
        return None
    odd = oddchars.value_problem(node.value, quoted=quoted)
    return f"{what}，{odd}" if odd else None


def _range(lo, hi) -> str:
    if lo is not None and hi is not None:
        return f"{lo} 到 {hi} 之间"
    return f"不小于 {lo}" if lo is not None else f"不大于 {hi}"


class TargetType(Type):
    zh = "目标（文本）"

    def convert(self, node, ctx, key):
        m = TARGET_RE.match(node.value) if isinstance(node, Scalar) and node.value.isascii() else None
        if not m:
            ctx.error(node.line, key, _odd_value(node, "目标应写成“运算符 数字”并加引号", quoted=True) or
                      f"目标应写成“运算符 数字”并加引号，如 \">= 90\"（运算符可用 >= <= > < =），实际是{_show(node)}")
            return BAD
        return R.Target(m.group(1), float(m.group(2)))

    def json_schema(self):
        return {"type": "string", "pattern": TARGET_RE.pattern}


class Loose(Type):
    """A change's from/to as written; :class:`ChangeObj` gives it the changed field's type."""

    zh = "随字段而定"

    def convert(self, node, ctx, key):
        if isinstance(node, Scalar):
            return node.value
        if isinstance(node, Seq):
            out = [self.convert(n, ctx, f"{key}[{i}]") for i, n in enumerate(node.items)]
            return tuple(out)
        return {k: self.convert(n, ctx, f"{key}.{k}") for k, (_l, n) in node.entries.items()}

    def json_schema(self):
        return {}


class AllOrList(Type):
    zh = "`all` 或文本列表"

    def __init__(self):
        self.item = Str()

    def convert(self, node, ctx, key):
        if isinstance(node, Scalar) and node.value == "all":
            return "all"
        if isinstance(node, Seq):
            return ListOf(self.item).convert(node, ctx, key)
        ctx.error(node.line, key, f"应为 all 或单位 id/单位类别的列表，实际是{_show(node)}")
        return BAD

    def json_schema(self):
        return {"oneOf": [{"const": "all"}, {"type": "array", "items": self.item.json_schema()}]}


class Texts(tuple):
    """A list of text that remembers the line of each item, for messages about one item."""

    lines: tuple[int, ...] = ()


class ListOf(Type):
    def __init__(self, item: Type, min_items: int = 0):
        self.item = item
        self.min_items = min_items
        self.zh = "文本列表" if isinstance(item, Str) else "列表"

    def convert(self, node, ctx, key):
        if not isinstance(node, Seq):
            first = node.value if isinstance(node, Scalar) else next(iter(node.entries), "")
            odd = oddchars.dash_problem(first)
            ctx.error(node.line, key, odd or f"应为列表（每一项另起一行，以“- ”开头），实际是{_show(node)}")
            return BAD
        if len(node.items) < self.min_items:
            ctx.error(node.line, key, f"至少要有 {self.min_items} 项")
        conv = self.item.convert
        out = []
        lines = []
        for i, item in enumerate(node.items):
            v = conv(item, ctx, f"{key}[{i}]")
            if v is not BAD:
                out.append(v)
                lines.append(item.line)
        if isinstance(self.item, Str):
            texts = Texts(out)
            texts.lines = tuple(lines)
            return texts
        return tuple(out)

    def json_schema(self):
        s: dict[str, Any] = {"type": "array", "items": self.item.json_schema()}
        if self.min_items:
            s["minItems"] = self.min_items
        return s

    def paths(self, prefix):
        yield from self.item.paths(prefix + "[]")


@dataclass(frozen=True)
class F:
    name: str
    type: Type
    required: bool = False
    doc: str = ""
    attr: str | None = None  # the dataclass attribute, when the key is a Python keyword


class Obj(Type):
    zh = "映射"

    def __init__(self, cls: type | None, fields: list[F], doc: str = "", key_by: tuple[str, dict[str, str]] | None = None):
        self.cls = cls
        self.fields = {f.name: f for f in fields}
        self.doc = doc
        # (field, {value: key}): the one optional key each value of ``field`` needs; the other keys
        # named in the map are not allowed with it. validate reports it; the JSON Schema says it.
        self.key_by = key_by

    def convert(self, node, ctx, key, extra: dict | None = None):
        if not isinstance(node, Map):
            odd = oddchars.key_problem(node.value) if isinstance(node, Scalar) else None
            ctx.error(node.line, key, odd or f"应为映射（“键: 值”的形式），实际是{_show(node)}")
            return BAD
        values: dict[str, Any] = dict(extra) if extra else {}
        lines: dict[str, int] = {}
        ok = True
        fields = self.fields
        unknown: set[str | None] = set()  # keys meant by unknown non-ASCII keys (error path only)
        for name, (kline, value) in node.entries.items():
            sub = f"{key}.{name}" if key else name
            f = fields.get(name)
            if f is None:
                ctx.error(kline, sub, _unknown_key(name, value, fields))
                if not name.isascii():
                    unknown.add(_meant_key(name, fields))
                continue  # the record itself stays usable, so later checks do not cascade
            lines[name] = kline
            if is_null(value):
                continue  # an empty optional value counts as absent; required ones are reported below
            v = f.type.convert(value, ctx, sub)
            if v is BAD:
                if f.required:
                    ok = False
                continue
            values[f.attr or name] = v
        for f in fields.values():
            if f.required and (f.attr or f.name) not in values and (f.name not in lines or is_null(node.entries[f.name][1])):
                ok = False
                if f.name in unknown:
                    continue  # written under a Chinese or full-width name: that message says how to write it
                sub = f"{key}.{f.name}" if key else f.name
                what = f"（{f.doc}）" if f.doc else ""
                ctx.error(node.line, sub, f"缺少必填的键“{f.name}”{what}")
        if not ok or self.cls is None:
            return BAD if not ok else values
        return self.cls(loc=R.Loc(ctx.path, node.line, key, lines), **values)

    def json_schema(self):
        props = {}
        for f in self.fields.values():
            s = dict(f.type.json_schema())
            if f.doc:
                s["description"] = f.doc
            props[f.name] = s
        out: dict = {"type": "object", "properties": props, "additionalProperties": False}
        req = [f.name for f in self.fields.values() if f.required]
        if req:
            out["required"] = req
        if self.key_by is not None:
            on, keys = self.key_by
            out["allOf"] = [{"if": {"properties": {on: {"const": value}}, "required": [on]},
                             "then": {"required": [need], "properties": {k: False for k in sorted(set(keys.values()) - {need})}}}
                            for value, need in keys.items()]
        if self.doc:
            out["description"] = self.doc
        return out

    def paths(self, prefix):
        for f in self.fields.values():
            p = f"{prefix}.{f.name}" if prefix else f.name
            yield p
            yield from f.type.paths(p)


class ChangeObj(Obj):
    """A ``changes`` entry: ``from`` and ``to`` converted here, once, to the type of the changed
    field (a date for ``deadline``, a :class:`~generator.model.records.Target` for ``indicator``,
    a tuple of text for ``measures``, text otherwise), so that nothing later re-parses them."""

    def __init__(self, fields: list[F], choices: tuple[str, ...], required_both: tuple[str, ...], doc: str = ""):
        super().__init__(R.Change, fields, doc)
        self.choices = choices
        self.required_both = required_both

    def convert(self, node, ctx, key, extra=None):
        rec = super().convert(node, ctx, key, extra)
        if rec is BAD or not isinstance(rec, R.Change):
            return rec
        typed: dict[str, Any] = {}
        for attr, name in (("from_", "from"), ("to", "to")):
            raw = getattr(rec, attr)
            path, line, sub = rec.loc.at(name)
            if raw is None:
                if rec.field in self.required_both:
                    ctx.error(rec.loc.line, sub, f"变更 {rec.field} 时必须写明 {name}（原来的值和新的值）")
                typed[attr] = None
                continue
            typed[attr] = self._typed(rec.field, raw, ctx, line, sub, name)
        return dataclasses.replace(rec, **typed)

    @staticmethod
    def _typed(fname: str, raw: Any, ctx: Ctx, line: int, key: str, name: str) -> Any:
        if fname == "deadline":
            text = raw.strip() if isinstance(raw, str) else None
            try:
                if text is not None and DATE_RE.match(text):
                    return date.fromisoformat(text)
            except ValueError:
                pass
            ctx.error(line, key, f"deadline 的 {name} 应为日期 YYYY-MM-DD，实际是“{_plain(raw)}”")
            return None
        if fname == "indicator":
            m = TARGET_RE.match(raw) if isinstance(raw, str) else None
            if m:
                return R.Target(m.group(1), float(m.group(2)))
            ctx.error(line, key, f"indicator 的 {name} 应为目标，如 \">= 90\"，实际是“{_plain(raw)}”")
            return None
        if fname == "measures":
            if isinstance(raw, tuple) and all(isinstance(x, str) for x in raw):
                return raw
            if isinstance(raw, str):
                return (raw,)
            ctx.error(line, key, f"measures 的 {name} 应为措施的列表（每项另起一行，以“- ”开头）")
            return None
        if isinstance(raw, str):
            return raw
        ctx.error(line, key, f"{fname} 的 {name} 应为文本，实际是一个{'列表' if isinstance(raw, tuple) else '映射'}")
        return None

    def json_schema(self):
        out = super().json_schema()
        rules = []
        for fname, t in (("deadline", DATE.json_schema()), ("indicator", TargetType().json_schema()),
                         ("measures", {"anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]})):
            if fname not in self.choices:
                continue
            then: dict = {"properties": {"from": t, "to": t}}
            if fname in self.required_both:
                then["required"] = ["from", "to"]
            rules.append({"if": {"properties": {"field": {"const": fname}}, "required": ["field"]}, "then": then})
        if rules:
            out["allOf"] = rules
        return out


def _plain(raw: Any) -> str:
    if isinstance(raw, tuple):
        return "、".join(_plain(x) for x in raw)
    if isinstance(raw, dict):
        return "，".join(f"{k}: {_plain(v)}" for k, v in raw.items())
    return str(raw)


def _meant_key(name: str, fields: dict) -> str | None:
    """The key a Chinese, full-width or curly-quoted key stands for, if any."""
    meant = zhkeys.key_for(name, fields)
    if meant is None:
        plain = oddchars.halfwidth(oddchars.strip_curly(name) or name).strip()
        meant = plain if plain in fields else None
    return meant


def _unknown_key(name: str, value: Node, fields: dict) -> str:
    keys = f"这里可用的键有 {'、'.join(fields)}"
    if not name.isascii():
        shown = value.value if isinstance(value, Scalar) and len(value.value) <= 20 else "…"
        meant = zhkeys.key_for(name, fields)
        if meant is not None:  # 完成时限: 2026-06-30 -> deadline
            return (f"未知的键“{name}”（您是不是想写“{meant}”？）：字段名要用英文，{name} 在这里写作 {meant}，"
                    f"即“{meant}: {shown}”")
        plain = oddchars.halfwidth(oddchars.strip_curly(name) or name).strip()
        if plain in fields:  # “title” or ｔｉｔｌｅ
            return f"未知的键{oddchars.shown(name)}：{oddchars.value_problem(name, fix=plain, what='键')}"
    return f"未知的键“{name}”{did_you_mean(name, fields)}：{keys}"


def did_you_mean(word: str, options) -> str:
    """“（您是不是想写“…”？）” when one of ``options`` is close to ``word``, else an empty string."""
    close = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    return f"（您是不是想写“{close[0]}”？）" if close else ""


# ---------------------------------------------------------------------------------------
# The declarations.  Docs are Chinese: they become hover help in the editor.

ID = Str(ID_RE, pattern_hint="标识只能用小写字母、数字和连字符“-”，以字母或数字开头，最长 63 个字符")
TEXT = Str()
MD = Str(markdown=True)
DATE = Date()


def _list(t: Type, n: int = 0) -> ListOf:
    return ListOf(t, n)


OVERSIGHT = Obj(R.Oversight, [
    F("hotline", TEXT, doc="监督电话"),
    F("email", TEXT, doc="监督邮箱"),
    F("address", TEXT, doc="来信地址"),
    F("report_url", TEXT, doc="网上反映问题的地址"),
], doc="群众反映问题的渠道，至少填一项")

EDITING = Obj(R.Editing, [
    F("backend", Str(choices=R.EDITING_BACKENDS), True, "代码托管平台：forgejo、gitlab 或 github"),
    F("repo", TEXT, True, "数据仓库，如 county/gongshi-data"),
    F("branch", TEXT, doc="修改请求合并到的分支，默认 main"),
    F("api_root", TEXT, doc="平台的 API 地址，如 https://git.example.gov.cn/api/v1（Forgejo）或 https://gitlab.example.gov.cn/api/v4（GitLab）"),
    F("base_url", TEXT, doc="登录地址：GitLab 的站点地址，或 GitHub 所需的 OAuth 网关地址"),
    F("auth_endpoint", TEXT, doc="OAuth 网关上登录的路径，默认 auth"),
    F("app_id", TEXT, doc="在平台上登记的 OAuth 应用的 Client ID（Forgejo、GitLab 用 PKCE 登录）"),
], doc="网页编辑器的后端")

SITE = Obj(R.Site, [
    F("title", TEXT, True, "网站标题，如 示例县政务承诺公开平台"),
    F("owner", TEXT, True, "网站主办单位"),
    F("timezone", TEXT, doc="时区，决定“今天”是哪一天，默认 Asia/Shanghai"),
    F("stale_after_days", Int(1, 3650), doc="未完成的承诺超过这么多天没有台账记录，标记为“久未更新”，默认 45"),
    F("closure_notice_days", Int(0, 365), doc="销号经验收后公示的天数，公示期满才算最终销号，默认 7"),
    F("backdate_grace_days", Int(0, 365), doc="补记宽限天数：与基准版本比较时，新记录的日期最早可以是基准日期之前这么多天，默认 7"),
    F("unit_categories", _list(TEXT, 1),
      doc="单位类别，默认：乡镇政府、综合性部门、审批职能部门、司法执法部门、宣传部门、重点工作专班、其他"),
    F("oversight", OVERSIGHT, True, "群众反映问题的渠道：hotline、email、address、report_url，至少一项"),
    F("base_url", TEXT, doc="（可选）网站的公开地址，如 https://gongshi.example.org/，用于二维码、订阅源、公示单、网站地图和规范链接"),
    F("repo_url", TEXT, doc="（可选）数据仓库地址，如 https://github.com/org/repo，用于“编辑此页”链接"),
    F("edit_branch", Str(BRANCH_RE, pattern_hint="分支名只能用字母、数字和 . _ / -，不能以 . 或 / 结尾，如 main"),
      doc="（可选）“编辑此页”指向的分支，默认 main"),
    F("license", TEXT, doc="（可选）开放数据的许可协议，如 CC-BY-4.0"),
    F("office_team", TEXT,
      doc="（可选）督查考核办公室在代码托管平台上的账号或团队，如 @qinghe/ducha，多个用空格分开；CODEOWNERS 中共用文件的负责人"),
    F("forge", EnumOf(Forge),
      doc="（可选）数据仓库所在的平台：github、forgejo（也适用于 Gitea）或 gitlab，默认 github；决定 CODEOWNERS、“编辑此页”和反映问题链接"),
    F("editing", EDITING, doc="（可选）网页编辑器 /admin/ 的代码托管平台：backend、repo、api_root、app_id 等"),
], doc="网站整体设置")

# The duty rule: a ledger duty has an interval (every_days), every other kind a date (due).
DUTY_KEY = {kind.value: "every_days" if kind is R.DutyKind.LEDGER else "due" for kind in R.DutyKind}

DUTY = Obj(R.Duty, [
    F("kind", EnumOf(R.DutyKind), True, "责任类型：pledges（公开承诺）、ledger（台账）、report（总结报告）、problems（问题清单）"),
    F("due", DATE, doc=f"截止日期（{'、'.join(k for k, key in DUTY_KEY.items() if key == 'due')} 必填）"),
    F("every_days", Int(1, 366), doc=f"台账最长间隔天数（{'、'.join(k for k, key in DUTY_KEY.items() if key == 'every_days')} 必填）"),
], doc="本阶段每个参与单位必须完成的公开责任", key_by=("kind", DUTY_KEY))

PHASE = Obj(R.Phase, [
    F("id", ID, True, "阶段标识，在本活动内唯一，用于网址"),
    F("name", TEXT, True, "阶段名称，如 活动启动、组织实施、总结评比"),
    F("start", DATE, True, "开始日期"),
    F("end", DATE, doc="结束日期；不填表示常态化、持续进行"),
    F("summary", MD, doc="阶段说明（Markdown）"),
    F("duties", _list(DUTY), doc="本阶段的责任"),
])

MEASUREMENT = Obj(R.Measurement, [
    F("date", DATE, True, "测量日期"),
    F("value", Number(), True, "测得的数值"),
    F("source", TEXT, doc="数据来源"),
])

INDICATOR = Obj(R.Indicator, [
    F("id", ID, True, "指标标识，在本活动内唯一"),
    F("name", TEXT, True, "指标名称，如 网上可办率"),
    F("unit", TEXT, True, "计量单位，如 %、项"),
    F("target", TargetType(), True, "目标，运算符加数字并加引号，如 \">= 90\""),
    F("baseline", Number(), doc="基线值"),
    F("due", DATE, doc="达标期限"),
    F("measurements", _list(MEASUREMENT), doc="测量记录：date、value、source"),
])

CAMPAIGN = Obj(R.Campaign, [
    F("id", ID, True, "活动标识，与文件名相同"),
    F("title", TEXT, True, "活动名称，如 主动服务活动"),
    F("organizer", TEXT, True, "组织单位"),
    F("document", TEXT, doc="启动本活动的方案文件标题"),
    F("document_url", TEXT, doc="方案文件的链接"),
    F("summary", MD, doc="背景和目标（Markdown）"),
    F("participants", AllOrList(), doc="参与单位：all（全部，默认）或单位 id、单位类别的列表"),
    F("phases", _list(PHASE, 1), True, "阶段列表，按先后顺序"),
    F("indicators", _list(INDICATOR), doc="活动整体的可量化目标"),
], doc="一项活动")

CONTACT = Obj(R.Contact, [
    F("phone", TEXT, doc="联系电话（请加引号）"),
    F("address", TEXT, doc="办公地址"),
])

UNIT = Obj(R.Unit, [
    F("id", ID, True, "单位标识，与文件夹名相同"),
    F("name", TEXT, True, "单位全称，如 县发展和改革委员会"),
    F("short_name", TEXT, doc="简称，如 发改委"),
    F("category", TEXT, True, "单位类别，须为 site.yaml 中 unit_categories 之一"),
    F("head", TEXT, doc="主要负责人（一把手）"),
    F("service_officer", TEXT, doc="首席服务官"),
    F("contact", CONTACT, doc="联系方式：phone、address"),
    F("notice_location", TEXT, doc="纸质公示张贴地点"),
    F("maintainers", _list(TEXT), doc="负责编辑本单位文件夹的代码托管账号或团队（@org/team），生成 CODEOWNERS"),
], doc="一个单位")

PLEDGE_INDICATOR = Obj(R.PledgeIndicator, [
    F("name", TEXT, True, "指标名称"),
    F("unit", TEXT, True, "计量单位"),
    F("baseline", Number(), doc="基线值"),
    F("target", TargetType(), True, "目标，如 \">= 90\""),
])

CHANGE = ChangeObj([
    F("date", DATE, True, "变更日期：记录变更的这一天（不能早于基准日期减宽限天数）"),
    F("field", Str(choices=R.CHANGE_FIELDS), True, "变更的字段：title、commitment、deadline、measures、indicator、responsible"),
    F("from", Loose(), doc="原来的值（deadline 和 indicator 必填；indicator 填原目标，如 \">= 90\"）", attr="from_"),
    F("to", Loose(), doc="新的值（deadline 和 indicator 必填）"),
    F("why", TEXT, True, "变更原因，向社会公开"),
], R.CHANGE_FIELDS, ("deadline", "indicator"), doc="一次公开变更")

RECT_CHANGE = ChangeObj([
    F("date", DATE, True, "变更日期：记录变更的这一天（不能早于基准日期减宽限天数）"),
    F("field", Str(choices=R.RECT_CHANGE_FIELDS), True, "变更的字段：problem、measures、category、source、responsible、deadline"),
    F("from", Loose(), doc="原来的值（deadline 必填）", attr="from_"),
    F("to", Loose(), doc="新的值（deadline 必填）"),
    F("why", TEXT, True, "变更原因，向社会公开"),
], R.RECT_CHANGE_FIELDS, ("deadline",), doc="一次公开变更")

WITHDRAWAL = Obj(R.Withdrawal, [
    F("date", DATE, True, "撤回日期"),
    F("why", TEXT, True, "撤回原因，向社会公开"),
])

PLEDGE = Obj(R.Pledge, [
    F("id", ID, True, "承诺标识，在本单位内唯一，用于网址"),
    F("campaign", Ref("campaign"), True, "所属活动的标识"),
    F("title", TEXT, True, "服务事项名称"),
    F("commitment", MD, True, "承诺内容（Markdown）"),
    F("measures", _list(TEXT), doc="具体措施"),
    F("beneficiaries", TEXT, doc="服务对象"),
    F("published", DATE, True, "公示日期；此前网站上不显示"),
    F("deadline", DATE, doc="完成时限；不填表示常态化承诺"),
    F("responsible", TEXT, doc="责任人"),
    F("tags", _list(TEXT), doc="标签"),
    F("indicator", PLEDGE_INDICATOR, doc="可量化指标：name、unit、baseline、target"),
    F("changes", _list(CHANGE), doc="公示后的每一次变更：date、field、from、to、why"),
    F("withdrawn", WITHDRAWAL, doc="公开撤回：date、why。承诺不能删除，只能撤回"),
], doc="一项公开承诺")

LEDGER = Obj(R.LedgerEntry, [
    F("date", DATE, True, "工作日期，不能晚于今天"),
    F("pledge", Ref("pledge"), True, "本单位承诺的标识"),
    F("progress", Int(0, 100), True, "本条记录后的完成百分比，0 到 100；100 表示完成"),
    F("note", MD, True, "做了什么（Markdown）"),
    F("evidence", _list(TEXT), doc="佐证：http(s) 链接，或本单位 evidence/ 文件夹中的文件路径"),
    F("value", Number(), doc="承诺指标的实测值"),
    F("correction", TEXT, doc="进度比上一条低时必填：说明原因"),
], doc="一条台账记录")

UPDATE = Obj(R.Update, [F("date", DATE, True, "日期"), F("note", MD, True, "整改进展（Markdown）")])

CLOSURE = Obj(R.Closure, [
    F("date", DATE, True, "整改完成（申请销号）日期"),
    F("summary", MD, True, "整改结果（Markdown）"),
    F("evidence", _list(TEXT), doc="佐证：http(s) 链接或 evidence/ 中的文件"),
    F("verified_by", TEXT, doc="验收单位或人员"),
    F("verified_on", DATE, doc="验收日期"),
], doc="销号")

RESOLUTION = Obj(R.Resolution, [F("date", DATE, True, "答复日期"), F("summary", MD, True, "答复内容")])

OBJECTION = Obj(R.Objection, [
    F("date", DATE, True, "提出异议的日期"),
    F("summary", MD, True, "异议内容"),
    F("resolution", RESOLUTION, doc="答复：date、summary"),
])

RECTIFICATION = Obj(R.Rectification, [
    F("id", ID, True, "问题标识，在本单位内唯一"),
    F("campaign", Ref("campaign"), True, "所属活动的标识"),
    F("found", DATE, True, "发现日期；此日起在网站上显示"),
    F("source", Str(choices=R.RECT_SOURCES), True, "问题来源：自查、督查、明察暗访、电话核实、群众反映、上级通报"),
    F("inspection", Ref("inspection"), doc="发现该问题的督查标识"),
    F("category", TEXT, doc="问题类别"),
    F("problem", MD, True, "问题描述（Markdown）"),
    F("measures", _list(TEXT, 1), True, "整改措施"),
    F("responsible", TEXT, doc="责任人"),
    F("deadline", DATE, True, "整改时限"),
    F("updates", _list(UPDATE), doc="整改进展：date、note"),
    F("closure", CLOSURE, doc="销号：date、summary、evidence、verified_by、verified_on"),
    F("objections", _list(OBJECTION), doc="群众对销号的异议：date、summary、resolution"),
    F("changes", _list(RECT_CHANGE),
      doc="公开后的每一次变更：date、field、from、to、why；问题描述、措施、类别、来源、责任人和整改时限只能这样改"),
], doc="一个问题及其整改")

FINDING = Obj(R.Finding, [
    F("unit", Ref("unit"), True, "被检查单位的标识"),
    F("result", Str(choices=R.FINDING_RESULTS), True, "结果：合格 或 发现问题"),
    F("note", MD, doc="说明"),
    F("rectification", Ref("rectification"), doc="对应的问题标识（在该单位的 rectifications.yaml 中）"),
])

INSPECTION = Obj(R.Inspection, [
    F("id", ID, True, "督查标识，在所有督查文件中唯一"),
    F("campaign", Ref("campaign"), True, "所属活动的标识"),
    F("date", DATE, True, "督查日期"),
    F("method", Str(choices=R.INSPECTION_METHODS), True, "方式：明察暗访、现场抽查、电话核实、专项督导"),
    F("by", TEXT, True, "督查组"),
    F("summary", MD, doc="概述（Markdown）"),
    F("findings", _list(FINDING), doc="逐单位结果：unit、result、note、rectification"),
], doc="一次督查")

SCORE_T = Number(0, 100)

EVALUATION = Obj(R.Evaluation, [
    F("campaign", Ref("campaign"), True, "活动标识，与文件名相同"),
    F("published", DATE, True, "公布日期；此前不显示"),
    F("weights", Obj(R.Weights, [
        F("self", Number(0, 100), True, "自评权重"),
        F("social", Number(0, 100), True, "社会评价权重"),
        F("leadership", Number(0, 100), True, "领导评价权重"),
    ]), True, "权重：self、social、leadership，合计 100"),
    F("grades", _list(Obj(R.Grade, [F("name", TEXT, True, "等次名称"), F("min", SCORE_T, True, "最低总分")])),
      doc="等次，从高到低：name、min"),
    F("scores", _list(Obj(R.Score, [
        F("unit", Ref("unit"), True, "单位标识"),
        F("self", SCORE_T, True, "自评得分 0–100"),
        F("social", SCORE_T, True, "社会评价得分 0–100"),
        F("leadership", SCORE_T, True, "领导评价得分 0–100"),
        F("note", TEXT, doc="备注"),
    ])), True, "各单位得分"),
], doc="一项活动的考核评比")

REPORT = Obj(R.Report, [
    F("title", TEXT, True, "报告标题"),
    F("submitted", DATE, True, "提交日期；此日起在单位页面显示"),
], doc="总结报告的前置信息（front matter）")


@dataclass(frozen=True)
class Kind:
    name: str  # schema file name and key-path prefix for list files
    spec: Type
    title: str
    is_list: bool = False


KINDS: dict[str, Kind] = {
    "site": Kind("site", SITE, "site.yaml"),
    "campaign": Kind("campaign", CAMPAIGN, "campaigns/<id>.yaml"),
    "unit": Kind("unit", UNIT, "units/<id>/unit.yaml"),
    "pledges": Kind("pledges", ListOf(PLEDGE), "pledges.yaml", True),
    "ledger": Kind("ledger", ListOf(LEDGER), "ledger.yaml", True),
    "rectifications": Kind("rectifications", ListOf(RECTIFICATION), "rectifications.yaml", True),
    "inspections": Kind("inspections", ListOf(INSPECTION), "inspections/*.yaml", True),
    "evaluation": Kind("evaluation", EVALUATION, "evaluations/<id>.yaml"),
    "report": Kind("report", REPORT, "reports/<campaign-id>.md"),
}


def convert(kind: str, node: Node, ctx: Ctx, unit: str | None = None) -> Any:
    """One file's tree to records; list items of a unit's files get ``unit`` (and ledger ``seq``) set."""
    k = KINDS[kind]
    if not k.is_list:
        return k.spec.convert(node, ctx, "")
    if unit is None or not isinstance(node, Seq):
        return k.spec.convert(node, ctx, kind)
    assert isinstance(k.spec, ListOf) and isinstance(k.spec.item, Obj)
    item = k.spec.item
    out = []
    for i, n in enumerate(node.items):
        extra = {"unit": unit, "seq": i} if kind == "ledger" else {"unit": unit}
        v = item.convert(n, ctx, f"{kind}[{i}]", extra) if isinstance(n, Map) else item.convert(n, ctx, f"{kind}[{i}]")
        if v is not BAD:
            out.append(v)
    return tuple(out)


def key_paths(kind: str) -> list[str]:
    """Every documented key path of a file kind, e.g. phases[].duties[].due."""
    k = KINDS[kind]
    spec = k.spec.item if isinstance(k.spec, ListOf) else k.spec
    return list(spec.paths(""))


def json_schema(kind: str, base_id: str = "") -> dict:
    k = KINDS[kind]
    out = {"$schema": "https://json-schema.org/draft/2020-12/schema"}
    if base_id:
        out["$id"] = f"{base_id}{kind}.json"
    out["title"] = f"gongshi {k.title}"
    out.update(k.spec.json_schema())
    return out
