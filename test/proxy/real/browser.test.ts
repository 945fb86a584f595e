/**
 * Headless Chromium (Debian `chromium`, driven by npm `playwright-core`) loads the fixture app
 * THROUGH the dev proxy: the page comes from a real Vite dev server, its API calls and WebSocket
 * go to a real FastAPI app that has no CORS middleware at all. One origin is what makes it work,
 * so every request the browser makes must stay on the proxy's origin.
 */
import { strict as assert } from "node:assert";
import { randomUUID } from "node:crypto";
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { chromium, type Browser, type BrowserContext, type Page, type WebSocket } from "playwright-core";
import { CHROMIUM, http, reportFailures, startStack, waitFor, type Stack } from "./harness";

interface Fetched {
  error?: string;
  status: number;
  url: string;
  redirected: boolean;
  body: unknown;
}
interface AppResult {
  login: Fetched;
  me: Fetched;
  items: Fetched;
  ws: { error?: string; url: string; reply: string };
  auth: { error?: string; login: Fetched; me: Fetched };
}

describe("proxy (real parts): a Chromium page loaded through the proxy", function () {
  this.timeout(30_000);
  let stack: Stack;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let app: Promise<AppResult>;
  const consoleLines: { type: string; text: string }[] = [];
  const pageErrors: string[] = [];
  const failedRequests: string[] = [];
  const requestUrls: string[] = [];
  const responses: { url: string; status: number }[] = [];
  const apiResponseHeaders: Record<string, string>[] = [];
  const sockets: WebSocket[] = [];
  const frames = new Map<WebSocket, string[]>();

  before(async function () {
    this.timeout(60_000);
    const launched = chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox", "--headless", "--disable-gpu"] });
    try {
      stack = await startStack();
    } finally {
      browser = await launched;
    }
    context = await browser.newContext();
    page = await context.newPage();
    page.on("console", (m) => consoleLines.push({ type: m.type(), text: m.text() }));
    page.on("pageerror", (e) => pageErrors.push(String(e)));
    page.on("requestfailed", (r) => failedRequests.push(`${r.method()} ${r.url()}: ${r.failure()?.errorText}`));
    page.on("request", (r) => requestUrls.push(r.url()));
    page.on("response", (r) => {
      responses.push({ url: r.url(), status: r.status() });
      if (new URL(r.url()).pathname.startsWith("/api/")) apiResponseHeaders.push(r.headers());
    });
    page.on("websocket", (ws) => {
      sockets.push(ws);
      frames.set(ws, []);
      ws.on("framereceived", (f) => frames.get(ws)!.push(String(f.payload)));
    });
    await page.goto(`${stack.proxy.url}/`).catch((e: Error) => {
      throw new Error(`${e.message}\n${stack.report()}`);
    });
    app = page.evaluate<AppResult>("window.__app");
    app.catch(() => undefined); // awaited by the tests; not an unhandled rejection meanwhile
  });

  afterEach(function () {
    reportFailures(this, stack);
  });

  after(async () => {
    await browser?.close();
    await stack?.stop();
  });

  /** Console output and failures seen so far on the app page, as one readable block. */
  function trouble(): string[] {
    return [
      ...consoleLines.filter((l) => l.type === "error" || l.type === "warning").map((l) => `console.${l.type}: ${l.text}`),
      ...pageErrors.map((e) => `page error: ${e}`),
      ...failedRequests.map((r) => `request failed: ${r}`),
    ];
  }

  /** The fixture app's outcome; `steps` must have run without an error in the browser. */
  async function appResult(...steps: (keyof AppResult)[]): Promise<AppResult> {
    const result = await app;
    for (const s of steps) assert.equal(result[s].error, undefined, `the fixture app's ${s} step failed in the browser: ${result[s].error}\n${trouble().join("\n")}\n${stack.proxy.proc.output()}`);
    return result;
  }

  it("makes cookie-credentialed API calls with no CORS on the backend", async () => {
    const { login, me } = await appResult("login", "me");
    assert.equal(login.status, 200, `POST /api/login: ${JSON.stringify(login)}`);
    assert.equal(me.status, 200, `GET /api/me after login should see the session cookie: ${JSON.stringify(me)}`);
    assert.deepEqual(me.body, { user: "ada" });
    assert.equal(me.url, `${stack.proxy.url}/api/me`);
    const cookies = await context.cookies(stack.proxy.url);
    const session = cookies.find((c) => c.name === "session");
    assert.ok(session, `the browser should hold the backend's session cookie for the proxy origin; it has ${JSON.stringify(cookies)}`);
    assert.equal(session.domain, "127.0.0.1");
    assert.ok(session.httpOnly);
    // The backend really has no CORS: no API response carried an Access-Control header.
    assert.ok(apiResponseHeaders.length >= 3, `expected the app's API responses to be seen, got ${apiResponseHeaders.length}`);
    for (const h of apiResponseHeaders) assert.ok(!Object.keys(h).some((k) => k.startsWith("access-control-")), `unexpected CORS header in ${JSON.stringify(h)}`);
  });

  it("a credentialed call straight to the backend, cross-origin, is blocked by CORS (the control)", async () => {
    const other = await browser.newContext();
    try {
      const p = await other.newPage();
      await p.goto(`${stack.proxy.url}/`);
      const outcome = await p.evaluate(async (backend) => {
        try {
          const r = await fetch(`${backend}/api/me`, { credentials: "include" });
          return `status ${r.status}`;
        } catch (e) {
          return `rejected: ${String(e)}`;
        }
      }, stack.backend.url);
      assert.match(outcome, /^rejected: TypeError/, "without the proxy the page's cross-origin call must fail: the backend has no CORS");
    } finally {
      await other.close();
    }
  });

  it("every request the page made stayed on the proxy's origin", async () => {
    await app;
    const origin = new URL(stack.proxy.url).origin;
    const elsewhere = requestUrls.filter((u) => !u.startsWith("data:") && new URL(u).origin !== origin);
    assert.deepEqual(elsewhere, [], "requests that left the proxy origin");
    assert.ok(requestUrls.some((u) => u.includes("/@vite/client")), `the page should load Vite's client through the proxy; requests: ${requestUrls.join(", ")}`);
  });

  it("/api/items follows FastAPI's 307 to /api/items/ on the proxy origin and gets the JSON", async () => {
    const { items } = await appResult("items");
    assert.equal(items.status, 200, JSON.stringify(items));
    assert.ok(items.redirected, "fetch should have followed a redirect");
    assert.equal(items.url, `${stack.proxy.url}/api/items/`, "the redirect must land on the proxy origin, not the backend's");
    assert.deepEqual(items.body, [
      { id: 1, name: "teapot" },
      { id: 2, name: "kettle" },
    ]);
  });

  it("an app WebSocket (route with ws: true) echoes through the proxy, with the session cookie", async () => {
    const { ws } = await appResult("ws");
    assert.equal(ws.url, `ws://127.0.0.1:${stack.proxy.port}/ws/echo`);
    assert.equal(ws.reply, "echo hello (as ada)");
  });

  it("a localhost target reaches a 127.0.0.1-only backend, and its cookie Domain moves to the proxy host", async () => {
    const { auth } = await appResult("auth");
    assert.equal(auth.login.status, 200, `POST /auth/login through a localhost target: ${JSON.stringify(auth.login)}`);
    assert.deepEqual(auth.login.body, { domain: "localhost" }, "the backend should have set its cookie for Domain=localhost (changeOrigin)");
    const cookies = await context.cookies(stack.proxy.url);
    const cookie = cookies.find((c) => c.name === "auth");
    assert.ok(cookie, `Chromium dropped the auth cookie: its Domain=localhost was not rewritten to the proxy host (cookies: ${JSON.stringify(cookies)})`);
    assert.equal(auth.me.status, 200, JSON.stringify(auth.me));
    assert.deepEqual(auth.me.body, { user: "grace" });
  });

  it("Vite's HMR WebSocket connects through the proxy and carries an update", async () => {
    const proxyOrigin = `ws://127.0.0.1:${stack.proxy.port}/`;
    const hmr = await waitFor(
      "Vite's HMR socket through the proxy to say connected",
      () => sockets.find((ws) => ws.url().startsWith(proxyOrigin) && !new URL(ws.url()).pathname.startsWith("/ws/") && frames.get(ws)!.some((f) => f.includes('"type":"connected"'))),
      10_000,
    ).catch((e: Error) => {
      throw new Error(`${e.message}; sockets: ${sockets.map((s) => `${s.url()} frames=${JSON.stringify(frames.get(s))}`).join("; ")}\n${trouble().join("\n")}`);
    });
    await waitFor("the console line `[vite] connected.`", () => consoleLines.some((l) => l.text.includes("[vite] connected.")), 5_000);
    // Vite falls back to its own port when the first socket fails: that must not have happened.
    const direct = sockets.filter((ws) => new URL(ws.url()).port === String(stack.frontend.port));
    assert.deepEqual(direct.map((ws) => ws.url()), [], "the HMR client fell back to Vite's own port");

    // Written whole and renamed into place, so Vite never reads a half-written file.
    const css = join(stack.frontend.dir, "src", "style.css");
    const next = join(stack.frontend.dir, "style.css.next");
    writeFileSync(next, readFileSync(css, "utf8").replace("color: black", "color: rgb(255, 0, 0)"));
    renameSync(next, css);
    await waitFor("an HMR update for style.css on the proxied socket", () => frames.get(hmr)!.some((f) => f.includes('"type":"update"') && f.includes("style.css")), 10_000);
    await waitFor("the updated style.css fetched through the proxy", () => responses.some((r) => r.url.startsWith(`${stack.proxy.url}/src/style.css?`) && r.url.includes("t=") && r.status === 200), 5_000).catch((e: Error) => {
      throw new Error(`${e.message}; responses for style.css: ${JSON.stringify(responses.filter((r) => r.url.includes("style.css")))}`);
    });
    await waitFor("the page to apply the new CSS", async () => (await page.evaluate<string>("getComputedStyle(document.body).color")) === "rgb(255, 0, 0)", 5_000);
    assert.equal(hmr.isClosed(), false, "the HMR socket should stay open");
  });

  it("server-sent events reach an EventSource on the page while the stream is still open", async () => {
    const id = randomUUID();
    await page.evaluate(`(() => {
      window.__events = [];
      const es = new EventSource("/api/events?id=${id}");
      for (const type of ["first", "second", "end", "timeout"]) es.addEventListener(type, () => window.__events.push(type));
      // The server ends the stream after "end"; closing then (not before) stops the reconnect
      // without aborting a response still in flight.
      es.onerror = () => {
        es.close();
        window.__events.push("closed");
      };
    })()`);
    const events = () => page.evaluate<string[]>("window.__events");
    // The backend holds the stream after `first` until released: a buffering proxy shows nothing.
    await waitFor("the first event in the page", async () => (await events()).includes("first"), 5_000).catch(async (e: Error) => {
      throw new Error(`${e.message}; events so far: ${JSON.stringify(await events())}`);
    });
    assert.deepEqual(await events(), ["first"]);
    assert.equal((await http(`${stack.backend.url}/api/events/${id}/release`, { method: "POST" })).status, 200);
    await waitFor("the stream to end in the page", async () => (await events()).includes("closed"), 5_000);
    assert.deepEqual(await events(), ["first", "second", "end", "closed"]);
  });

  it("an upstream that dies mid-response makes the page's fetch fail, not hang or end cleanly", async () => {
    const other = await browser.newContext();
    try {
      const p = await other.newPage();
      await p.goto(`${stack.proxy.url}/`);
      const outcome = await p.evaluate<string>(`Promise.race([
        fetch("/api/broken").then((r) => r.text()).then((t) => "completed: " + JSON.stringify(t), (e) => "failed: " + e),
        new Promise((res) => setTimeout(() => res("hung for 5 s"), 5000)),
      ])`);
      assert.match(outcome, /^failed: TypeError/);
    } finally {
      await other.close();
    }
  });

  it("backend down: a browser navigation gets a 502 HTML page naming the route and the target", async () => {
    const p = await context.newPage();
    try {
      const res = await p.goto(`${stack.proxy.url}/reports/weekly`);
      assert.ok(res, "no response for the navigation");
      assert.equal(res.status(), 502);
      assert.match(res.headers()["content-type"] ?? "", /^text\/html/);
      const text = await p.evaluate<string>("document.body.innerText");
      assert.ok(text.includes("/reports"), `the page should name the route /reports:\n${text}`);
      assert.ok(text.includes(`127.0.0.1:${stack.deadPort}`), `the page should name the target 127.0.0.1:${stack.deadPort}:\n${text}`);
    } finally {
      await p.close();
    }
  });

  // Last on purpose: everything above ran on the app page (load, API calls, sockets, HMR update).
  it("the app page logged no console errors or warnings, no page errors and no failed requests", async () => {
    await app;
    assert.deepEqual(trouble(), []);
  });
});
