// Kepu site search, reading the static index cms/sitesearch/ writes under search/.
// A query is normalised as the index's text was (NFKC, Traditional → Simplified with the table the
// index ships in small buckets, lower case) and becomes the same terms (cms/sitesearch/terms.py):
// the overlapping pairs of each run of Han characters (钱学森 → 钱学 学森), in a run of up to four
// also the pairs that skip one character (钱_森, weighing half: one wrong character in a name), a
// one-character run as itself, other words; Latin words typed apart are also looked up joined
// (hua luogeng → hualuogeng, the pinyin the index holds for titles and names). For each term the
// browser fetches one small bucket file (every shard's postings of the terms in that bucket) and ranks the pages whose terms cover nearly
// all of the query by BM25 (the index stores each page's term-frequency level; rare terms count
// more) times the share of the query they cover. Nothing comes from another host.

const HAN = "\\u3400-\\u4dbf\\u4e00-\\u9fff\\uf900-\\ufaff\\u{20000}-\\u{2fa1f}";
const HAN_RUN = new RegExp(`[${HAN}]+`, "gu");
const HAN_CHAR = new RegExp(`[${HAN}]`, "gu");
const WORD = /[\p{L}\p{N}_]+/gu;
const LETTERS = /^[a-z]+$/;
const MAX_WORD = 40;
const SKIP_WEIGHT = 0.5; // cms.sitesearch.terms.SKIP_WEIGHT
const SKIP_RUN = 4; // cms.sitesearch.terms.SKIP_RUN
const LEVELS = 15; // cms.sitesearch.postings.LEVELS
const PAGE_SIZE = 10;
// What the page says, from its JSON block #kepu-search-words (search/index.html: the template's words,
// so the Traditional mirror says them in Traditional script), {name} filled in.
function say(key, values = {}) {
  const block = document.getElementById("kepu-search-words");
  const words = block ? JSON.parse(block.textContent) : {};
  return (words[key] || key).replace(/\{(\w+)\}/g, (_, name) => values[name]);
}
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

// cms.sitesearch.normalise.normalise, given the Traditional → Simplified pairs (a Map) it needs.
export function normaliseWith(text, fold) {
  return Array.from(text.normalize("NFKC"), (char) => fold.get(char) || char).join("").toLowerCase();
}

// The terms of a normalised query, as cms.sitesearch.terms.query_terms: [{kind, term, weight, units}].
// Units are the query's Han characters and other words, numbered; a term lists those it covers.
export function termsOf(text) {
  const found = new Map();
  const add = (kind, term, weight, units) => {
    const key = kind + term;
    const known = found.get(key);
    if (!known) found.set(key, { kind, term, weight, units });
    else {
      known.weight = Math.max(known.weight, weight);
      known.units = [...new Set([...known.units, ...units])];
    }
  };
  const runs = text.match(HAN_RUN) || [];
  let unit = 0;
  for (const run of runs) {
    const chars = Array.from(run);
    if (chars.length === 1) add("c", run, 1, [unit]);
    for (let i = 0; i < chars.length - 1; i++) add("g", chars[i] + chars[i + 1], 1, [unit + i, unit + i + 1]);
    if (chars.length <= SKIP_RUN) {
      for (let i = 0; i < chars.length - 2; i++) add("g", `${chars[i]}_${chars[i + 2]}`, SKIP_WEIGHT, [unit + i, unit + i + 2]);
    }
    unit += chars.length;
  }
  const latin = (text.replace(HAN_RUN, " ").match(WORD) || []).filter((word) => word.length <= MAX_WORD);
  latin.forEach((word, i) => add("g", word, 1, [unit + i]));
  if (!runs.length && latin.length > 1 && latin.every((word) => LETTERS.test(word))) {
    add("g", latin.join(""), 1, latin.map((_, i) => unit + i));
  }
  return [...found.values()];
}

// How many of a query's units a page may leave uncovered and still be a result: none of one or two,
// one of three to seven (a wrong character in a name, a word run in), a quarter of a longer query.
export function allowance(units) {
  return units < 3 ? 0 : Math.max(1, Math.floor(units / 4));
}

// cms.sitesearch.postings.term_hash: a 32-bit polynomial over code points.
export function termHash(term) {
  let value = 0;
  for (const char of term) value = (Math.imul(value, 31) + char.codePointAt(0)) >>> 0;
  return value;
}

// The listing (shards.json, never taken from the browser's cache unchecked) names the index's folders,
// each named by its content; a file under them is fetched once per listing. A publish swaps in folders
// of other names and removes the old ones: a file of the listing read before is then gone (a 404:
// error.gone), and ``forget`` drops the listing and the files, so that the next query reads the new
// index whole. (The files at hand of an old listing are still one consistent index: the one before.)
let listing = null;
const files = new Map();

function forget() {
  listing = null;
  files.clear();
}

// Whether shards.json, read again now, differs from ``read`` (a listing as JSON text, or null: not known,
// which counts as changed); unreadable now counts as not changed.
async function listingChanged(read) {
  try {
    const response = await fetch(new URL("shards.json", base), { cache: "no-cache" });
    return response.ok && (read === null || JSON.stringify(await response.json()) !== read);
  } catch {
    return false;
  }
}

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

// One bucket file, decoded: [shard position → Map(term → {pages: Uint32Array, levels: Uint8Array})]
// (cms.sitesearch.postings: sections of varint shard, varint length, the shard's segment).
function decode(buffer) {
  const bytes = new Uint8Array(buffer);
  const decoder = new TextDecoder();
  const shards = [];
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
    const shard = varint();
    const end = varint() + at;
    const table = new Map();
    while (at < end) {
      const length = varint();
      const term = decoder.decode(bytes.subarray(at, at + length));
      at += length;
      const count = varint();
      const pages = new Uint32Array(count);
      const levels = new Uint8Array(count);
      let page = -1;
      for (let i = 0; i < count; i++) {
        const value = varint();
        page += Math.floor(value / 16) + 1;
        pages[i] = page;
        levels[i] = value % 16;
      }
      table.set(term, { pages, levels });
    }
    shards[shard] = table;
  }
  return shards;
}

function cached(url, read) {
  const key = url.href;
  if (!files.has(key)) {
    const loading = fetch(url).then(async (response) => {
      if (!response.ok) throw Object.assign(new Error(`${url}: ${response.status}`), { gone: response.status === 404 });
      return read(response);
    });
    loading.catch(() => files.delete(key));
    files.set(key, loading);
  }
  return files.get(key);
}

const NONE = { pages: new Uint32Array(0), levels: new Uint8Array(0) };

// cms.sitesearch.index.bucket_path: bucket b of either kind is in group folder b % groups, named
// `<group in hex, at least two digits>-<its digest>` (the listing's digests, by group number).
export function bucketPath(listed, kind, bucket) {
  const count = listed.groups.length;
  const group = bucket % count;
  const label = group.toString(16).padStart(Math.max(2, (count - 1).toString(16).length), "0");
  return `p/${label}-${listed.groups[group]}/${kind}/${bucket.toString(16)}.bin`;
}

// A term's postings in every shard: [shard position → {pages, levels}].
async function postings(listed, shards, { kind, term }) {
  const buckets = kind === "c" ? listed.chars : listed.grams;
  const bucket = termHash(term) % buckets;
  const found = await cached(new URL(bucketPath(listed, kind, bucket), base), async (r) => decode(await r.arrayBuffer()));
  return shards.map((_, s) => found[s]?.get(term) || NONE);
}

// The query normalised as the index's text was: fetches the table's buckets its Han characters need.
export async function normalise(query) {
  const { fold } = await getListing();
  const text = query.normalize("NFKC");
  const buckets = new Set(Array.from(text.match(HAN_CHAR) || [], (char) => char.codePointAt(0) % fold.buckets));
  const pairs = new Map();
  await Promise.all([...buckets].map(async (bucket) => {
    const url = new URL(`${fold.dir}${bucket.toString(16)}.txt`, base);
    const chars = Array.from(await cached(url, (r) => r.text()));
    for (let i = 0; i + 1 < chars.length; i += 2) pairs.set(chars[i], chars[i + 1]);
  }));
  return normaliseWith(text, pairs);
}

export async function queryTerms(query) {
  return termsOf(await normalise(query));
}

// Pages holding enough of the query, best first: [{shard, page, score, data()}]. A page's score is
// the BM25 sum over the terms it holds (rare terms count more; the index stores each page's level)
// times the share of the query's units its terms cover; a page leaving more of them uncovered than
// ``allowance`` lets is not a result.
export async function search(query) {
  const wanted = await queryTerms(query);
  if (!wanted.length) return [];
  const { docs, shards, postings: listed } = await getListing();
  const byTerm = await Promise.all(wanted.map((t) => postings(listed, shards, t)));
  const lists = shards.map((_, s) => byTerm.map((perShard) => perShard[s]));
  const idf = wanted.map((_, i) => {
    const n = byTerm[i].reduce((sum, found) => sum + found.pages.length, 0);
    return Math.log(1 + (docs - n + 0.5) / (n + 0.5));
  });
  const units = Math.min(31, new Set(wanted.flatMap((t) => t.units)).size);
  const masks = wanted.map((t) => t.units.reduce((mask, u) => (u < 31 ? mask | (1 << u) : mask), 0));
  const needed = units - allowance(units);
  const results = [];
  shards.forEach((shard, s) => {
    const scores = new Map(); // page → [score, units covered (bits)]
    lists[s].forEach(({ pages, levels }, t) => {
      const gain = wanted[t].weight * idf[t] / LEVELS;
      for (let i = 0; i < pages.length; i++) {
        const entry = scores.get(pages[i]);
        if (entry) {
          entry[0] += gain * levels[i];
          entry[1] |= masks[t];
        } else scores.set(pages[i], [gain * levels[i], masks[t]]);
      }
    });
    for (const [page, [score, mask]] of scores) {
      let covered = 0;
      for (let bits = mask; bits; bits &= bits - 1) covered++;
      if (covered >= needed) results.push({ shard, page, score: (score * covered) / units, data: () => record(shard, page) });
    }
  });
  results.sort((a, b) => b.score - a.score || a.shard.dir.localeCompare(b.shard.dir) || a.page - b.page);
  return results;
}

function record(shard, page) {
  return cached(new URL(`${shard.dir}d/${page}.json`, base), (r) => r.json());
}

function pagesOf(shard) {
  return cached(new URL(`${shard.dir}pages.json`, base), (r) => r.json());
}

// The site paths of every result (tests and benchmarks), from each shard's list of pages.
export async function searchUrls(query) {
  const results = await search(query);
  const urls = [];
  for (const { shard, page } of results) urls.push(new URL((await pagesOf(shard))[page], root).pathname);
  return urls;
}

// Many queries at once (tests and benchmarks): {query: [site path]}.
export async function searchMany(queries) {
  const out = {};
  for (const query of queries) out[query] = await searchUrls(query);
  return out;
}

// Edit distance of two short strings, by code point (at most a few characters: names and tags).
function distance(a, b) {
  const x = Array.from(a);
  const y = Array.from(b);
  let row = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const next = [i];
    for (let j = 1; j <= y.length; j++) {
      next[j] = Math.min(row[j] + 1, next[j - 1] + 1, row[j - 1] + (x[i - 1] === y[j - 1] ? 0 : 1));
    }
    row = next;
  }
  return row[y.length];
}

// How close a tag or programme name is to a normalised query (0: not close): sharing a pair of
// characters, at most one character apart, or the query being its pinyin or initials (or their start).
function closeness(text, [name, , pinyin, initials]) {
  const latin = text.replace(/[^a-z]/g, "");
  if (latin && latin === text.replace(/\s+/g, "") && latin.length >= 2) {
    if (latin === pinyin || latin === initials) return 3;
    if (pinyin && latin.length >= 3 && pinyin.startsWith(latin)) return 2;
    return 0;
  }
  const han = (text.match(HAN_RUN) || []).join("");
  if (!han) return 0;
  if (Array.from(name).length >= 2 && distance(han, name) <= 1) return 3;
  const mine = new Set(hanBigrams(han).split(" "));
  const shared = hanBigrams(name).split(" ").filter((pair) => pair.length > 1 && mine.has(pair)).length;
  if (shared) return 1 + shared / Array.from(name).length;
  return 0;
}

// Tags and programmes whose names are close to the query: [{name, url, kind}], closest first.
export async function suggest(query, limit = 6) {
  const text = await normalise(query);
  const { shards } = await getListing();
  const lists = await Promise.all(shards.map((shard) => cached(new URL(`${shard.dir}names.json`, base), (r) => r.json())));
  const seen = new Map();
  for (const names of lists) {
    for (const [kind, label] of [["programmes", say("programmes")], ["tags", say("tags")]]) {
      for (const entry of names[kind] || []) {
        const score = closeness(text, entry);
        const key = `${kind}:${entry[0]}`;
        if (score && !seen.has(key)) seen.set(key, { name: entry[0], url: new URL(entry[1], root).href, kind: label, score });
      }
    }
  }
  return [...seen.values()].sort((a, b) => b.score - a.score || a.name.localeCompare(b.name)).slice(0, limit);
}

function escapeHtml(text) {
  return text.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);
}

// The words to mark in a result, longest first: the query's Han runs and other words, as
// normalised; for a run the page does not hold whole (a name typed with one wrong character, a
// word left out), its pairs that the page holds.
function marksOf(text, page) {
  const runs = text.match(HAN_RUN) || [];
  const holds = `${page.title}\n${page.text}`.toLowerCase();
  const marks = new Set(text.replace(HAN_RUN, " ").match(WORD) || []);
  for (const run of runs) {
    if (holds.includes(run)) marks.add(run);
    else for (const pair of hanBigrams(run).split(" ")) if (holds.includes(pair)) marks.add(pair);
  }
  return [...marks].sort((a, b) => b.length - a.length);
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

// Where the query's words stand as typed in a page: 2 in its title or names, 1 in its text, 0 not.
function phraseRank(page, text) {
  const words = [...(text.match(HAN_RUN) || []), ...(text.replace(HAN_RUN, " ").match(WORD) || [])];
  if (!words.length) return 0;
  const holds = (where) => words.every((word) => where.toLowerCase().includes(word));
  if (holds([page.title, ...(page.names || [])].join("\n"))) return 2;
  return holds(page.text || "") ? 1 : 0;
}

function resultItem(page, query) {
  const words = marksOf(query, page);
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

// A query with no result: links to the tags and programmes whose names are close to it.
function showSuggestions(box, found) {
  const intro = document.createElement("p");
  intro.textContent = say("close");
  const items = document.createElement("ul");
  for (const { name, url, kind } of found) {
    const item = document.createElement("li");
    const link = document.createElement("a");
    link.href = url;
    link.textContent = name;
    item.append(link, `（${kind}）`);
    items.append(item);
  }
  box.replaceChildren(intro, items);
  box.hidden = false;
}

// The search page: a form (a plain GET form without JavaScript), a status line, a list, "more".
function searchPage(form) {
  const input = form.querySelector("input[name=q]");
  const status = document.querySelector(".kepu-search__status");
  const list = document.querySelector(".kepu-search__results");
  const more = document.querySelector(".kepu-search__more");
  const suggestBox = document.querySelector(".kepu-search__suggest") || document.createElement("div");
  let current = 0;

  // ``again``: this run is the retry of one that met a file gone (see ``forget``).
  async function run(query, again = false) {
    const mine = ++current;
    list.replaceChildren();
    suggestBox.replaceChildren();
    suggestBox.hidden = true;
    more.hidden = true;
    const typed = query.trim().split(/\s+/).filter(Boolean).join(" ");
    if (!typed) {
      status.textContent = say("enter");
      return;
    }
    status.textContent = say("searching");
    // A load that failed: a file gone means the site was published since the listing was read, and
    // the whole query runs once more on the new index; anything else, or a second time, is said.
    const failed = (error, retry) => {
      if (mine !== current) return;
      if (error.gone && retry) {
        forget();
        run(query, true);
        return;
      }
      status.textContent = say("broken");
      console.error(error);
    };
    let results;
    let text;
    try {
      text = await normalise(typed);
      results = await search(typed);
      if (!results.length) {
        const found = await suggest(typed);
        if (mine !== current) return;
        status.textContent = say("none", { q: typed });
        if (found.length) showSuggestions(suggestBox, found);
        return;
      }
    } catch (error) {
      failed(error, !again);
      return;
    }
    if (mine !== current) return;
    let next = 0;
    const showMore = async () => {
      more.hidden = true;
      const batch = results.slice(next, next + PAGE_SIZE);
      const pages = await Promise.all(batch.map((r) => r.data()));
      if (mine !== current) return;
      next += batch.length;  // only now: a batch that failed to load is the one 显示更多 tries again
      // Within what is shown, the pages holding the query's words as typed come first.
      const ranked = pages.map((page, i) => [phraseRank(page, text), i, page]).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
      for (const [, , page] of ranked) list.append(resultItem(page, text));
      status.textContent = say("found", { n: results.length });
      more.hidden = next >= results.length;
    };
    // 显示更多 later meeting a file gone: if the listing changed meanwhile (a publish), the query runs again
    // from its first page on the new index; the same listing means the index at hand is broken, and that is
    // said, the results shown and 显示更多 staying.
    const read = await getListing().then((found) => JSON.stringify(found), () => null);
    more.onclick = () => showMore().catch(async (error) => {
      const retry = error.gone && (await listingChanged(read));
      if (!retry && mine === current) more.hidden = false;
      failed(error, retry);
    });
    await showMore().catch((error) => failed(error, !again));
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
window.kepuSearch = {
  hanBigrams, normalise, termsOf, queryTerms, termHash, bucketPath, search, searchUrls, searchMany, suggest,
};
