// gongshi search page: asks the Pagefind bundle (site/pagefind/) and lists what it finds.
//
// Loaded on /search/ only, so no other page downloads any of the index. Pagefind fetches
// just the index chunks for the words searched. Titles and excerpts come from the units'
// data: they are inserted as text nodes only, never as HTML (Pagefind's excerpts are raw
// text with <mark> around the hits, which are rebuilt here as real <mark> elements).

const siteRoot = new URL("../", import.meta.url); // this file is <site>/assets/gongshi-search.js
const form = document.querySelector("[data-gs-search]");
const input = form && form.querySelector("input[name=q]");
const status = document.querySelector("[data-gs-search-status]");
const list = document.querySelector("[data-gs-search-results]");
const PAGE = 20;
// Pagefind's ranking, with less of a bonus for short pages (default pageLength 0.75): records
// are compact already, and a campaign's page should not lose to its shorter phase reports.
const RANKING = { pageLength: 0.25 };

let pagefind = null;
let latest = 0;
let shown = [];

async function engine() {
  if (!pagefind) {
    pagefind = await import(new URL("pagefind/pagefind.js", siteRoot).href);
    // noWorker: the query is split into words on this page, where Intl.Segmenter is adjusted (below).
    await pagefind.options({ baseUrl: siteRoot.pathname, excerptLength: 40, ranking: RANKING, noWorker: true });
  }
  return pagefind;
}

// Pagefind finds the pages that hold every word of the query, matching each word as the start
// of a word in the index. The index was split into words by jieba (Pagefind's Chinese
// segmenter); the query is split in the browser by Intl.Segmenter, which cuts words it does not
// know into single characters: 营商环境 → 营/商/环境, 首问负责 → 首/问/负责, a name 白华 → 白/华.
// A lone 商 then has to start some word of the page, and usually none does.
//
// So a query is searched in up to three ways:
//   1. with runs of single characters joined again (营商/环境), as jieba keeps them;
//   2. as the browser splits it (for the pages where jieba split the run too);
//      the results of 1 and 2 are merged and ranked by Pagefind's score;
//   3. without the single characters, if 1 and 2 found fewer than five pages; these follow.
// Pagefind calls Intl.Segmenter itself, so for the first way it is given a segmenter that joins
// the runs; searches run one at a time so that only the first way sees it.
const NativeSegmenter = typeof Intl !== "undefined" ? Intl.Segmenter : undefined;
const HAN1 = /^\p{Script=Han}$/u;
let joinRuns = false;

function joinSingles(segments) {
  const out = [];
  let run = "";
  const flush = () => { if (run) out.push({ segment: run, isWordLike: true }); run = ""; };
  for (const s of segments) {
    if (s.isWordLike && HAN1.test(s.segment)) { run += s.segment; continue; }
    flush();
    out.push(s);
  }
  flush();
  return out;
}

if (NativeSegmenter) {
  Intl.Segmenter = class extends NativeSegmenter {
    segment(text) {
      const segs = super.segment(text);
      return joinRuns && this.resolvedOptions().granularity === "word" ? joinSingles(segs) : segs;
    }
  };
}

function words(q) {
  if (!NativeSegmenter) return [q];
  return Array.from(new NativeSegmenter("zh", { granularity: "word" }).segment(q))
    .filter((s) => s.isWordLike).map((s) => s.segment);
}

let queue = Promise.resolve();
function searchOnce(q, join) {
  const run = queue.then(async () => {
    joinRuns = join;
    try {
      const found = await pagefind.search(q);
      return (found && found.results) || [];
    } finally {
      joinRuns = false;
    }
  });
  queue = run.catch(() => {});
  return run;
}

async function searchAll(q) {
  const ws = words(q);
  const singles = ws.filter((w) => HAN1.test(w));
  // The first two ways are equally exact: their results are merged by Pagefind's score.
  const best = new Map();
  const merge = (rs) => { for (const r of rs) if (!best.has(r.id) || best.get(r.id).score < r.score) best.set(r.id, r); };
  if (singles.length) merge(await searchOnce(q, true));
  merge(await searchOnce(q, false));
  const results = Array.from(best.values()).sort((a, b) => b.score - a.score);
  const strict = results.length;
  const rest = ws.filter((w) => !HAN1.test(w));
  if (results.length < 5 && singles.length && rest.length) {
    for (const r of await searchOnce(rest.join(" "), false)) if (!best.has(r.id)) { best.set(r.id, r); results.push(r); }
  }
  return { results, partial: results.length > strict };
}

function setStatus(text) {
  status.textContent = text;
}

function appendExcerpt(el, excerpt) {
  let marked = false;
  for (const part of excerpt.split(/(<mark>|<\/mark>)/)) {
    if (part === "<mark>") { marked = true; continue; }
    if (part === "</mark>") { marked = false; continue; }
    if (!part) continue;
    const text = document.createTextNode(part.replace(/\u200b/g, ""));
    if (marked) {
      const m = document.createElement("mark");
      m.appendChild(text);
      el.appendChild(m);
    } else {
      el.appendChild(text);
    }
  }
}

function item(data) {
  const li = document.createElement("li");
  const title = document.createElement("a");
  title.className = "gs-search__title";
  title.href = data.url;
  title.textContent = (data.meta && data.meta.title) || data.url;
  li.appendChild(title);
  const meta = [data.meta && data.meta.kind, data.meta && data.meta.unit].filter(Boolean);
  if (meta.length) {
    const m = document.createElement("div");
    m.className = "gs-search__meta";
    m.textContent = meta.join(" · ");
    li.appendChild(m);
  }
  if (data.excerpt) {
    const p = document.createElement("p");
    p.className = "gs-search__excerpt";
    appendExcerpt(p, data.excerpt);
    li.appendChild(p);
  }
  return li;
}

async function showMore(results, ticket) {
  const next = results.slice(shown.length, shown.length + PAGE);
  const datas = await Promise.all(next.map((r) => r.data()));
  if (ticket !== latest) return;
  const old = list.querySelector(".gs-search__more");
  if (old) old.remove();
  for (const d of datas) list.appendChild(item(d));
  shown = shown.concat(datas);
  if (shown.length < results.length) {
    const li = document.createElement("li");
    li.className = "gs-search__more";
    const b = document.createElement("button");
    b.type = "button";
    b.className = "md-button";
    b.textContent = `显示更多（还有 ${results.length - shown.length} 条）`;
    b.addEventListener("click", () => showMore(results, ticket));
    li.appendChild(b);
    list.appendChild(li);
  }
}

async function run(query) {
  const ticket = ++latest;
  const q = query.trim();
  const url = new URL(location.href);
  if (q) url.searchParams.set("q", q); else url.searchParams.delete("q");
  history.replaceState(null, "", url);
  list.replaceChildren();
  delete list.dataset.query;
  shown = [];
  if (!q) { setStatus(""); return; }
  setStatus("正在搜索…");
  let results, partial;
  try {
    await engine();
    ({ results, partial } = await searchAll(q));
  } catch (err) {
    if (ticket === latest) setStatus("搜索索引没有加载成功，请稍后再试，或从“单位”“活动”页面逐级查找。");
    return;
  }
  if (ticket !== latest) return;
  setStatus(results.length ? `找到 ${results.length} 条结果${partial ? "（含只有部分词语相符的结果）" : ""}`
    : `没有找到与“${q}”有关的结果，可以换个说法或少输几个字。`);
  if (results.length) await showMore(results, ticket);
  if (ticket === latest) list.dataset.query = q; // the results on show are this query's (tests, benchmarks)
}

if (form && input && status && list) {
  let timer = 0;
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    clearTimeout(timer);
    run(input.value);
  });
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(() => run(input.value), 300);
  });
  const q = new URLSearchParams(location.search).get("q") || "";
  if (q) {
    input.value = q;
    run(q);
  } else {
    input.focus();
  }
}
