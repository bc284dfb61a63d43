// Kepu site search (see cms/publish/search.py). A query becomes the same overlapping Han character
// pairs the index holds (钱学森 → 钱学 学森) and is looked up in the Pagefind shards listed in
// search/shards.json, merged in the browser. Everything is fetched from this site.

const HAN_RUN = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u{20000}-\u{2fa1f}]+/gu;
const HAN = /^[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u{20000}-\u{2fa1f}]+$/u;
const PAGE_SIZE = 10;
const root = new URL("../", import.meta.url); // this file is <site>/assets/kepu-search.js

// The same rule as cms.core.search.han_bigrams: every run of Han characters → its character pairs.
export function hanBigrams(text) {
  const paired = text.replace(HAN_RUN, (run) => {
    const chars = Array.from(run);
    if (chars.length === 1) return ` ${run} `;
    const pairs = [];
    for (let i = 0; i < chars.length - 1; i++) pairs.push(chars[i] + chars[i + 1]);
    return ` ${pairs.join(" ")} `;
  });
  return paired.split(/\s+/).filter(Boolean).join(" ");
}

// What Pagefind is asked. One Chinese word of two or more characters: its pairs as an exact phrase,
// so only pages holding the word itself match. Anything else: all pairs and words must occur.
export function pagefindQuery(query) {
  const terms = query.trim().split(/\s+/).filter(Boolean);
  if (terms.length === 1 && HAN.test(terms[0]) && Array.from(terms[0]).length > 1) {
    return `"${hanBigrams(terms[0])}"`;
  }
  return hanBigrams(terms.join(" "));
}

// The readable text of a record: consecutive pairs overlap (钱学 学森 → 钱学森); the extra last
// character the index adds after each run (for one-character searches) is dropped.
export function readableText(content) {
  let text = "";
  let previous = "";
  for (const token of content.split(/\s+/)) {
    if (!token) continue;
    const chars = Array.from(token);
    const han = HAN.test(token);
    const prevChars = Array.from(previous);
    const prevHan = previous !== "" && HAN.test(previous);
    if (han && prevHan && prevChars.length === 2 && chars[0] === prevChars[1]) {
      text += chars.slice(1).join("");
      previous = token;
      continue;
    }
    if (!han && text && !HAN.test(text.slice(-1)) && /[\w)]$/u.test(text) && /^[\w(]/u.test(token)) text += " ";
    text += token;
    previous = token;
  }
  return text;
}

let engine = null;

async function loadEngine() {
  const base = new URL("search/", root);
  const response = await fetch(new URL("shards.json", base), { cache: "no-cache" });
  if (!response.ok) throw new Error(`shards.json: ${response.status}`);
  const listing = await response.json();
  const bundle = new URL(listing.bundle, base);
  const pagefind = await import(new URL("pagefind.js", bundle).href);
  await pagefind.options({ basePath: bundle.pathname, noWorker: true, metaCacheTag: listing.bundle });
  await pagefind.init();
  // language "und": Pagefind would otherwise re-split the pairs with the browser's Chinese segmenter.
  await Promise.all(
    listing.shards.map((shard) =>
      pagefind.mergeIndex(new URL(shard, base).pathname, { language: "und", metaCacheTag: shard }),
    ),
  );
  return pagefind;
}

function getEngine() {
  if (!engine) engine = loadEngine().catch((error) => { engine = null; throw error; });
  return engine;
}

// All results for a query, best first: [{url, data}] (data() loads the page's record).
export async function search(query) {
  if (!query.trim()) return [];
  const pagefind = await getEngine();
  const found = await pagefind.search(pagefindQuery(query));
  return found?.results || [];
}

// Page URLs of every result (tests and benchmarks): loads each result's record.
export async function searchUrls(query) {
  const results = await search(query);
  const pages = await Promise.all(results.map((r) => r.data()));
  return pages.map((page) => new URL(page.raw_url, root).pathname).filter((url) => !url.endsWith("/search/"));
}

function escapeHtml(text) {
  return text.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);
}

function highlight(text, terms) {
  const wanted = terms.filter(Boolean).map((t) => t.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  if (!wanted.length) return escapeHtml(text);
  const pattern = new RegExp(`(${wanted.join("|")})`, "giu");
  return text.split(pattern).map((part, i) => (i % 2 ? `<mark>${escapeHtml(part)}</mark>` : escapeHtml(part))).join("");
}

function excerpt(text, terms, size = 90) {
  const lower = text.toLowerCase();
  let at = -1;
  for (const term of terms) {
    const found = lower.indexOf(term.toLowerCase());
    if (found >= 0 && (at < 0 || found < at)) at = found;
  }
  const chars = Array.from(text);
  if (at < 0) return chars.slice(0, size).join("") + (chars.length > size ? "…" : "");
  const startChar = Math.max(0, Array.from(text.slice(0, at)).length - Math.floor(size / 3));
  const piece = chars.slice(startChar, startChar + size).join("");
  return (startChar > 0 ? "…" : "") + piece + (startChar + size < chars.length ? "…" : "");
}

async function renderPage(list, results, from, terms) {
  const pages = await Promise.all(results.slice(from, from + PAGE_SIZE).map((r) => r.data()));
  for (const page of pages) {
    if (page.raw_url.replace(/^\/+/, "") === "search/") continue;
    const item = document.createElement("li");
    item.className = "kepu-search__result";
    const text = readableText(page.content);
    const title = page.meta?.title || text.slice(0, 30);
    const where = [page.meta?.programme, page.meta?.date].filter(Boolean).join(" · ");
    item.innerHTML =
      `<a class="kepu-search__title" href="${escapeHtml(new URL(page.raw_url, root).href)}">${highlight(title, terms)}</a>` +
      (where ? `<span class="kepu-search__where">${escapeHtml(where)}</span>` : "") +
      `<p class="kepu-search__excerpt">${highlight(excerpt(text, terms), terms)}</p>`;
    list.append(item);
  }
}

// The search page: a form (works as a plain GET form without JavaScript), a status line, a list.
function searchPage(form) {
  const input = form.querySelector("input[name=q]");
  const status = document.querySelector(".kepu-search__status");
  const list = document.querySelector(".kepu-search__results");
  const more = document.querySelector(".kepu-search__more");
  let current = 0;

  async function run(query) {
    const mine = ++current;
    list.replaceChildren();
    more.hidden = true;
    if (!query.trim()) {
      status.textContent = "请输入要搜索的字词。";
      return;
    }
    status.textContent = "正在搜索……";
    let results;
    try {
      results = await search(query);
    } catch (error) {
      if (mine === current) status.textContent = "搜索暂时无法使用，请稍后再试。";
      console.error(error);
      return;
    }
    if (mine !== current) return;
    const terms = query.trim().split(/\s+/);
    if (!results.length) {
      status.textContent = `没有找到包含“${query.trim()}”的内容。`;
      return;
    }
    status.textContent = `找到 ${results.length} 个结果。`;
    let shown = 0;
    const next = async () => {
      await renderPage(list, results, shown, terms);
      shown += PAGE_SIZE;
      more.hidden = shown >= results.length;
    };
    more.onclick = () => next();
    await next();
  }

  let timer = null;
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(() => run(input.value), 300);
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    clearTimeout(timer);
    const url = new URL(location.href);
    url.searchParams.set("q", input.value);
    history.replaceState(null, "", url);
    run(input.value);
  });
  const query = new URLSearchParams(location.search).get("q") || "";
  input.value = query;
  if (query) run(query);
  else input.focus();
}

const form = document.querySelector("form.kepu-search");
if (form) searchPage(form);
window.kepuSearch = { hanBigrams, pagefindQuery, readableText, search, searchUrls };
