/**
 * Preview mode, the production topology under one origin: the fixture frontend built by a real
 * `vite build`, served by the proxy with `--static dist` and the single-page-app fallback, and the
 * API on the real FastAPI app. Chromium opens a deep link and the built app runs its calls;
 * raw requests check what the static side must not serve.
 */
import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { chromium, type Browser } from "playwright-core";
import { CHROMIUM, http, raw, reportFailures, startStack, statusOf, waitFor, type Stack } from "./harness";

interface Step {
  error?: string;
  status?: number;
  url?: string;
  body?: unknown;
}

describe("proxy (real parts): preview mode, the built frontend with --static", function () {
  this.timeout(30_000);
  let stack: Stack;
  let browser: Browser;

  before(async function () {
    this.timeout(60_000);
    const launched = chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox", "--headless", "--disable-gpu"] });
    try {
      stack = await startStack("preview");
    } finally {
      browser = await launched;
    }
  });

  afterEach(function () {
    reportFailures(this, stack);
  });

  after(async () => {
    await browser?.close();
    await stack?.stop();
  });

  const dist = () => stack.frontend.dist!;
  const builtIndex = () => readFileSync(join(dist(), "index.html"), "utf8");

  it("a deep link gets index.html, and the built app's API calls, redirect and WebSocket work", async () => {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      const trouble: string[] = [];
      page.on("console", (m) => (m.type() === "error" || m.type() === "warning" ? trouble.push(`console.${m.type()}: ${m.text()}`) : undefined));
      page.on("pageerror", (e) => trouble.push(`page error: ${String(e)}`));
      page.on("requestfailed", (r) => trouble.push(`request failed: ${r.url()}: ${r.failure()?.errorText}`));
      const res = await page.goto(`${stack.proxy.url}/items/42?tab=details`);
      assert.ok(res);
      assert.equal(res.status(), 200);
      assert.match(res.headers()["content-type"] ?? "", /^text\/html/);
      assert.equal(await res.text(), builtIndex(), "the SPA fallback should serve the built index.html");
      const app = await page.evaluate<Record<string, Step & { me?: Step; reply?: string }>>("window.__app");
      for (const [name, step] of Object.entries(app)) assert.equal(step.error, undefined, `the built app's ${name} step failed: ${step.error}\n${trouble.join("\n")}`);
      assert.deepEqual(app.me.body, { user: "ada" });
      assert.equal(app.items.url, `${stack.proxy.url}/api/items/`);
      assert.equal(app.ws.reply, "echo hello (as ada)");
      assert.deepEqual(app.auth.me!.body, { user: "grace" });
      assert.deepEqual(trouble, []);
    } finally {
      await context.close();
    }
  });

  it("logs each request plainly as GET PATH -> (static) 200 MSms, a response read whole never as aborted", async () => {
    // A hundred small responses, each read to its end by the client before it closes: every one was
    // delivered, so no line may carry an error note (a race between the client's close and the
    // server's write callback must not turn into "the client went away").
    const paths = Array.from({ length: 100 }, (_, i) => `/settings/${i}`);
    for (const path of paths) assert.equal((await http(`${stack.proxy.url}${path}`, { headers: { Accept: "text/html" } })).status, 200);
    const lines = () => stack.proxy.proc.stdout.split("\n");
    const lineFor = (path: string) => lines().find((l) => l.startsWith(`GET ${path} `));
    await waitFor("a log line for every request", () => paths.every(lineFor), 5_000).catch(() => assert.fail(`missing request lines; stdout:\n${stack.proxy.proc.stdout}`));
    const wrong = paths.map(lineFor).filter((l) => !/^GET \/settings\/\d+ -> \(static\) 200 \d+(\.\d+)?ms$/.test(l!));
    assert.deepEqual(wrong, [], `${wrong.length} of ${paths.length} delivered responses logged otherwise`);
  });

  it("serves the built assets as they are; a missing one, not accepting HTML, is a 404", async () => {
    const script = /<script[^>]+src="(\/assets\/[^"]+\.js)"/.exec(builtIndex())?.[1];
    const style = /<link[^>]+href="(\/assets\/[^"]+\.css)"/.exec(builtIndex())?.[1];
    assert.ok(script && style, `the build should reference a script and a stylesheet:\n${builtIndex()}`);
    for (const [path, type] of [
      [script, /javascript/],
      [style, /^text\/css/],
    ] as const) {
      const r = await http(`${stack.proxy.url}${path}`);
      assert.equal(r.status, 200, path);
      assert.match(String(r.headers["content-type"]), type, path);
      assert.equal(r.body, readFileSync(join(dist(), path), "utf8"), path);
    }
    const missing = await http(`${stack.proxy.url}/assets/missing-0000.js`, { headers: { Accept: "application/javascript" } });
    assert.equal(missing.status, 404, "a missing asset, asked for without accepting HTML");
    assert.ok(!missing.body.includes('id="out"'), "a missing asset must not get index.html");
  });

  it("the fallback to index.html is for GETs that accept HTML only", async () => {
    const json = await http(`${stack.proxy.url}/items/42`, { headers: { Accept: "application/json" } });
    assert.equal(json.status, 404, `GET accepting JSON only: ${json.status}`);
    const post = await http(`${stack.proxy.url}/items/42`, { method: "POST", headers: { Accept: "text/html" }, body: "x" });
    assert.ok(post.status >= 400 && post.status < 500, `POST to a frontend path: ${post.status}`);
    assert.notEqual(post.body, builtIndex());
  });

  it("never serves a file outside the build folder", async () => {
    // The build's parent holds vite.config.js; the machine has /etc/passwd.
    const targets = ["/../vite.config.js", "/%2e%2e/vite.config.js", "/..%2fvite.config.js", "/assets/..%2f..%2fvite.config.js", "/../../../../../../../../etc/passwd", "/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd", "/..%5c..%5cvite.config.js"];
    for (const target of targets) {
      const r = await raw(stack.proxy.port, `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1:${stack.proxy.port}\r\nAccept: */*\r\nConnection: close\r\n\r\n`);
      assert.ok(statusOf(r.text) !== undefined || r.closedByPeer, `${target}: no answer`);
      assert.ok(!r.text.includes("strictPort") && !/root:.*:0:0:/.test(r.text), `${target} served a file outside dist:\n${r.text.slice(0, 400)}`);
    }
  });
});
