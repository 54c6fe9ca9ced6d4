// The gongshi web editor: Decap CMS with one custom format per list file kind.
//
// Decap has no top-level list, so each format wraps a unit's list file (pledges.yaml,
// ledger.yaml, rectifications.yaml) as {items: [...], <action lists>} for the form and writes
// it back as TEXT: the file as it was stays byte for byte (the yaml-language-server line,
// comments, quoting), new items are appended at the end, and the public actions (a deadline
// change, a withdrawal, a progress note, a closure) are inserted into their record. Existing
// items cannot be edited, removed or reordered: saving such a form is refused with a Chinese
// message. The rules that decide whether the data is right stay in `gongshi check`, which
// runs on every pull request.
import { parseDocument, isMap, isSeq, isScalar } from "./yaml/index.js";

// Written by generator/publish/admin.py from the schema declarations: key order and types per kind.
const G = await (await fetch(new URL("gongshi-spec.json", import.meta.url))).json();

class Refused extends Error {}

function refuse(msg) {
  throw new Refused(msg);
}

function parseText(text) {
  const doc = parseDocument(text, { keepSourceTokens: false, uniqueKeys: false });
  if (doc.errors.length) {
    refuse(`文件不是有效的 YAML（${doc.errors[0].message.split("\n")[0]}），网页编辑器无法安全地修改它：请联系县里的管理员`);
  }
  return doc;
}

// Values as the form compares them: every scalar as trimmed text, empty values dropped,
// keys sorted. A widget that turns "30" into 30 or drops a trailing newline has not edited.
function canon(v) {
  if (v === null || v === undefined) return undefined;
  if (Array.isArray(v)) {
    const out = v.map(canon).filter((x) => x !== undefined);
    return out.length ? out : undefined;
  }
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  if (typeof v === "object") {
    const out = {};
    for (const k of Object.keys(v).sort()) {
      const c = canon(v[k]);
      if (c !== undefined) out[k] = c;
    }
    return Object.keys(out).length ? out : undefined;
  }
  const s = String(v).trim();
  return s === "" ? undefined : s;
}

const same = (a, b) => JSON.stringify(canon(a)) === JSON.stringify(canon(b));

// ---------------------------------------------------------------------------------------
// Writing YAML text in the sample's style: strings double-quoted, dates and numbers plain,
// multi-line Markdown as a literal block.

const DATE = /^\d{4}-\d{2}-\d{2}$/;

function scalar(v, type, indent) {
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  const s = String(v);
  if (type === "date" && DATE.test(s.trim())) return s.trim();
  if ((type === "int" || type === "number") && /^-?\d+(\.\d+)?$/.test(s.trim())) return s.trim();
  if (s.includes("\n")) {
    const body = s.replace(/\s+$/, "");
    const lines = body.split("\n").map((l) => (l.trim() === "" ? "" : " ".repeat(indent) + l));
    return "|\n" + lines.join("\n");
  }
  return JSON.stringify(s); // a JSON string is a valid YAML double-quoted scalar
}

function empty(v) {
  return v === null || v === undefined || v === "" || (Array.isArray(v) && v.length === 0) ||
    (typeof v === "object" && !Array.isArray(v) && Object.values(v).every(empty));
}

// One mapping's lines at column `col`; `first` replaces the indent of the first line ("- ").
function mapLines(obj, spec, col, first) {
  const lines = [];
  const keys = spec.order.filter((k) => k in obj).concat(Object.keys(obj).filter((k) => !spec.order.includes(k) && !k.startsWith("_")));
  for (const k of keys) {
    const v = obj[k];
    if (empty(v)) continue;
    const type = spec.types[k] || "str";
    const pad = lines.length === 0 && first !== undefined ? first : " ".repeat(col);
    if (Array.isArray(v)) {
      lines.push(`${pad}${k}:`);
      const sub = spec.sub && spec.sub[k];
      for (const item of v) {
        if (sub && typeof item === "object") {
          lines.push(...mapLines(item, sub, col + 4, " ".repeat(col + 2) + "- "));
        } else {
          lines.push(`${" ".repeat(col + 2)}- ${scalar(item, type, col + 4)}`);
        }
      }
    } else if (typeof v === "object") {
      lines.push(`${pad}${k}:`);
      lines.push(...mapLines(v, (spec.sub && spec.sub[k]) || { order: [], types: {} }, col + 2));
    } else {
      lines.push(`${pad}${k}: ${scalar(v, type, col + 2)}`);
    }
  }
  return lines;
}

function itemText(obj, spec, col) {
  return mapLines(obj, spec, col + 2, " ".repeat(col) + "- ").join("\n") + "\n";
}

// ---------------------------------------------------------------------------------------
// Positions in the original text

function lineStart(text, offset) {
  return text.lastIndexOf("\n", offset - 1) + 1;
}

function column(text, offset) {
  return offset - lineStart(text, offset);
}

// The offset just after the line on which a node's value ends.
function afterNode(text, node) {
  const end = node.range[1];
  if (end > 0 && text[end - 1] === "\n") return end;
  const nl = text.indexOf("\n", end);
  return nl === -1 ? text.length : nl + 1;
}

function pairOf(map, key) {
  return map.items.find((p) => isScalar(p.key) && String(p.key.value) === key);
}

function findItem(doc, key, id) {
  const seq = doc.contents;
  const i = seq.items.findIndex((m) => isMap(m) && pairOf(m, key) && String(pairOf(m, key).value?.value) === id);
  if (i < 0) refuse(`找不到“${id}”：请刷新页面后重试`);
  return seq.items[i];
}

// Text inserted into an existing record: under `key` (a list, appended to) or as `key` itself.
function insertInto(text, map, key, value, spec, asList) {
  const col = column(text, map.range[0]);
  const pair = pairOf(map, key);
  if (asList) {
    if (pair && isSeq(pair.value) && !pair.value.flow && pair.value.items.length) {
      const seq = pair.value;
      return { at: afterNode(text, seq), text: itemText(value, spec, column(text, seq.items[0].range[0]) - 2) };
    }
    if (pair) refuse(`“${key}”的写法网页编辑器无法追加，请联系县里的管理员在代码托管平台上修改`);
    return { at: afterNode(text, map), text: `${" ".repeat(col)}${key}:\n` + itemText(value, spec, col + 2) };
  }
  if (pair) refuse(`这一项已经有“${key}”了，不能再填一次`);
  return { at: afterNode(text, map), text: mapLines({ [key]: value }, { order: [key], types: {}, sub: { [key]: spec } }, col).join("\n") + "\n" };
}

// ---------------------------------------------------------------------------------------
// The formats

function readList(kind) {
  return (text) => {
    const data = { _raw: text || "" };
    const doc = text && text.trim() ? parseText(text) : null;
    const items = doc ? doc.toJS() : null;
    if (items !== null && items !== undefined && !Array.isArray(items)) {
      refuse(`${G.files[kind]} 的最外层应是列表：请联系县里的管理员`);
    }
    data.items = items || [];
    for (const a of G.kinds[kind].actions) data[a.name] = [];
    return data;
  };
}

function writeList(kind) {
  const K = G.kinds[kind];
  return (data) => {
    const raw = data._raw || "";
    const doc = raw.trim() ? parseText(raw) : null;
    const old = doc ? doc.toJS() || [] : [];
    const items = data.items || [];
    const what = K.item_zh;
    for (let i = 0; i < old.length; i++) {
      if (i >= items.length) {
        refuse(`已公示的${what}不能删除（原来有 ${old.length} 条，现在只剩 ${items.length} 条）。请刷新页面放弃修改；如确需撤回，请用下面的“${K.undo_zh}”表单公开说明原因。`);
      }
      if (!same(old[i], items[i])) {
        refuse(`第 ${i + 1} 条${what}是已有的记录，不能修改、删除或调换顺序。请刷新页面放弃对它的修改；新的情况请作为新的一条添加在最后${K.undo_zh ? `，或用“${K.undo_zh}”表单` : ""}。`);
      }
    }
    const edits = [];
    // Public actions on existing records, each through its own form.
    for (const a of K.actions) {
      for (const act of data[a.name] || []) {
        if (empty(act)) continue;
        const target = findItem(doc || refuse("还没有可以操作的记录"), "id", String(act[a.target]));
        const value = {};
        for (const k of a.copy) if (!empty(act[k])) value[k] = act[k];
        if (a.kind === "deadline") {
          const dl = pairOf(target, "deadline");
          if (!dl || !isScalar(dl.value)) refuse(`承诺“${act[a.target]}”是常态化承诺，没有完成时限，不能变更时限`);
          const from = String(dl.value.value instanceof Date ? dl.value.value.toISOString().slice(0, 10) : dl.value.value).trim();
          const to = String(act.to).trim();
          if (from === to) refuse(`新的完成时限和原来的一样（${to}）`);
          edits.push({ at: dl.value.range[0], end: dl.value.range[1], text: to });
          edits.push(insertInto(raw, target, "changes",
            { date: act.date, field: "deadline", from, to, why: act.why }, a.spec, true));
        } else {
          edits.push(insertInto(raw, target, a.key, value, a.spec, a.list));
        }
      }
    }
    let text = raw;
    edits.sort((x, y) => y.at - x.at);
    for (const e of edits) text = text.slice(0, e.at) + e.text + text.slice(e.end ?? e.at);
    // New records at the end, a blank line before each as in the sample.
    const fresh = items.slice(old.length).filter((x) => !empty(x));
    if (!text.trim()) text = G.headers[kind] || "";
    for (const item of fresh) {
      if (text && !text.endsWith("\n")) text += "\n";
      if (text && !text.endsWith("\n\n") && /(^|\n)- /.test(text)) text += "\n";
      text += itemText(item, K.spec, 0);
    }
    const check = parseDocument(text);
    if (check.errors.length) refuse(`网页编辑器生成的内容无法读回（${check.errors[0].message.split("\n")[0]}），没有保存：请联系县里的管理员`);
    return text;
  };
}

// unit.yaml: a mapping edited in place. Unchanged, it is written back as it was; changed keys
// are set on the parsed document, which keeps its comments.
const unitFormat = {
  fromFile: (text) => ({ ...(text && text.trim() ? parseText(text).toJS() : {}), _raw: text || "" }),
  toFile: (data) => {
    const raw = data._raw || "";
    const doc = raw.trim() ? parseText(raw) : parseDocument("{}");
    const old = doc.toJS() || {};
    const now = { ...data };
    delete now._raw;
    if (same(old, now)) return raw;
    for (const k of Object.keys(now)) if (!same(old[k], now[k])) empty(now[k]) ? doc.delete(k) : doc.set(k, now[k]);
    for (const k of Object.keys(old)) if (!(k in now)) doc.delete(k);
    return doc.toString({ lineWidth: 0 });
  },
};
CMS.registerCustomFormat("gongshi-unit", "yaml", unitFormat);

for (const kind of Object.keys(G.kinds)) {
  CMS.registerCustomFormat(`gongshi-${kind}`, "yaml", { fromFile: readList(kind), toFile: writeList(kind) });
}

// Decap shows a failed save as 保存失败 plus the error text; the Refused message is the text.
CMS.init();
