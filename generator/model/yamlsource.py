"""Strict, line-aware YAML reading for files edited by hand.

We do not let PyYAML construct Python objects.  libyaml's C parser produces events and we
build a small tree of :class:`Scalar`, :class:`Seq` and :class:`Map` nodes ourselves,
iteratively, so that:

* every value keeps its line, for messages a clerk can act on;
* scalars stay text until the schema says what they should be (``no`` and ``0375123``
  never silently become a boolean or a number);
* anchors, aliases, tags, duplicate keys and second documents are refused;
* deep nesting cannot exhaust the stack (the C composer recurses, we do not).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import yaml

from generator.model import oddchars

try:  # the C parser is an order of magnitude faster; the pure one gives the same events
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

MAX_BYTES = 2 * 1024 * 1024
MAX_DEPTH = 40

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")
# Control and invisible characters in one pass: the happy path pays for one scan, as before.
_ODD = re.compile(f"[\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f-\\x9f\\ufffe\\uffff{oddchars.INVISIBLE}]")


class Scalar:
    __slots__ = ("value", "plain", "line")

    def __init__(self, value: str, plain: bool, line: int):
        self.value = value
        self.plain = plain  # unquoted: YAML 1.1 would read it by its look
        self.line = line

    def __repr__(self) -> str:
        return f"Scalar({self.value!r}, plain={self.plain}, line={self.line})"


class Seq:
    __slots__ = ("items", "line")

    def __init__(self, line: int):
        self.items: list[Node] = []
        self.line = line


class Map:
    __slots__ = ("entries", "line")

    def __init__(self, line: int):
        # key -> (line of the key, value node)
        self.entries: dict[str, tuple[int, Node]] = {}
        self.line = line


Node = Scalar | Seq | Map


@dataclass(frozen=True)
class YamlProblem:
    """A problem in a file that can still be read: its line and the message."""

    line: int
    message: str


class YamlFileError(Exception):
    """The file cannot be read as one plain YAML document."""

    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line
        self.message = message


_PARSER_MESSAGES = [
    ("mapping values are not allowed in this context", "此处不能出现“: ”。若文本本身含有冒号，请给整段文本加引号"),
    ("did not find expected comment or line break",
     "这一行的值后面有多余的内容：值以“>”或“|”开头（如目标 \">= 90\"）或含有特殊符号时，请给整段加引号"),
    ("mapping values are not allowed here", "此处不能出现“: ”。若文本本身含有冒号，请给整段文本加引号"),
    ("could not find expected ':'", "缺少冒号“:”，或上一行的引号没有闭合"),
    ("did not find expected key", "缩进没有对齐，或列表项缺少“- ”"),
    ("did not find expected '-' indicator", "缩进没有对齐：列表项应以“- ”开头并对齐"),
    ("found a tab character that violates indentation", "不能用制表符（Tab）缩进，请改用空格"),
    ("found character '\\t' that cannot start any token", "不能用制表符（Tab）缩进，请改用空格"),
    ("found unexpected end of stream", "文件意外结束：可能有引号或括号没有闭合"),
    ("found unknown escape character", "双引号文本中有无法识别的反斜杠转义，请改用单引号或去掉反斜杠"),
    ("expected <block end>, but found", "缩进不一致：这一行与上文的层级对不上"),
    ("found undefined alias", "不支持别名（*…）：请把内容直接写出来"),
    ("found duplicate anchor", "不支持锚点（&…）：请把内容直接写出来"),
    ("expected alphabetic or numeric character", "不支持锚点和别名（& 与 *）：若是文本，请加引号"),
    ("found unexpected ':'", "此处不能出现冒号：若文本本身含有冒号，请给整段文本加引号"),
    ("found character that cannot start any token", "这一行以 YAML 保留字符开头（如 @ ` | > % 等）：若是文本，请加引号"),
    ("expected a comment or a line break", "这一行的值后面有多余的内容：若是文本，请给整段加引号"),
    ("expected chomping or indentation indicators", "以“>”或“|”开头的文本（如目标 \">= 90\"）必须加引号"),
    ("expected ',' or ']'", "方括号列表没有正确闭合"),
    ("expected ',' or '}'", "花括号映射没有正确闭合"),
]


def _parser_message(exc: yaml.YAMLError) -> str:
    problem = getattr(exc, "problem", None) or str(exc)
    for needle, zh in _PARSER_MESSAGES:
        if needle in problem:
            return f"YAML 语法错误：{zh}"
    return f"YAML 语法错误：{problem}"


def decode(raw: bytes, invisible: list[YamlProblem] | None = None) -> str:
    """UTF-8 (a BOM is tolerated) or YamlFileError; control characters are refused.

    Invisible characters (zero-width spaces and the like) are left in the text, unless
    ``invisible`` is a list: then each line holding some gets a problem there and they are
    taken out, so that the rest of the file is checked as the clerk sees it.
    """
    if len(raw) > MAX_BYTES:
        raise YamlFileError(
            0,
            f"文件过大（{len(raw) / 1024 / 1024:.1f} MB）：单个文件不得超过 {MAX_BYTES // 1024 // 1024} MB，"
            "请检查是否误粘贴了大段内容或二进制文件",
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise YamlFileError(line, "文件不是 UTF-8 编码：请在编辑器中以 UTF-8 另存（不要用 GBK/GB2312）") from None
    m = _ODD.search(text)
    if m is None:
        return text
    c = _CONTROL.search(text, m.start())
    if c:
        line = text.count("\n", 0, c.start()) + 1
        raise YamlFileError(line, f"含有不可见的控制字符（U+{ord(c.group()):04X}）：请删除它，它常来自从其他软件复制粘贴")
    if invisible is not None:
        text = take_invisible(text, invisible)
    return text


def take_invisible(text: str, problems: list[YamlProblem]) -> str:
    """``text`` without invisible characters; one problem per line that held some."""
    if oddchars.INVISIBLE_RE.search(text) is None:
        return text
    lines = text.split("\n")
    for i, line in enumerate(lines):
        spots = [m.start() for m in oddchars.INVISIBLE_RE.finditer(line)]
        if spots:
            problems.append(YamlProblem(i + 1, _invisible_message(line, spots)))
            lines[i] = oddchars.INVISIBLE_RE.sub("", line)
    return "\n".join(lines)


def _invisible_message(line: str, spots: list[int]) -> str:
    ch = line[spots[0]]
    visible = oddchars.INVISIBLE_RE.sub("", line[: spots[0]])
    before = re.search(r"\S{1,20}$", visible)
    after = re.match(r"\S{1,20}", oddchars.INVISIBLE_RE.sub("", line[spots[0] + 1:]))
    if before:
        near = f"，紧跟在“{before.group()}”后面"
    elif after:
        near = f"，在“{after.group()}”前面"
    else:
        near = ""
    more = f"（这一行共有 {len(spots)} 处）" if len(spots) > 1 else ""
    return (f"有看不见的{oddchars.name(ch)}：在第 {spots[0] + 1} 个字符处{near}{more}。屏幕上看不出来，却会让这一行读错。"
            f"请删除它，最稳妥的是把这一行删掉重新输入。{oddchars.where_from(ch)}")


def parse(text: str) -> Node | None:
    """Build the node tree of one YAML document; None for an empty file."""
    # Hot loop: a county's data is some 400,000 events, so this avoids generator layers
    # and helper calls; each event is handled inline. Events and containers are told apart by
    # exact type (``type(x) is``), which mypy cannot narrow on: hence ``Any`` for them.
    containers: list[Any] = []  # open mappings and sequences, innermost last
    pending: list = []  # per open container: the key waiting for its value (mappings only)
    root: Node | None = None
    documents = 0
    ScalarEvent, AliasEvent = yaml.ScalarEvent, yaml.AliasEvent
    MapStart, SeqStart = yaml.MappingStartEvent, yaml.SequenceStartEvent
    MapEnd, SeqEnd, DocStart = yaml.MappingEndEvent, yaml.SequenceEndEvent, yaml.DocumentStartEvent
    loader = _Loader(text)
    try:
        get = loader.get_event
        while True:
            event: Any = get()
            if event is None:
                break
            cls = type(event)
            if cls is ScalarEvent or cls is MapStart or cls is SeqStart:
                line = event.start_mark.line + 1
                if event.anchor is not None or (event.tag is not None and event.tag != "!"):
                    _refuse_anchor_and_tag(event, line)
                if cls is ScalarEvent:
                    node: Node = Scalar(event.value, not event.style and event.implicit[0], line)
                else:
                    if len(containers) >= MAX_DEPTH:
                        raise YamlFileError(line, f"嵌套层级过深（超过 {MAX_DEPTH} 层）：数据文件不需要这么多层，请检查缩进")
                    node = Map(line) if cls is MapStart else Seq(line)
                if containers:
                    parent = containers[-1]
                    if type(parent) is Seq:
                        parent.items.append(node)
                    else:
                        key = pending[-1]
                        if key is None:
                            if type(node) is not Scalar:
                                raise YamlFileError(line, "键必须是简单文本，不能是列表或映射")
                            entries = parent.entries
                            if node.value in entries:
                                first = entries[node.value][0]
                                raise YamlFileError(line, f"重复的键“{node.value}”（第 {first} 行已经写过）：同一层级中每个键只能出现一次")
                            pending[-1] = node
                        else:
                            parent.entries[key.value] = (key.line, node)
                            pending[-1] = None
                else:
                    root = node
                if cls is not ScalarEvent:
                    containers.append(node)
                    pending.append(None)
            elif cls is MapEnd or cls is SeqEnd:
                containers.pop()
                pending.pop()
            elif cls is AliasEvent:
                raise YamlFileError(event.start_mark.line + 1, "不支持别名（*…）：请把内容直接写出来")
            elif cls is DocStart:
                documents += 1
                if documents > 1:
                    raise YamlFileError(
                        event.start_mark.line + 1, "一个文件只能有一个 YAML 文档：请删除多余的“---”分隔线及其后的内容"
                    )
    except YamlFileError:
        raise
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        message = _parser_message(exc)
        line = mark.line + 1 if mark else 0
        context_mark = exc.context_mark
        if mark is not None and context_mark is not None and "could not find expected ':'" in (exc.problem or "") \
                and context_mark.line < mark.line:
            # libyaml reads on to the next line looking for the ':'; the key without one started here.
            line = context_mark.line + 1
            message = "YAML 语法错误：这一行缺少冒号：键和值之间要用半角（英文）冒号加一个空格“: ”隔开，或者这一行的引号没有闭合"
        if mark is not None:
            lines = text.split("\n")
            bad = lines[mark.line] if mark.line < len(lines) else ""
            if "\t" in bad[: len(bad) - len(bad.lstrip())]:
                line, message = mark.line + 1, "YAML 语法错误：不能用制表符（Tab）缩进，请改用空格"
            elif not text.isascii():
                # A full-width colon, space or quote looks right and explains the error better
                # than libyaml can; its line may be above the one libyaml names.
                context = exc.context_mark.line if exc.context_mark is not None else None
                found = oddchars.diagnose(lines, mark.line, context)
                if found is not None:
                    line, message = found[0] + 1, f"YAML 语法错误：{found[1]}"
        raise YamlFileError(line, message) from None
    except yaml.YAMLError as exc:
        raise YamlFileError(0, _parser_message(exc)) from None
    finally:
        dispose = getattr(loader, "dispose", None)
        if dispose is not None:
            dispose()
    if isinstance(root, Scalar) and root.plain and root.value == "":
        return None
    return root


def _refuse_anchor_and_tag(event, line: int) -> None:
    if event.anchor is not None:
        raise YamlFileError(line, f"不支持锚点（&{event.anchor}）：请把内容直接写出来")
    if event.tag is not None and event.tag != "!":
        raise YamlFileError(line, f"不支持 YAML 标签（{event.tag}）：请删除它，需要文本时请加引号")


_resolver = yaml.resolver.Resolver()


def plain_kind(value: str) -> str:
    """What YAML 1.1 would make of an unquoted scalar: str, bool, int, float, null or timestamp."""
    tag = _resolver.resolve(yaml.ScalarNode, value, (True, False))
    return tag.rsplit(":", 1)[-1]
