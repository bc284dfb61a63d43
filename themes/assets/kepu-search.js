// Kepu site search, reading the static index cms/sitesearch/index.py writes under search/.
// A query becomes the same terms the index holds: the overlapping pairs of each run of Han
// characters (钱学森 → 钱学 学森), single Han characters, other words in lower case. For each term
// the browser fetches one small postings file per shard, keeps the pages that hold every term,
// ranks them, and loads the records of the results it shows. Nothing comes from another host.

const HAN = "\\u3400-\\u4dbf\\u4e00-\\u9fff\\uf900-\\ufaff\\u{20000}-\\u{2fa1f}";
const HAN_RUN = new RegExp(`[${HAN}]+`, "gu");
const HAN_ONLY = new RegExp(`^[${HAN}]+$`, "u");
const WORD = /[\p{L}\p{N}_]+/gu;
const PAGE_SIZE = 10;
const root = new URL("../", import.meta.url); // this file is <site>/assets/kepu-search.js
const base = new URL("search/", root);

// cms.core.search.han_bigrams: every run of Han characters → its overlapping character pairs.
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

// The terms of a query, as cms.sitesearch.index.terms indexes them: [{kind: "g"|"c", term}].
// A Han run of one character is looked up among single characters, so 钱 finds 没有钱 too.
export function queryTerms(query) {
  const found = new Map();
  for (const token of hanBigrams(query).split(" ")) {
    if (!token) continue;
    if (HAN_ONLY.test(token)) {
      const kind = Array.from(token).length === 1 ? "c" : "g";
      found.set(kind + token, { kind, term: token });
    } else {
      for (const word of token.match(WORD) || []) {
        if (word.length <= 40) found.set("g" + word.toLowerCase(), { kind: "g", term: word.toLowerCase() });
      }
    }
  }
  return [...found.values()];
}

// cms.sitesearch.index.term_hash: a 32-bit polynomial over code points.
export function termHash(term) {
  let value = 0;
  for (const char of term) value = (Math.imul(value, 31) + char.codePointAt(0)) >>> 0;
  return value;
}

let listing = null;
const files = new Map();

async function getListing() {
  if (!listing) {
    listing = fetch(new URL("shards.json", base), { cache: "no-cache" }).then((response) => {
      if (!response.ok) throw new Error(`shards.json: ${response.status}`);
      return response.json();
    });
    listing.catch(() => { listing = null; });
  }
  return listing;
}

// One postings file, decoded: Map(term → {pages: Uint32Array, weights: Uint8Array}).
function decode(buffer) {
  const bytes = new Uint8Array(buffer);
  const decoder = new TextDecoder();
  const table = new Map();
  let at = 0;
  const varint = () => {
    let value = 0;
    let shift = 0;
    let byte;
    do {
      byte = bytes[at++];
      value += (byte & 0x7f) * 2 ** shift;
      shift += 7;
    } while (byte & 0x80);
    return value;
  };
  while (at < bytes.length) {
    const length = varint();
    const term = decoder.decode(bytes.subarray(at, at + length));
    at += length;
    const count = varint();
    const pages = new Uint32Array(count);
    const weights = new Uint8Array(count);
    let page = -1;
    for (let i = 0; i < count; i++) {
      const value = varint();
      page += Math.floor(value / 2) + 1;
      pages[i] = page;
      weights[i] = value % 2 ? varint() : 1;
    }
    table.set(term, { pages, weights });
  }
  return table;
}

function postingsFile(url) {
  if (!files.has(url)) {
    const loading = fetch(url).then(async (response) => {
      if (!response.ok) throw new Error(`${url}: ${response.status}`);
      return decode(await response.arrayBuffer());
    });
    loading.catch(() => files.delete(url));
    files.set(url, loading);
  }
  return files.get(url);
}

async function postings(shard, { kind, term }) {
  const buckets = kind === "c" ? shard.chars : shard.grams;
  const name = (termHash(term) % buckets).toString(16);
  const table = await postingsFile(new URL(`${shard.dir}${kind}/${name}.bin`, base));
  return table.get(term) || { pages: new Uint32Array(0), weights: new Uint8Array(0) };
}

// All pages holding every term of the query, best first: [{shard, page, score, data()}].
export async function search(query) {
  const wanted = queryTerms(query);
  if (!wanted.length) return [];
  const { docs, shards } = await getListing();
  const lists = await Promise.all(shards.map((shard) => Promise.all(wanted.map((t) => postings(shard, t)))));
  const frequency = wanted.map((_, i) => lists.reduce((sum, perShard) => sum + perShard[i].pages.length, 0));
  const idf = frequency.map((n) => Math.log(1 + docs / Math.max(1, n)));
  const results = [];
  shards.forEach((shard, s) => {
    const perTerm = lists[s];
    const order = perTerm.map((_, i) => i).sort((a, b) => perTerm[a].pages.length - perTerm[b].pages.length);
    const rarest = perTerm[order[0]];
    const scores = new Map();
    rarest.pages.forEach((page, i) => scores.set(page, idf[order[0]] * (1 + Math.log(rarest.weights[i]))));
    for (const t of order.slice(1)) {
      const next = new Map();
      const { pages, weights } = perTerm[t];
      for (let i = 0; i < pages.length; i++) {
        const score = scores.get(pages[i]);
        if (score !== undefined) next.set(pages[i], score + idf[t] * (1 + Math.log(weights[i])));
      }
      scores.clear();
      for (const [page, score] of next) scores.set(page, score);
      if (!scores.size) break;
    }
    for (const [page, score] of scores) {
      results.push({ shard, page, score, data: () => record(shard, page) });
    }
  });
  results.sort((a, b) => b.score - a.score || a.shard.dir.localeCompare(b.shard.dir) || a.page - b.page);
  return results;
}

const records = new Map();

function record(shard, page) {
  const url = new URL(`${shard.dir}d/${page}.json`, base);
  if (!records.has(url.href)) {
    const loading = fetch(url).then((response) => {
      if (!response.ok) throw new Error(`${url}: ${response.status}`);
      return response.json();
    });
    loading.catch(() => records.delete(url.href));
    records.set(url.href, loading);
  }
  return records.get(url.href);
}

// The site paths of every result (tests and benchmarks), from each shard's list of pages.
export async function searchUrls(query) {
  const results = await search(query);
  const lists = new Map();
  for (const { shard } of results) {
    if (!lists.has(shard.dir)) lists.set(shard.dir, fetch(new URL(shard.dir + "pages.json", base)).then((r) => r.json()));
  }
  const urls = [];
  for (const { shard, page } of results) urls.push(new URL((await lists.get(shard.dir))[page], root).pathname);
  return urls;
}

function escapeHtml(text) {
  return text.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);
}

function highlight(text, words) {
  const wanted = words.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  if (!wanted.length) return escapeHtml(text);
  const pattern = new RegExp(`(${wanted.join("|")})`, "giu");
  return text.split(pattern).map((part, i) => (i % 2 ? `<mark>${escapeHtml(part)}</mark>` : escapeHtml(part))).join("");
}

// About ``size`` characters of ``text`` around the first place a query word occurs.
function excerpt(text, words, size = 80) {
  const lower = text.toLowerCase();
  let at = -1;
  for (const word of words) {
    const found = lower.indexOf(word.toLowerCase());
    if (found >= 0 && (at < 0 || found < at)) at = found;
  }
  const chars = Array.from(text);
  const start = at < 0 ? 0 : Math.max(0, Array.from(text.slice(0, at)).length - Math.floor(size / 4));
  const piece = chars.slice(start, start + size).join("");
  return (start > 0 ? "…" : "") + piece + (start + size < chars.length ? "…" : "");
}

// Whether a page's text holds every word of the query as typed (pairs can match apart).
function holdsAll(page, words) {
  const text = `${page.title}\n${page.text}`.toLowerCase();
  return words.every((word) => text.includes(word.toLowerCase()));
}

function resultItem(page, words) {
  const item = document.createElement("li");
  item.className = "kepu-search__result";
  const link = document.createElement("a");
  link.className = "kepu-search__title";
  link.href = new URL(page.url, root).href;
  link.innerHTML = highlight(page.title || page.url, words);
  item.append(link);
  const where = [page.programme, page.date].filter(Boolean).join(" · ");
  if (where) {
    const line = document.createElement("span");
    line.className = "kepu-search__where";
    line.textContent = where;
    item.append(line);
  }
  const text = document.createElement("p");
  text.className = "kepu-search__excerpt";
  text.innerHTML = highlight(excerpt(page.text, words), words);
  item.append(text);
  return item;
}

// The search page: a form (a plain GET form without JavaScript), a status line, a list, "more".
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
    const words = query.trim().split(/\s+/).filter(Boolean);
    if (!words.length) {
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
    let next = 0;
    let shown = 0;
    const showMore = async () => {
      more.hidden = true;
      const target = shown + PAGE_SIZE;
      while (shown < target && next < results.length) {
        const batch = results.slice(next, next + target - shown);
        next += batch.length;
        const pages = await Promise.all(batch.map((r) => r.data()));
        if (mine !== current) return;
        for (const page of pages) {
          if (!holdsAll(page, words)) continue;
          list.append(resultItem(page, words));
          shown++;
        }
      }
      if (!shown) status.textContent = `没有找到包含“${words.join(" ")}”的内容。`;
      else status.textContent = next < results.length ? `找到约 ${results.length} 个结果。` : `找到 ${shown} 个结果。`;
      more.hidden = next >= results.length;
    };
    more.onclick = () => showMore();
    if (!results.length) {
      status.textContent = `没有找到包含“${words.join(" ")}”的内容。`;
      return;
    }
    await showMore();
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
window.kepuSearch = { hanBigrams, queryTerms, termHash, search, searchUrls };
