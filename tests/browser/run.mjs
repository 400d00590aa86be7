// Browser test of `khabar serve`'s page with Debian's chromium (playwright-core).
//
//   cargo build -p khabar-cli && (cd tests/browser && npm ci && node run.mjs)
//
// Indexes examples/ into a fresh folder, serves it on an ephemeral 127.0.0.1
// port, searches for بوتين, checks highlighted results and entity facets,
// opens an article (entities coloured, legend), runs the analyse view and an
// entity timeline, the stories view (a story, its articles, collapsed search
// hits), checks that HTML inside an article never runs, and saves
// screenshots under target/browser/. Env: KHABAR_BIN (default
// target/debug/khabar), CHROMIUM (default /usr/bin/chromium).
import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync, mkdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const bin = process.env.KHABAR_BIN || join(root, "target/debug/khabar");
const shots = join(root, "target/browser");
mkdirSync(shots, { recursive: true });
const work = mkdtempSync(join(tmpdir(), "khabar-browser-"));
const index = join(work, "index");

function check(cond, what) {
  if (!cond) throw new Error(`FAILED: ${what}`);
  console.log(`ok - ${what}`);
}

execFileSync(bin, ["index", "--index", index, join(root, "examples")], { stdio: ["ignore", "inherit", "inherit"] });

const server = spawn(bin, ["serve", "--index", index, "--addr", "127.0.0.1:0"], {
  stdio: ["ignore", "pipe", "inherit"],
  env: { ...process.env, RUST_LOG: process.env.RUST_LOG || "warn" },
});
const serverExit = new Promise((res) => server.on("exit", (code, signal) => res({ code, signal })));
const base = await new Promise((res, rej) => {
  let buf = "";
  const timer = setTimeout(() => rej(new Error("the server did not start in 120 s")), 120_000);
  server.stdout.on("data", (d) => {
    buf += d;
    const m = buf.match(/on (http:\/\/127\.0\.0\.1:\d+)\//);
    if (m) { clearTimeout(timer); res(m[1]); }
  });
  server.on("exit", () => rej(new Error(`the server exited early: ${buf}`)));
});
console.log(`server at ${base}`);

let browser;
let failed = false;
try {
  // A document whose title and body carry HTML: it must show as text and never run.
  const evil = {
    id: "xss-test",
    title: `<img src=x onerror="window.__pwned=1"> بوتين <script>window.__pwned=2</script>`,
    body: `قال بوتين <b>مرحبا</b> <img src=x onerror="window.__pwned=3"> في موسكو يوم الاثنين.`,
    source: "<i>test</i>",
    published: "2015-08-02",
  };
  const r = await fetch(`${base}/v1/documents`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(evil) });
  check(r.ok, "POST /v1/documents accepts a document with HTML in it");

  browser = await chromium.launchPersistentContext(join(work, "profile"), {
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
      "--disable-component-update", "--disable-sync"],
    viewport: { width: 1280, height: 900 },
  });
  const page = browser.pages()[0] || (await browser.newPage());
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("dialog", (d) => { errors.push(`dialog: ${d.message()}`); d.dismiss(); });
  // Only the server itself: no CDN, no outside request.
  const outside = [];
  page.on("request", (req) => { if (!req.url().startsWith(base) && !req.url().startsWith("data:")) outside.push(req.url()); });

  await page.goto(`${base}/?q=${encodeURIComponent("بوتين")}`);
  await page.waitForSelector("#view[data-ready=search]");
  check((await page.getAttribute("html", "dir")) === "rtl" && (await page.getAttribute("html", "lang")) === "ar", "<html dir=rtl lang=ar>");
  check((await page.inputValue("#q")) === "بوتين", "/?q= fills the search box");
  const hits = await page.locator(".hit").count();
  check(hits >= 2, `search for بوتين shows results (${hits})`);
  const marks = await page.locator(".hit .snippet mark").allTextContents();
  check(marks.length > 0 && marks.some((m) => m.includes("بوتين")), `snippets highlight بوتين in <mark> (${marks.length} marks)`);
  const facets = await page.locator("#facets .facet").count();
  check(facets > 0, `entity facets in the sidebar (${facets})`);
  const evilHit = page.locator(".hit", { hasText: "onerror" });
  check((await evilHit.count()) === 1, "the HTML in a title is shown as text");
  check((await page.locator(".hit img, .hit script, .hit b").count()) === 0, "no element from article HTML in the results");
  await page.screenshot({ path: join(shots, "search.png"), fullPage: true });

  // A facet narrows the results.
  await page.locator("#facets .facet").first().click();
  await page.waitForSelector("#view[data-ready=search] .chip .x");
  check((await page.locator(".hit").count()) >= 1, "a facet filters the results");

  // Open the article about the Aurus (any non-test hit).
  await page.goto(`${base}/?q=${encodeURIComponent("بوتين")}`);
  await page.waitForSelector("#view[data-ready=search]");
  await page.locator(".hit h2 a", { hasNotText: "onerror" }).first().click();
  await page.waitForSelector("#view[data-ready=doc]");
  const ents = await page.locator("#article .ent").count();
  check(ents > 0, `the article shows its entities in place (${ents})`);
  check((await page.locator("#article .legend .swatch").count()) === 4, "the article has a legend of the four types");
  const types = await page.locator("#article .ent").evaluateAll((xs) => [...new Set(xs.map((x) => x.dataset.type))]);
  check(types.includes("PER") && types.includes("LOC"), `entities coloured by type (${types.join(", ")})`);
  await page.screenshot({ path: join(shots, "article.png"), fullPage: true });

  // The test document: HTML shown as text, nothing ran.
  await page.goto(`${base}/?doc=xss-test`);
  await page.waitForSelector("#view[data-ready=doc]");
  const bodyText = await page.locator("#article .body").textContent();
  check(bodyText.includes("<b>مرحبا</b>") && bodyText.includes("onerror"), "article HTML is shown as text");
  check((await page.locator("#article img, #article script, #article b, .meta i").count()) === 0, "no element from article HTML in the article view");
  check((await page.evaluate(() => window.__pwned)) === undefined, "no script from an article ran");

  // Timeline of an entity (click one in the article).
  await page.locator("#article .ent[data-type=PER]").first().click();
  await page.waitForSelector("#view[data-ready=entities]");
  check((await page.locator("#timeline-chart svg rect.bar").count()) > 0, "entity timeline chart");
  await page.screenshot({ path: join(shots, "timeline.png"), fullPage: true });

  // Analyse view.
  await page.goto(`${base}/?view=analyze`);
  await page.waitForSelector("#view[data-ready=analyze]");
  await page.fill("#analyze-text", "التقى الرئيس الروسي فلاديمير بوتين في موسكو بوفد من الأمم المتحدة. وقال إن المفاوضات مستمرة.");
  await page.click("#analyze-run");
  await page.waitForSelector("#sentences details");
  check((await page.locator("#sentences details").count()) === 2, "analyse view: two sentences");
  check((await page.locator("#sentences .pos").count()) > 5, "analyse view: words with parts of speech");
  check((await page.locator("#analysis .ent").count()) > 0, "analyse view: entities");
  await page.screenshot({ path: join(shots, "analyze.png"), fullPage: true });

  // Stories: two copies of one report on a new latest day make the biggest story of that day.
  const report = "أعلنت هيئة الأرصاد في جدة عن أمطار غزيرة على منطقة مكة المكرمة يوم الخميس، ودعت السكان إلى الحذر.";
  const copies = ["wire-a", "wire-b"].map((id, i) => ({ id, title: "أمطار غزيرة على مكة المكرمة", body: report, source: i ? "عكاظ" : "سبق", published: "2015-08-20" }));
  const rc = await fetch(`${base}/v1/documents`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(copies) });
  const acked = await rc.json();
  check(rc.ok && acked.documents[1].dup_group === "wire-a" && acked.documents[1].story === "wire-a", "POST /v1/documents answers each document's story and duplicate group");
  await page.goto(`${base}/?view=stories`);
  await page.waitForSelector("#view[data-ready=stories]");
  check((await page.locator("#stories-day").textContent()).includes("2015-08-20"), "stories view: the latest day in the index");
  const first = page.locator(".story").first();
  check((await first.getAttribute("data-story")) === "wire-a" && (await first.locator(".count").textContent()).includes("٢"), "stories view: biggest first, with its article count");
  await page.screenshot({ path: join(shots, "stories.png"), fullPage: true });
  await first.locator("h2 a").click();
  await page.waitForSelector("#view[data-ready=story]");
  check((await page.locator("#story-articles .hit").count()) === 2, "a story lists its articles");
  await page.locator("#story-articles .hit h2 a").first().click();
  await page.waitForSelector("#view[data-ready=doc]");
  check((await page.locator("#story-of a").count()) === 1, "an article links to its story");
  // Search folds the copy into one hit with "1 similar".
  await page.goto(`${base}/?q=${encodeURIComponent("أمطار جدة")}`);
  await page.waitForSelector("#view[data-ready=search]");
  check((await page.locator(".hit").count()) === 1 && (await page.locator(".hit .similar").count()) === 1, "search collapses near-duplicates (N similar)");
  await page.locator("#collapse-toggle").click();
  await page.waitForSelector("#view[data-ready=search]");
  await page.waitForFunction(() => document.querySelectorAll(".hit").length === 2);
  check(true, "the toggle shows the copies again");

  // A view left before its answer came must not show that answer in the next view
  // (the article and story views appended to the page after their fetch).
  let release;
  const gate = new Promise((res) => { release = res; });
  await page.route("**/v1/documents/wire-a", async (route) => { await gate; await route.continue(); });
  await page.goto(`${base}/?doc=wire-a`);
  await page.click('.tabs a[data-nav="analyze"]');
  await page.waitForSelector("#view[data-ready=analyze]");
  const late = page.waitForResponse((r) => r.url().endsWith("/v1/documents/wire-a"));
  release();
  await late;
  await page.waitForTimeout(300);
  check((await page.locator("#article").count()) === 0 && (await page.getAttribute("#view", "data-ready")) === "analyze",
    "a late answer of a view left does not show in the next");
  check(!(await page.title()).includes("أمطار"), "nor does it retitle the page");
  await page.unroute("**/v1/documents/wire-a");

  // Latin source names in right-to-left text: a story's sources, most articles first,
  // read right to left (each isolated; joined by «، » they made one left-to-right run).
  const wire = "أعلنت وزارة الداخلية في الرياض عن ضبط شحنة كبيرة من المخدرات على الحدود الجنوبية يوم الثلاثاء.";
  const three = [["bidi-a", "aawsat"], ["bidi-b", "aawsat"], ["bidi-c", "okaz"]].map(([id, source]) => ({ id, title: "ضبط شحنة مخدرات", body: wire, source, published: "2015-08-25" }));
  const r3 = await fetch(`${base}/v1/documents`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(three) });
  check(r3.ok, "three copies from two Latin-named sources");
  const order = async (sel) => page.locator(sel).first().evaluate((node) => {
    const x = (word) => {
      const walk = document.createTreeWalker(node, NodeFilter.SHOW_TEXT);
      for (let t = walk.nextNode(); t; t = walk.nextNode()) {
        const i = t.data.indexOf(word);
        if (i < 0) continue;
        const range = document.createRange();
        range.setStart(t, i);
        range.setEnd(t, i + word.length);
        return range.getBoundingClientRect().left;
      }
      return NaN;
    };
    return [x("aawsat"), x("okaz")];
  });
  await page.goto(`${base}/?view=stories&day=2015-08-25`);
  await page.waitForSelector("#view[data-ready=stories]");
  const [a1, o1] = await order(".story .meta");
  check(a1 > o1, `stories view: the first source is the rightmost (aawsat at ${a1}, okaz at ${o1})`);
  await page.goto(`${base}/?view=story&id=bidi-a`);
  await page.waitForSelector("#view[data-ready=story]");
  const [a2, o2] = await order("#story .meta");
  check(a2 > o2, `story view: the first source is the rightmost (aawsat at ${a2}, okaz at ${o2})`);

  // A story link without its id (`/?view=story`, `&id=` blank) lists the stories to choose
  // from under the stories tab; it showed the API's "no such endpoint".
  for (const url of ["/?view=story", "/?view=story&id=", "/?view=story&id=%20"]) {
    await page.goto(`${base}${url}`);
    await page.waitForSelector("#view[data-ready]");
    const ready = await page.locator("#view").getAttribute("data-ready");
    check(ready === "stories" && (await page.locator("#view .error").count()) === 0 && (await page.locator("#stories li.story").count()) > 0,
      `${url}: the stories view (${ready}), no error`);
    check(await page.locator('.tabs a[data-tab="stories"].active').count() === 1, `${url}: the stories tab is the active one`);
  }

  // A very long unbroken title or body word wraps instead of widening the page.
  const long = { id: "long-title", title: "https://example.com/" + "a".repeat(400), body: "بوتين " + "ب".repeat(400), published: "2015-08-02" };
  const rl = await fetch(`${base}/v1/documents`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(long) });
  check(rl.ok, "a document with a 420-character title");
  for (const url of [`/?q=${encodeURIComponent("بوتين")}`, "/?doc=long-title"]) {
    await page.goto(`${base}${url}`);
    await page.waitForSelector("#view[data-ready]");
    const [sw, cw] = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
    check(sw <= cw, `${url}: no horizontal scrolling (${sw} ≤ ${cw})`);
  }
  await page.screenshot({ path: join(shots, "long-title.png"), fullPage: true });

  // Paging follows the hits shown: twelve copies of one report fold into one hit, and the page
  // offered a "next" page (by the 12 matching documents) that came up empty.
  const flood = Array.from({ length: 12 }, (_, i) => ({ id: `flood-${i}`, title: "فيضانات في تبوك", body: "اجتاحت الفيضانات وادي تبوك صباح الأحد وأغلقت الطرق المؤدية إلى القرى المجاورة.", published: "2015-08-03" }));
  const rf = await fetch(`${base}/v1/documents`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(flood) });
  check(rf.ok, "twelve copies of one report");
  await page.goto(`${base}/?q=${encodeURIComponent("الفيضانات تبوك")}`);
  await page.waitForSelector("#view[data-ready=search]");
  check((await page.locator(".hit").count()) === 1 && (await page.locator(".pager").count()) === 0,
    "one folded hit and no pager (no empty next page)");
  await page.goto(`${base}/?q=${encodeURIComponent("الفيضانات تبوك")}&collapse=false`);
  await page.waitForSelector("#view[data-ready=search]");
  check((await page.locator(".hit").count()) === 10 && (await page.locator(".pager a").count()) === 1, "unfolded: ten hits and a next page");
  await page.locator(".pager a").click();
  await page.waitForFunction(() => document.querySelectorAll(".hit").length === 2);
  check((await page.locator(".pager a").count()) === 1, "the last page: two hits, a link back and none forward");

  // An API error replaces the view's placeholders ("searching…") with the message.
  await page.goto(`${base}/?q=${encodeURIComponent("\u064e")}`);
  await page.waitForSelector("#view[data-ready=search]");
  check((await page.locator("#view .error").count()) === 1 && (await page.locator("#view .loading").count()) === 0,
    "a refused search shows its error, not a search still running");

  check(errors.length === 0, `no page errors (${errors.join("; ")})`);
  check(outside.length === 0, `no request leaves the server (${outside.join(", ")})`);
} catch (e) {
  failed = true;
  console.error(e);
} finally {
  if (browser) await browser.close();
  server.kill("SIGTERM");
  const { code, signal } = await serverExit;
  if (!failed) check(code === 0, `SIGTERM: the server stops cleanly (code ${code}, signal ${signal})`);
  rmSync(work, { recursive: true, force: true });
}
if (failed) process.exit(1);
console.log(`screenshots in ${shots}`);
