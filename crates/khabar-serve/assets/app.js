// khabar's page. Every view is a function `(params, root) => Promise` in VIEWS,
// chosen from the URL (`/?q=…`, `/?doc=ID`, `/?view=analyze`, `/?view=entities&entity=…`,
// `/?view=stories[&day=…]`, `/?view=story&id=…`; without an id, the stories).
// Text from articles and the API only ever reaches the page through
// textContent / createTextNode: no HTML from an article can run. Snippets are
// the one exception, parsed by `snippetNodes`, which keeps only <mark>.
"use strict";

const TYPES = {
  PER: { label: "أشخاص", one: "شخص" },
  LOC: { label: "أماكن", one: "مكان" },
  ORG: { label: "منظمات", one: "منظمة" },
  MISC: { label: "أخرى", one: "أخرى" },
};
const TYPE_ORDER = ["PER", "LOC", "ORG", "MISC"];
const MAX_OFFSET = 10000; // GET /v1/search's largest offset (khabar_serve::MAX_SEARCH_OFFSET)
const POS_AR = {
  NOUN: "اسم", PROPN: "علم", VERB: "فعل", ADJ: "صفة", ADP: "حرف جر", CCONJ: "عطف", SCONJ: "ربط", DET: "تعريف", PRON: "ضمير",
  NUM: "عدد", PART: "أداة", ADV: "ظرف", AUX: "مساعد", PUNCT: "ترقيم", SYM: "رمز", X: "أخرى", INTJ: "تعجب",
};

// ---------- DOM helpers ----------
function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "class") node.className = v;
    else if (k === "text") node.textContent = v;
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue;
    node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return node;
}
const svgNS = "http://www.w3.org/2000/svg";
function svg(tag, attrs, ...children) {
  const node = document.createElementNS(svgNS, tag);
  for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, String(v));
  for (const c of children.flat()) if (c !== undefined && c !== null) node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return node;
}
const numberAr = (n) => Number(n).toLocaleString("ar-EG");
// Names (often Latin) in a right-to-left list, each isolated in <bdi>: joined in one
// text node, Latin names and their commas became one left-to-right run, first name leftmost.
const isolatedList = (items) => items.flatMap((x, i) => (i ? ["، ", el("bdi", { text: x })] : [el("bdi", { text: x })]));
const day = (iso) => (iso ? String(iso).slice(0, 10) : "");

// The snippet is HTML from the server: text escaped, matches in <mark>.
// Rebuild it as nodes: split on the two mark tags, unescape the five entities,
// insert text as text. Anything else that looks like a tag stays text.
function snippetNodes(html) {
  const unescape = (s) => s.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, "&");
  const out = [];
  const parts = String(html).split(/(<mark>|<\/mark>)/);
  let inMark = false;
  for (const p of parts) {
    if (p === "<mark>") { inMark = true; continue; }
    if (p === "</mark>") { inMark = false; continue; }
    if (!p) continue;
    out.push(inMark ? el("mark", { text: unescape(p) }) : document.createTextNode(unescape(p)));
  }
  return out;
}

// Byte offsets (UTF-8, from the API) → pieces of the JS string.
function byteSlicer(text) {
  const bytes = new TextEncoder().encode(text);
  const dec = new TextDecoder();
  return { len: bytes.length, slice: (a, b) => dec.decode(bytes.subarray(a, b)) };
}

// `text` with entities (byte spans) in coloured, clickable spans.
function annotated(text, entities, onEntity) {
  const s = byteSlicer(text);
  const frag = document.createDocumentFragment();
  let at = 0;
  const sorted = [...(entities || [])].sort((a, b) => a.start - b.start);
  for (const e of sorted) {
    if (e.start < at || e.end > s.len || e.end <= e.start) continue;
    if (e.start > at) frag.append(document.createTextNode(s.slice(at, e.start)));
    const kind = TYPES[e.type] ? e.type : "MISC";
    frag.append(
      el("span", {
        class: `ent ent-${kind}`, "data-type": kind, title: `${TYPES[kind].one}: ${e.canonical || e.text}`, tabindex: 0,
        onclick: () => onEntity && onEntity(e),
      }, s.slice(e.start, e.end)),
    );
    at = e.end;
  }
  if (at < s.len) frag.append(document.createTextNode(s.slice(at)));
  return frag;
}

function legend(entities) {
  const counts = {};
  for (const e of entities || []) counts[e.type] = (counts[e.type] || 0) + 1;
  return el("div", { class: "legend", "aria-label": "دليل الألوان" },
    TYPE_ORDER.map((t) => el("span", {}, el("span", { class: `swatch dot-${t}` }), " ", TYPES[t].label, counts[t] ? ` (${numberAr(counts[t])})` : "")));
}

// ---------- API ----------
async function api(path, init) {
  let r;
  try {
    r = await fetch(path, init);
  } catch (e) {
    throw new Error("تعذّر الاتصال بالخادم");
  }
  let body = null;
  try { body = await r.json(); } catch (e) { /* not JSON */ }
  if (!r.ok) throw new Error((body && body.error && body.error.message) || `HTTP ${r.status}`);
  return body;
}

// ---------- navigation ----------
function params() { return new URLSearchParams(location.search); }
function go(p, replace) {
  const qs = p.toString();
  const url = qs ? `/?${qs}` : "/";
  if (replace) history.replaceState(null, "", url); else history.pushState(null, "", url);
  render();
}
function link(p, ...children) {
  const a = el("a", { href: `/?${p.toString()}` }, ...children);
  a.addEventListener("click", (ev) => {
    if (ev.ctrlKey || ev.metaKey || ev.shiftKey || ev.button !== 0) return;
    ev.preventDefault();
    go(p);
  });
  return a;
}
const P = (obj) => {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(obj)) {
    if (Array.isArray(v)) v.forEach((x) => p.append(k, x));
    else if (v !== undefined && v !== null && v !== "") p.set(k, v);
  }
  return p;
};
const storyParams = (id) => P({ view: "story", id });
const timelineParams = (e) => P({ view: "entities", entity: e.canonical || e.name || e.text, type: e.type });

// ---------- views ----------
const VIEWS = {};

VIEWS.home = async (p, root) => {
  root.append(el("section", { class: "home" },
    el("h1", { text: "ابحث في الأخبار العربية" }),
    el("p", { class: "summary-line", text: "بحث يعرف الصرف العربي: اكتب «مفاوضات» فتجد «والمفاوضات» و«بالمفاوضات»، واكتب «لبوتين» فتجد «بوتين». اضغط اسماً في مقال لترى خطه الزمني." })));
  const box = el("div", { class: "panel" }, el("h2", { text: "الأكثر ذكراً في الفهرس" }), el("p", { class: "loading", text: "…" }));
  root.append(box);
  const data = await api("/v1/entities?limit=40");
  box.lastChild.remove();
  if (!data.entities.length) { box.append(el("p", { class: "empty", text: "الفهرس فارغ: أضف مقالات بـ khabar index أو POST /v1/documents." })); return; }
  box.append(el("div", { class: "cloud" }, data.entities.map((e) =>
    link(timelineParams(e), el("span", { class: `chip ent-${e.type}` }, e.name, el("span", { class: "n", text: ` ${numberAr(e.mentions)}` }))))));
};

VIEWS.search = async (p, root) => {
  const q = p.get("q");
  const entities = p.getAll("entity");
  const limit = 10;
  const offset = Math.max(0, parseInt(p.get("offset") || "0", 10) || 0);
  // Near-duplicates fold into one hit ("N similar") unless the URL says collapse=false.
  const collapse = p.get("collapse") !== "false";
  // One hit more than the page shows says whether there is a next page: with collapse, copies
  // fold away and `total` (matching documents) counts more than the hits there are, so pages
  // after the last hit came up empty; the API takes offsets up to MAX_OFFSET.
  const query = P({ q, entity: entities, from: p.get("from"), to: p.get("to"), limit: limit + 1, offset, collapse });
  const side = el("aside", { class: "side panel", id: "facets" }, el("h2", { text: "كيانات في النتائج" }));
  const list = el("section", { id: "results" }, el("p", { class: "loading", text: "جارٍ البحث…" }));
  root.append(el("div", { class: "layout" }, side, list));
  const r = await api(`/v1/search?${query.toString()}`);
  const more = r.hits.length > limit && offset + limit <= MAX_OFFSET;
  const hits = r.hits.slice(0, limit);
  list.textContent = "";
  const line = el("p", { class: "summary-line" }, el("span", { id: "total" }, `${numberAr(r.total)} نتيجة لـ «`, el("bdi", { text: q }), "»"));
  for (const e of entities) {
    const rest = P({ q, entity: entities.filter((x) => x !== e), from: p.get("from"), to: p.get("to"), collapse: collapse ? undefined : "false" });
    line.append(link(rest, el("span", { class: "chip", title: "إزالة المرشّح" }, e.replace(/^[A-Z]+:/, ""), el("span", { class: "x", text: "×" }))));
  }
  if (p.get("from") || p.get("to")) line.append(el("span", { class: "chip", text: `${p.get("from") || "…"} ← ${p.get("to") || "…"}` }));
  const toggled = P({ q, entity: entities, from: p.get("from"), to: p.get("to"), collapse: collapse ? "false" : undefined });
  line.append(link(toggled, el("span", { class: "collapse-toggle", id: "collapse-toggle", text: collapse ? "إظهار النسخ المشابهة" : "طيّ النسخ المشابهة" })));
  list.append(line);
  if (!hits.length) list.append(el("p", { class: "empty", text: "لا نتائج. جرّب كلمات أقل أو أزل المرشّحات." }));
  list.append(el("ol", { class: "hits" }, hits.map((h) => el("li", { class: "hit" },
    el("h2", {}, link(P({ doc: h.id, q }), h.title || "(بلا عنوان)")),
    el("div", { class: "meta" }, h.source && el("span", { class: "source", text: h.source }), h.published && el("time", { datetime: h.published, text: day(h.published) }),
      h.similar > 0 ? link(storyParams(h.story || h.id), el("span", { class: "chip similar", title: "نسخ شبه مطابقة طُويت في هذه النتيجة", text: `${numberAr(h.similar)} مشابهة` })) : null,
      h.story ? link(storyParams(h.story), el("span", { class: "story-link", text: "القصة" })) : null),
    el("p", { class: "snippet" }, snippetNodes(h.snippet))))));
  if (offset > 0 || more) {
    const page = (o) => P({ q, entity: entities, from: p.get("from"), to: p.get("to"), offset: o || undefined, collapse: collapse ? undefined : "false" });
    list.append(el("nav", { class: "pager" },
      offset > 0 ? link(page(Math.max(0, offset - limit)), "→ السابق") : null,
      hits.length ? el("span", { text: `${numberAr(offset + 1)}–${numberAr(offset + hits.length)} من ${numberAr(r.total)}` }) : null,
      more ? link(page(offset + limit), "التالي ←") : null));
  }
  let any = false;
  for (const t of TYPE_ORDER) {
    const items = (r.facets && r.facets[t]) || [];
    if (!items.length) continue;
    any = true;
    side.append(el("h3", {}, el("span", { class: `swatch dot-${t}` }), TYPES[t].label));
    side.append(el("ul", {}, items.map((f) => {
      const key = `${t}:${f.name}`;
      const next = P({ q, entity: entities.includes(key) ? entities : [...entities, key], from: p.get("from"), to: p.get("to"), collapse: collapse ? undefined : "false" });
      return el("li", {}, link(next, el("span", { class: "facet", "data-entity": key }, el("span", { text: f.name }), el("span", { class: "n", text: numberAr(f.count) }))));
    })));
  }
  if (!any) side.append(el("p", { class: "loading", text: "لا كيانات." }));
};

function docHeader(d) {
  return el("div", { class: "meta" },
    d.source && el("span", { text: d.source }),
    d.published && el("time", { datetime: d.published, text: day(d.published) }),
    d.url && /^https?:\/\//i.test(d.url) ? el("a", { href: d.url, rel: "noopener noreferrer nofollow", target: "_blank", dir: "ltr", text: "المصدر الأصلي" }) : null);
}

// Optional layers (keyphrases, summary) when the pipeline provides them.
function extras(a, text) {
  const out = [];
  if (Array.isArray(a.summary) && a.summary.length) {
    out.push(el("div", { class: "panel", id: "summary" }, el("h2", { text: "الملخّص" }),
      el("ol", { class: "summary-list" }, a.summary.map((s) => el("li", { text: s.text || byteSlicer(text).slice(s.start, s.end) })))));
  }
  if (Array.isArray(a.keyphrases) && a.keyphrases.length) {
    out.push(el("div", { class: "panel", id: "keyphrases" }, el("h2", { text: "العبارات المفتاحية" }),
      el("div", { class: "keyphrases" }, a.keyphrases.map((k) => el("span", { class: "chip", title: k.lemma || "", text: k.text })))));
  }
  return out;
}

function entityPanel(entities) {
  const by = {};
  for (const e of entities) {
    const key = `${e.type}\u0000${e.canonical || e.text}`;
    by[key] = by[key] || { type: e.type, canonical: e.canonical || e.text, n: 0 };
    by[key].n++;
  }
  const side = el("aside", { class: "side panel" }, el("h2", { text: "الكيانات" }));
  for (const t of TYPE_ORDER) {
    const items = Object.values(by).filter((x) => x.type === t).sort((a, b) => b.n - a.n);
    if (!items.length) continue;
    side.append(el("h3", {}, el("span", { class: `swatch dot-${t}` }), TYPES[t].label));
    side.append(el("ul", {}, items.map((x) => el("li", {}, link(timelineParams(x),
      el("span", { class: "facet" }, el("span", { text: x.canonical }), el("span", { class: "n", text: numberAr(x.n) })))))));
  }
  if (!entities.length) side.append(el("p", { class: "loading", text: "لا كيانات." }));
  return side;
}

VIEWS.doc = async (p, root) => {
  const id = p.get("doc");
  const r = await api(`/v1/documents/${encodeURIComponent(id)}`);
  const d = r.document;
  const a = r.analysis;
  const ents = a.entities || [];
  const back = p.get("q") ? link(P({ q: p.get("q") }), "→ العودة إلى النتائج") : null;
  const storyLink = d.story ? el("p", { class: "story-of", id: "story-of" }, link(storyParams(d.story), "كل مقالات هذه القصة ←")) : null;
  const article = el("article", { class: "article panel", id: "article" },
    back, el("h1", { text: d.title || "(بلا عنوان)" }), docHeader(d), storyLink, legend(ents),
    el("div", { class: "body" }, annotated(d.body, ents, (e) => go(timelineParams(e)))));
  root.append(el("div", { class: "layout" }, entityPanel(ents), el("div", {}, article, ...extras(a, d.body))));
  if (root.isConnected) document.title = `${d.title || id} — خبر`;
};

VIEWS.analyze = async (p, root) => {
  const area = el("textarea", { id: "analyze-text", placeholder: "الصق نصاً عربياً هنا…", "aria-label": "النص" });
  area.value = sessionStorage.getItem("khabar-analyze") || "";
  const out = el("div", { id: "analysis" });
  const run = async () => {
    const text = area.value;
    sessionStorage.setItem("khabar-analyze", text);
    out.textContent = "";
    if (!text.trim()) { out.append(el("p", { class: "empty", text: "الصق نصاً أولاً." })); return; }
    out.append(el("p", { class: "loading", text: "جارٍ التحليل…" }));
    try {
      const a = await api("/v1/analyze", { method: "POST", headers: { "content-type": "text/plain; charset=utf-8" }, body: text });
      out.textContent = "";
      renderAnalysis(a, text, out);
    } catch (e) {
      out.textContent = "";
      out.append(el("p", { class: "error", text: e.message }));
    }
  };
  root.append(el("section", { class: "analyze panel" },
    el("h2", { text: "تحليل نص: الجمل، الكلمات وأقسامها وجذوعها، الكيانات" }), area,
    el("div", { class: "actions" }, el("button", { id: "analyze-run", onclick: run, text: "حلّل" }),
      el("button", { class: "secondary", onclick: () => { area.value = ""; out.textContent = ""; }, text: "مسح" }))), out);
  if (area.value.trim()) run();
};

function renderAnalysis(a, text, out) {
  const s = byteSlicer(text);
  const ents = a.entities || [];
  out.append(el("div", { class: "stats" },
    [["الجمل", a.sentences.length], ["الكلمات", a.tokens.length], ["الكيانات", ents.length]].map(([k, v]) => el("span", { class: "stat" }, el("b", { text: numberAr(v) }), k))));
  out.append(el("div", { class: "panel article" }, el("h2", { text: "الكيانات في النص" }), legend(ents),
    el("div", { class: "body" }, annotated(text, ents, (e) => go(timelineParams(e))))));
  out.append(...extras(a, text));
  const MAX = 60;
  const box = el("div", { class: "panel", id: "sentences" }, el("h2", { text: "الجمل والكلمات" }));
  a.sentences.slice(0, MAX).forEach((sent, i) => {
    const rows = a.tokens.slice(sent.token_start, sent.token_end).map((t) => el("tr", {},
      el("td", { class: "tok", text: t.text }),
      el("td", {}, (t.words || []).map((w) => el("span", { class: "w" },
        el("span", { text: w.form }), " ", el("span", { class: "pos", title: POS_AR[w.upos] || w.upos, text: w.upos }), " ",
        el("span", { class: "lemma", text: w.lemma ? `(${w.lemma})` : "" })))),
      el("td", { text: t.norm || "" }), el("td", { text: t.stem || "" })));
    box.append(el("details", { class: "sentence", open: i < 3 },
      el("summary", {}, el("span", { class: "text", text: sent.text || s.slice(sent.start, sent.end) })),
      el("table", { class: "tokens" },
        el("thead", {}, el("tr", {}, ["الكلمة", "الأجزاء: الشكل، القسم، الجذع", "المطبَّع", "الجذر الخفيف"].map((h) => el("th", { text: h })))),
        el("tbody", {}, rows))));
  });
  if (a.sentences.length > MAX) box.append(el("p", { class: "loading", text: `تُعرض أول ${numberAr(MAX)} جملة من ${numberAr(a.sentences.length)}.` }));
  out.append(box);
}

// Days → bars; long ranges are grouped by week or month.
function chart(days) {
  if (!days.length) return el("p", { class: "empty", text: "لا إشارات في هذه الفترة." });
  let t0 = Date.parse(days[0].date + "T00:00:00Z");
  let t1 = Date.parse(days[days.length - 1].date + "T00:00:00Z");
  // At least two weeks on the axis, so a few days do not fill the chart.
  const short = 14 - (Math.round((t1 - t0) / 864e5) + 1);
  if (short > 0) { t0 -= Math.floor(short / 2) * 864e5; t1 += Math.ceil(short / 2) * 864e5; }
  const span = Math.round((t1 - t0) / 864e5) + 1;
  const unit = span <= 120 ? "day" : span <= 3 * 365 ? "week" : "month";
  const keyOf = (iso) => {
    const t = Date.parse(iso + "T00:00:00Z");
    if (unit === "day") return iso;
    if (unit === "week") return new Date(t0 + Math.floor((t - t0) / (7 * 864e5)) * 7 * 864e5).toISOString().slice(0, 10);
    return iso.slice(0, 7);
  };
  const buckets = new Map();
  // Every bucket from first to last, so gaps show as gaps.
  for (let t = t0; t <= t1; t += 864e5) buckets.set(keyOf(new Date(t).toISOString().slice(0, 10)), 0);
  for (const d of days) buckets.set(keyOf(d.date), (buckets.get(keyOf(d.date)) || 0) + d.mentions);
  const entries = [...buckets.entries()];
  const W = 720, H = 240, L = 40, B = 28, T = 10;
  const max = Math.max(1, ...entries.map(([, v]) => v));
  const bw = (W - L - 10) / entries.length;
  const g = svg("svg", { viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": "الإشارات عبر الزمن", direction: "ltr" });
  g.append(svg("line", { class: "axis", x1: L, y1: H - B, x2: W - 5, y2: H - B }));
  g.append(svg("line", { class: "axis", x1: L, y1: T, x2: L, y2: H - B }));
  g.append(svg("text", { x: L - 6, y: T + 8, "text-anchor": "end" }, String(max)));
  g.append(svg("text", { x: L - 6, y: H - B, "text-anchor": "end" }, "0"));
  entries.forEach(([k, v], i) => {
    const h = ((H - B - T) * v) / max;
    const label = unit === "week" ? `أسبوع ${k}` : k;
    g.append(svg("rect", { class: "bar", x: L + i * bw + bw * 0.1, y: H - B - h, width: Math.max(1, bw * 0.8), height: h },
      svg("title", {}, `${label}: ${v}`)));
  });
  const ticks = entries.length <= 1 ? [0] : [0, Math.floor((entries.length - 1) / 2), entries.length - 1];
  ticks.forEach((i, n) => {
    const anchor = ticks.length > 1 && n === 0 ? "start" : n === ticks.length - 1 && ticks.length > 1 ? "end" : "middle";
    const x = anchor === "start" ? L + i * bw : anchor === "end" ? L + (i + 1) * bw : L + i * bw + bw / 2;
    g.append(svg("text", { x, y: H - 8, "text-anchor": anchor }, entries[i][0]));
  });
  return el("div", { class: "chart", id: "timeline-chart" }, g,
    el("p", { class: "loading", text: unit === "day" ? "الإشارات في كل يوم" : unit === "week" ? "الإشارات في كل أسبوع" : "الإشارات في كل شهر" }));
}

VIEWS.entities = async (p, root) => {
  const type = p.get("type") || "";
  const from = p.get("from") || "", to = p.get("to") || "";
  const entity = p.get("entity");
  const select = el("select", { id: "entity-type", "aria-label": "النوع", onchange: () => go(P({ view: "entities", type: select.value, from, to })) },
    el("option", { value: "", text: "كل الأنواع" }), TYPE_ORDER.map((t) => el("option", { value: t, text: TYPES[t].label, selected: t === type })));
  const listBox = el("aside", { class: "panel" }, el("div", { class: "filters" }, select), el("p", { class: "loading", text: "…" }));
  const detail = el("section", { class: "panel", id: "timeline" });
  root.append(el("div", { class: "entity-grid" }, listBox, detail));
  const listP = api(`/v1/entities?${P({ type, from, to, limit: 100 }).toString()}`);
  if (entity) {
    detail.append(el("p", { class: "loading", text: "…" }));
    try {
      const t = await api(`/v1/entities/${encodeURIComponent(entity)}/timeline?${P({ type, from, to }).toString()}`);
      detail.textContent = "";
      const kinds = t.types.map((k) => (TYPES[k] ? TYPES[k].one : k)).join("، ");
      detail.append(el("h2", {}, t.name, el("span", { class: "loading", text: `  (${kinds})` })),
        el("div", { class: "stats" },
          el("span", { class: "stat" }, el("b", { text: numberAr(t.mentions) }), "إشارة"),
          el("span", { class: "stat" }, el("b", { text: numberAr(t.documents) }), "مقال"),
          el("span", { class: "stat" }, el("b", { text: numberAr(t.days.length) }), "يوم")),
        chart(t.days),
        el("p", {}, link(P({ q: t.name, entity: t.types.map((k) => `${k}:${t.name}`).slice(0, 1), from, to }), "المقالات التي تذكره ←")));
    } catch (e) {
      detail.textContent = "";
      detail.append(el("p", { class: "error", text: e.message }));
    }
  } else {
    detail.append(el("p", { class: "empty", text: "اختر كياناً لترى خطه الزمني." }));
  }
  const list = await listP;
  listBox.lastChild.remove();
  listBox.append(el("ul", { class: "elist" }, list.entities.map((e) => el("li", {},
    el("button", { class: e.name === entity ? "sel" : "", onclick: () => go(P({ view: "entities", entity: e.name, type: e.type, from, to })) },
      el("span", {}, el("span", { class: `swatch dot-${e.type}` }), " ", e.name), el("span", { class: "n", text: numberAr(e.mentions) }))))));
};

function storySpan(s) {
  const a = day(s.first_seen);
  const b = day(s.last_seen);
  return a && b && a !== b ? `${a} ← ${b}` : a || "بلا تاريخ";
}

// Today's stories: the latest publication day in the index (or ?day=), biggest first.
VIEWS.stories = async (p, root) => {
  const list = el("section", { id: "stories" }, el("p", { class: "loading", text: "…" }));
  root.append(list);
  const r = await api(`/v1/stories?${P({ day: p.get("day") || "latest", limit: 50 }).toString()}`);
  list.textContent = "";
  if (!r.stories.length) { list.append(el("p", { class: "empty", text: "لا قصص: الفهرس فارغ أو بلا تواريخ." })); return; }
  list.append(el("p", { class: "summary-line" }, el("span", { id: "stories-day", text: `قصص يوم ${r.day}: ${numberAr(r.stories.length)} قصة، الأكبر أولاً` })));
  list.append(el("ol", { class: "hits stories" }, r.stories.map((s) => el("li", { class: "hit story", "data-story": s.id },
    el("h2", {}, link(storyParams(s.id), s.title || "(بلا عنوان)")),
    el("div", { class: "meta" },
      el("span", { class: "count", text: `${numberAr(s.count)} مقال` }),
      el("span", { class: "sources" }, s.sources.length ? [...isolatedList(s.sources.slice(0, 5)), s.sources.length > 5 ? "…" : null] : "بلا مصدر"),
      el("time", { datetime: s.first_seen || "", text: storySpan(s) })),
    el("div", { class: "cloud" }, s.entities.slice(0, 6).map((e) => link(timelineParams(e), el("span", { class: `chip ent-${e.type}`, text: e.name }))))))));
};

// One story: its headline, span, sources, entities and articles (oldest first).
VIEWS.story = async (p, root) => {
  const id = p.get("id");
  const s = await api(`/v1/stories/${encodeURIComponent(id || "")}`);
  const arts = el("ol", { class: "hits", id: "story-articles" }, (s.details || []).map((a) => el("li", { class: "hit" },
    el("h2", {}, link(P({ doc: a.id }), a.title || "(بلا عنوان)")),
    el("div", { class: "meta" }, a.source && el("span", { text: a.source }), a.published && el("time", { datetime: a.published, text: day(a.published) }),
      a.dup_group !== a.id ? el("span", { class: "chip similar", text: "نسخة شبه مطابقة" }) : null))));
  const side = el("aside", { class: "side panel" }, el("h2", { text: "الكيانات" }),
    el("ul", {}, s.entities.map((e) => el("li", {}, link(timelineParams(e),
      el("span", { class: "facet" }, el("span", {}, el("span", { class: `swatch dot-${e.type}` }), " ", e.name), el("span", { class: "n", text: numberAr(e.articles) })))))));
  root.append(el("div", { class: "layout" }, side, el("section", {},
    el("article", { class: "panel", id: "story" },
      link(P({ view: "stories" }), "→ قصص اليوم"),
      el("h1", { text: s.title || "(بلا عنوان)" }),
      el("div", { class: "meta" }, el("span", { text: `${numberAr(s.count)} مقال` }), el("span", { text: `${numberAr(s.dup_groups)} نصاً مختلفاً` }),
        el("time", { text: storySpan(s) }), el("span", { class: "sources" }, isolatedList(s.sources)))),
    arts)));
  if (root.isConnected) document.title = `${s.title || id} — خبر`;
};

// ---------- main ----------
function viewName(p) {
  if (p.get("doc")) return "doc";
  // A story view without a story (`/?view=story`, a link cut short): the stories to
  // choose from, under the same tab, rather than the API's "no such endpoint".
  if (p.get("view") === "story" && !(p.get("id") || "").trim()) return "stories";
  if (p.get("view") && VIEWS[p.get("view")]) return p.get("view");
  if (p.get("q")) return "search";
  return "home";
}

let renders = 0;
async function render() {
  const p = params();
  const name = viewName(p);
  const root = document.getElementById("view");
  const current = ++renders;
  root.textContent = "";
  // Each render draws into a box of its own: a view left before its answers came
  // (a slow article, then a click on a tab) writes into a box no longer shown.
  const box = el("div", { class: "view-box" });
  root.append(box);
  document.title = "خبر — البحث في الأخبار العربية";
  document.querySelectorAll(".tabs a").forEach((a) => a.classList.toggle("active",
    a.dataset.tab === (name === "doc" || name === "home" ? "search" : name === "story" ? "stories" : name)));
  const form = document.getElementById("search-form");
  form.q.value = p.get("q") || "";
  form.from.value = p.get("from") || "";
  form.to.value = p.get("to") || "";
  try {
    await VIEWS[name](p, box);
  } catch (e) {
    // The message in place of the view's placeholders ("searching…").
    box.textContent = "";
    box.append(el("p", { class: "error", text: e.message }));
  }
  if (current === renders) root.dataset.ready = name;
}

document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("search-form");
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const q = form.q.value.trim();
    if (!q) return;
    const cur = params();
    go(P({ q, from: form.from.value, to: form.to.value, entity: cur.get("q") === q ? cur.getAll("entity") : [] }));
  });
  document.querySelectorAll("[data-nav]").forEach((a) => a.addEventListener("click", (ev) => {
    ev.preventDefault();
    const v = a.dataset.nav;
    go(v === "home" ? P({}) : P({ view: v }));
  }));
  window.addEventListener("popstate", render);
  api("/v1/health").then((h) => {
    document.getElementById("status").textContent = `${numberAr(h.documents)} مقالاً في الفهرس`;
  }).catch(() => {});
  render();
});
