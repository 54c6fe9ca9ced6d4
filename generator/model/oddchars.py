"""Characters that look like YAML's own but are not, named for a clerk.

Word, WeChat and Chinese input methods put full-width colons, full-width or no-break spaces,
zero-width spaces, curly quotes and full-width digits into hand-typed YAML.  On screen they
look right; to the parser they are text.  The reader and the converter use this module, only
on their error paths (and one regular expression that the reader already runs over every file),
to say which character it is, by name and code point, where it is, and what to type instead.
"""

from __future__ import annotations

import re

from generator.model import zhkeys

_NAMES = {
    "\u3000": "全角空格",
    "\u00a0": "不间断空格",
    "\u2002": "半身空格",
    "\u2003": "全身空格",
    "\u2009": "窄空格",
    "\u202f": "窄不间断空格",
    "\u200b": "零宽空格",
    "\u200c": "零宽非连接符",
    "\u200d": "零宽连接符",
    "\u200e": "从左到右标记",
    "\u200f": "从右到左标记",
    "\u2060": "零宽不换行符",
    "\ufeff": "零宽不间断空格（BOM）",
    "\u00ad": "软连字符",
    "\uff1a": "全角冒号",
    "\u201c": "中文左双引号",
    "\u201d": "中文右双引号",
    "\u2018": "中文左单引号",
    "\u2019": "中文右单引号",
    "\uff02": "全角双引号",
    "\uff07": "全角单引号",
    "\uff0d": "全角连字符",
    "\u2014": "破折号",
    "\u2013": "短破折号",
    "\u2212": "减号",
    "\uff0f": "全角斜杠",
    "\uff3c": "全角反斜杠",
    "\u2265": "大于等于号",
    "\u2264": "小于等于号",
}

# Invisible characters: refused wherever they are, since a value holding one looks right and reads wrong.
INVISIBLE = "\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff"
INVISIBLE_RE = re.compile(f"[{INVISIBLE}]")
# Spaces other than U+0020 that a Chinese input method or Word types; YAML does not count them as indentation.
ODD_SPACES = "\u00a0\u2000-\u200a\u202f\u205f\u3000"
CURLY = "“”‘’＂＇"


def name(ch: str) -> str:
    """``全角空格（U+3000）``."""
    zh = _NAMES.get(ch)
    if zh is None:
        if "\u202a" <= ch <= "\u202e" or "\u2066" <= ch <= "\u2069":
            zh = "文字方向控制符"
        elif "\uff10" <= ch <= "\uff19":
            zh = "全角数字"
        elif "\uff21" <= ch <= "\uff5a":
            zh = "全角字母"
        elif "\uff01" <= ch <= "\uff5e":
            zh = f"全角符号“{ch}”"
        elif "\u2000" <= ch <= "\u200a" or ch == "\u205f":
            zh = "特殊空格"
        else:
            zh = "不可见字符" if INVISIBLE_RE.match(ch) else f"字符“{ch}”"
    return f"{zh}（U+{ord(ch):04X}）"


_FULLWIDTH: dict[int, int | str] = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)}
_FULLWIDTH.update({0x3000: 0x20, 0x2014: 0x2D, 0x2013: 0x2D, 0x2212: 0x2D, 0x201C: 0x22, 0x201D: 0x22,
                   0x2018: 0x27, 0x2019: 0x27, 0x2265: ">=", 0x2264: "<="})
_FULLWIDTH.update({c: 0x20 for c in (0x00A0, *range(0x2000, 0x200B), 0x202F, 0x205F)})


def halfwidth(text: str) -> str:
    """Full-width digits, letters and signs as their ASCII twins (what the clerk meant to type)."""
    return text.translate(_FULLWIDTH)


def strip_curly(text: str) -> str | None:
    """The text inside a pair of curly quotes that wraps the whole value, or None."""
    t = text.strip()
    if len(t) >= 2 and t[0] in CURLY and t[-1] in CURLY and not any(c in CURLY for c in t[1:-1]):
        return t[1:-1]
    return None


def _kinds(chars: list[str]) -> str:
    """``全角数字（U+FF10–U+FF19）、全角连字符（U+FF0D）``: each kind once."""
    out: list[str] = []
    for c in chars:
        if "\uff10" <= c <= "\uff19":
            k = "全角数字（U+FF10–U+FF19）"
        elif "\uff21" <= c <= "\uff5a":
            k = "全角字母（U+FF21–U+FF5A）"
        else:
            k = name(c)
        if k not in out:
            out.append(k)
    return "、".join(out)


def shown(value: str) -> str:
    """The value in “…” for a message, unless it already stands in curly quotes."""
    v = value.strip()
    return v if strip_curly(v) is not None else f"“{v}”"


def value_problem(value: str, fix: str | None = None, quoted: bool = False, what: str = "值") -> str | None:
    """Why a value that failed its type looks right on screen: curly quotes or full-width signs.

    ``fix`` is how the value should be written (computed from ``value`` when None);
    ``quoted``: the right form is in ASCII double quotes (a target such as ">= 90").
    """
    v = value.strip()
    inner = strip_curly(v)
    if inner is not None:
        good = fix if fix is not None else halfwidth(inner).strip()
        if quoted:
            return (f"{what}两端是{quote_pair(v[0])}：YAML 只认半角（英文）引号，请换成英文双引号，"
                    f"写成 \"{good}\"。{where_from(v[0])}")
        return f"{what}两端是{quote_pair(v[0])}：这里不用加引号，请去掉它们，写成 {good}。{where_from(v[0])}"
    odd = [c for c in dict.fromkeys(v) if ord(c) > 0x7F and halfwidth(c) != c]
    if odd:
        good = fix if fix is not None else halfwidth(v).strip()
        want = f"\"{good}\"" if quoted else good
        return (f"“{v}”里有{_kinds(odd)}：请用半角（英文）重新输入，写成 {want}。{where_from(odd[0])}")
    return None


# ---- lines that do not parse ----------------------------------------------------------

_INDENT = re.compile(r"(?:\s|-(?=\s))*")
_KEY_FULLWIDTH_COLON = re.compile(r"^[ \t]*(?:-[ \t]+)*([A-Za-z_][A-Za-z0-9_]*|[\u4e00-\u9fff]{1,12})[ \t\u3000]*：[ \t\u3000]*(.*)$")
_KEY_ODD_SPACE = re.compile(rf"^[ \t]*(?:-[ \t]+)*([^\s:#][^:]*?):([{ODD_SPACES}])")
_CURLY_VALUE = re.compile(r"^[ \t]*(?:-[ \t]+)*(?:([^\s:#\"'][^:]*?):[ \t]+)?([“”‘’])")


def _key_advice(key: str, value: str) -> str:
    if key.isascii():
        return f"写成“{key}: {value}”" if value else f"写成“{key}:”"
    keys = zhkeys.keys_for(key)
    if not keys:
        return "字段名还要用英文（见字段参考）"
    return f"而且字段名要用英文：{key} 是 {' 或 '.join(keys)}，写成“{keys[0]}: {value}”"


def where_from(ch: str) -> str:
    """Where such a character usually comes from, so the clerk can avoid it next time (a sentence)."""
    if ch in "“”‘’":
        return "中文引号是中文输入法的中文标点模式打出的（Word 也会自动把英文引号换成中文引号），按 Ctrl+. 可切换到英文标点"
    if ch in "：，；（）":
        return f"{_NAMES.get(ch, '这个符号')}是中文输入法的中文标点模式打出的，按 Ctrl+. 可切换到英文标点"
    if ch == "\u3000" or "\uff01" <= ch <= "\uff5e":
        return "全角字符是中文输入法的全角模式打出的，按 Shift+空格 可切换到半角"
    if ch in "\u2265\u2264\u2014\u2013\u2212\u2015\u2010\u2011\u2012\ufe63":
        return "这类符号常来自输入法的符号面板或从 Word 复制，请直接用键盘上的 > < = - 输入"
    return "这种字符常来自从网页、微信或 Word 复制粘贴"


def quote_pair(q: str) -> str:
    """``中文引号 “…”（U+201C、U+201D）`` for either quote of a pair."""
    if q in "‘’":
        return "中文引号 ‘…’（U+2018、U+2019）"
    if q in "“”":
        return "中文引号 “…”（U+201C、U+201D）"
    return f"{name(q)}"


_DASH = re.compile(r"^[ \t]*([－—–―‐‑‒﹣])[ \t\u3000]")


def dash_problem(line: str) -> str | None:
    """A list item started with a full-width hyphen or a dash instead of "- "."""
    m = _DASH.match(line)
    if not m:
        return None
    ch = m.group(1)
    return (f"列表项以{name(ch)}开头：列表的每一项要以半角（英文）减号加一个空格“- ”开头，"
            f"请把“{ch}”改成“-”。{where_from(ch)}")


def indent_problem(line: str) -> str | None:
    """A full-width or no-break space in the indentation (or after a list's "- ")."""
    m = _INDENT.match(line)  # it matches every line, if only the empty string
    indent = m.group() if m else ""
    for ch in indent:
        if ch not in " -\t\r\n":
            return (f"这一行开头的缩进里有{name(ch)}：缩进只能用半角（英文）空格。"
                    f"请删掉这一行开头的空白，用空格键重新缩进，与上下行对齐。{where_from(ch)}")
    return None


def key_problem(line: str) -> str | None:
    """A key followed by a full-width colon, or by a colon and a no-break or full-width space."""
    m = _KEY_FULLWIDTH_COLON.match(line)
    if m and (m.group(1).isascii() or zhkeys.keys_for(m.group(1))):
        key, value = m.group(1), m.group(2).strip()
        return (f"“{key}”后面是全角冒号“：”（U+FF1A）：键和值之间要用半角（英文）冒号加一个空格，"
                f"{_key_advice(key, value)}。{where_from('：')}")
    m = _KEY_ODD_SPACE.match(line)
    if m:
        return (f"“{m.group(1).strip()}:”后面是{name(m.group(2))}，不是普通空格："
                f"请删掉冒号后面的空白，重新输入一个半角（英文）空格。{where_from(m.group(2))}")
    return None


def quote_problem(line: str) -> str | None:
    """A value that starts with a curly quote, meant as YAML quotes."""
    m = _CURLY_VALUE.match(line)
    if not m:
        return None
    q = m.group(2)
    rest = line[m.end(2):].rstrip()
    inner = rest[:-1] if rest and rest[-1] in CURLY else rest
    key = f"{m.group(1).strip()}: " if m.group(1) else ""
    return (f"这一行的值用了{quote_pair(q)}：YAML 只认半角（英文）引号。"
            f"请把两端的中文引号换成英文双引号，写成 {key}\"{inner}\"。{where_from(q)}")


def diagnose(lines: list[str], line: int, context: int | None) -> tuple[int, str] | None:
    """The line (0-based) and the reason when an odd character explains a syntax error at ``line``.

    libyaml reports a full-width colon one line too low (it reads on, looking for the ':'), so
    the lines above are looked at too, back to where the parser's context started.
    """
    if not 0 <= line < len(lines):
        line = len(lines) - 1
    # Without a context mark only the line just above is a candidate: a block of text further up
    # may hold "进展：…" and is no culprit.
    low = context if context is not None and line - 6 <= context <= line else line - 1
    low = max(0, low)
    for i in range(line, low - 1, -1):
        text = lines[i]
        if text.isascii():
            continue
        found = indent_problem(text) or dash_problem(text) or key_problem(text) or (quote_problem(text) if i == line else None)
        if found:
            return i, found
    return None
