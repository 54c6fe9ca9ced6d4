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
    await pagefind.options({ baseUrl: siteRoot.pathname, excerptLength: 40, ranking: RANKING });
  }
  return pagefind;
}

// Pagefind finds pages holding every word of the query. The browser splits a Chinese query
// into words (Intl.Segmenter) a little differently from how the index was split (jieba): a
// word of one character, such as 首 and 问 out of 首问负责, may then match nothing. When the
// strict search finds few pages, the query is tried again without one-character words, and
// those results follow the strict ones.
function relaxed(q) {
  if (typeof Intl === "undefined" || !Intl.Segmenter) return null;
  const words = Array.from(new Intl.Segmenter("zh", { granularity: "word" }).segment(q))
    .filter((s) => s.isWordLike).map((s) => s.segment);
  const kept = words.filter((w) => !(w.length === 1 && /\p{Script=Han}/u.test(w)));
  return kept.length && kept.length < words.length ? kept.join(" ") : null;
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
  let found;
  try {
    const pf = await engine();
    found = await pf.search(q);
  } catch (err) {
    if (ticket === latest) setStatus("搜索索引没有加载成功，请稍后再试，或从“单位”“活动”页面逐级查找。");
    return;
  }
  if (ticket !== latest) return;
  let results = (found && found.results) || [];
  let partial = false;
  const rq = results.length < 5 ? relaxed(q) : null;
  if (rq) {
    try {
      const more = await pagefind.search(rq);
      if (ticket !== latest) return;
      const seen = new Set(results.map((r) => r.id));
      const extra = ((more && more.results) || []).filter((r) => !seen.has(r.id));
      partial = extra.length > 0;
      results = results.concat(extra);
    } catch (err) { /* the strict results stand */ }
  }
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
