/**
 * End-to-end: the built server over stdio, driven by a real LSP client. Diagnostics at start for
 * files never opened, cross-file invalidation through an open Vite config, watched files, and
 * the lifecycle (capabilities, registrations, shutdown).
 */
import { strict as assert } from "node:assert";
import { existsSync } from "node:fs";
import { FileChangeType, DiagnosticSeverity, WatchKind } from "vscode-languageserver-protocol/node";
import { BLOG, BLOG_FINDINGS, Session, positionOf, summary } from "./session";

/** What each finding of examples/blog says, and its related places (file, 1-based line, message). */
const SAYS: Record<string, { message: string; related: [string, number, string][] }> = {
  "cors-wildcard-credentials": {
    message:
      'allow_origins contains "*" and allow_credentials is True, so any website can make credentialed (cookie) requests to this API and read the responses: ' +
      "Starlette answers them by echoing the caller's Origin with Access-Control-Allow-Credentials: true. It does not reject this setting at startup.",
    related: [["backend/app/main.py", 12, "allow_credentials is True here"]],
  },
  "hardcoded-localhost-url": {
    message:
      "'http://localhost:8000' points at the visitor's own machine once the app is built and deployed. Use a relative URL that the Vite proxy (dev) and your " +
      "production reverse proxy serve, or an environment variable such as import.meta.env.VITE_API_URL.",
    // the first five requests through the instance (the rule lists at most five per use)
    related: [
      ["frontend/src/api/auth.js", 4, "a request through this axios instance"],
      ["frontend/src/api/auth.js", 9, "a request through this axios instance"],
      ["frontend/src/api/auth.js", 14, "a request through this axios instance"],
      ["frontend/src/api/posts.js", 4, "a request through this axios instance"],
      ["frontend/src/api/posts.js", 9, "a request through this axios instance"],
    ],
  },
  "missing-proxy-entry": {
    message:
      "No server.proxy key in vite.config.js covers '/uploads/…', so in `vite` dev this request never reaches the backend: Vite answers this GET with " +
      "index.html and status 200, so the code receives HTML where it expects data. Add a '/uploads' proxy entry.",
    related: [
      ["frontend/vite.config.js", 6, "no server.proxy key here covers '/uploads'"],
      ["backend/app/main.py", 23, "FastAPI serves GET /uploads/{name} here"],
    ],
  },
};

describe("lsp: diagnostics (built server over stdio)", function () {
  this.timeout(30_000);
  afterEach(() => Session.disposeAll());

  it("announces its capabilities, registers file watchers and configuration, exits cleanly", async () => {
    const s = await Session.start(BLOG);
    const caps = s.initializeResult!.capabilities;
    assert.deepEqual(caps.textDocumentSync, { openClose: true, change: 2 });
    assert.deepEqual((caps.codeActionProvider as { codeActionKinds: string[] }).codeActionKinds, ["quickfix", "source.fixAll.corsDoctor"]);
    // every file of examples/blog (27 in git): the index holds all of them, not only the ones it parses
    assert.equal(s.indexed!.files, 27, `indexed ${JSON.stringify(s.indexed)}`);
    const session = s;
    const watchers = await s.until(() => session.registrations.find((r) => r.method === "workspace/didChangeWatchedFiles"), "a file-watcher registration");
    assert.deepEqual(watchers.registerOptions, {
      watchers: [
        // every kind's globs, from the registry (kinds/registry.ts), then the files read by presence
        { globPattern: "**/vite.config.{js,mjs,cjs,ts,mts,cts}" },
        { globPattern: "**/.env*" },
        { globPattern: "**/Dockerfile*" },
        { globPattern: "**/*.dockerfile" },
        { globPattern: "**/*.{yml,yaml}" },
        { globPattern: "**/Procfile" },
        { globPattern: "**/Makefile" },
        { globPattern: "**/package.json" },
        { globPattern: "**/{tsconfig,jsconfig}*.json" },
        { globPattern: "**/*.py" },
        { globPattern: "**/*.{js,jsx,ts,tsx,mjs,cjs,mts,cts}" },
        { globPattern: "**/*.{html,json}" },
        { globPattern: "**/public/**" },
        { globPattern: "**/*", kind: WatchKind.Delete }, // deletions anywhere: a deleted folder arrives as the folder alone
      ],
    });
    assert.deepEqual(
      s.registrations.map((r) => [r.method, r.registerOptions]).sort(),
      [
        ["workspace/didChangeConfiguration", { section: "corsDoctor" }],
        ["workspace/didChangeWatchedFiles", watchers.registerOptions],
      ],
    );
    assert.deepEqual(s.configRequests, [{ items: [{ section: "corsDoctor" }, { section: "files.exclude" }] }], "settings pulled once with workspace/configuration");
    assert.equal(await s.shutdown(), 0);
  });

  it("publishes the findings of files that were never opened, with source, code, docs link and related information", async () => {
    const s = await Session.start(BLOG);
    const session = s;
    for (const f of BLOG_FINDINGS) {
      const p = await s.waitFor(f.file, (d) => d.some((x) => x.code === f.rule), `a ${f.rule} diagnostic`);
      assert.equal(p.version, undefined, `${f.file} is closed: no version`);
      assert.equal(p.diagnostics.length, 1, `${f.file}: ${summary(p.diagnostics)}`);
      const d = p.diagnostics[0];
      assert.equal(d.source, "cors-doctor");
      assert.equal(d.code, f.rule);
      assert.equal(d.range.start.line + 1, f.line, `${f.file}: ${summary(p.diagnostics)}`);
      assert.equal(d.codeDescription?.href, `https://github.com/cors-doctor/cors-doctor#${f.rule}`);
      assert.equal(d.message, SAYS[f.rule].message);
      for (const r of d.relatedInformation ?? []) {
        assert.ok(r.location.uri.startsWith(session.uri("")), `related ${r.location.uri} inside the workspace`);
        assert.ok(existsSync(session.path(session.rel(r.location.uri))), `related ${r.location.uri} exists`);
      }
      assert.deepEqual(
        (d.relatedInformation ?? []).map((r) => [session.rel(r.location.uri), r.location.range.start.line + 1, r.message]),
        SAYS[f.rule].related,
      );
      assert.equal(d.severity, f.rule === "cors-wildcard-credentials" ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning);
    }
    await s.barrier();
    assert.deepEqual([...s.snapshot().keys()].sort(), BLOG_FINDINGS.map((f) => f.file).sort(), "exactly the three files have findings");
    assert.ok(
      s.published.every((p) => !(p.diagnostics.length === 0 && BLOG_FINDINGS.some((f) => session.uri(f.file) === p.uri))),
      "no empty publication for a file with findings",
    );
  });

  it("cross-file: a '/uploads' proxy entry typed into the open vite.config.js clears CoverImage.jsx (closed); undo brings it back", async () => {
    const s = await Session.start(BLOG);
    const cover = "frontend/src/components/CoverImage.jsx";
    const vite = "frontend/vite.config.js";
    await s.waitFor(cover, (d) => d.some((x) => x.code === "missing-proxy-entry"), "the initial finding");
    const doc = s.open(vite);
    const at = positionOf(doc.getText(), "  },\n});");
    const entry = `    proxy: {\n      "/uploads": { target: "http://127.0.0.1:8000" },\n    },\n`;

    let mark = s.mark();
    s.insert(vite, at.line, 0, entry);
    const cleared = await s.waitFor(cover, (d) => d.length === 0, "an empty list once the proxy covers /uploads", mark);
    assert.equal(cleared.version, undefined);

    mark = s.mark();
    const lines = entry.split("\n").length - 1;
    s.change(vite, [{ range: { start: { line: at.line, character: 0 }, end: { line: at.line + lines, character: 0 } }, text: "" }]);
    assert.equal(s.doc(vite).getText(), s.read(vite), "undo restores the text");
    const back = await s.waitFor(cover, (d) => d.some((x) => x.code === "missing-proxy-entry"), "the finding back after undo", mark);
    assert.equal(back.diagnostics[0].range.start.line, 13);
    await s.barrier();
    for (const f of ["backend/app/main.py", "frontend/src/api/client.js"]) {
      assert.ok(!s.published.some((p) => p.uri === s!.uri(f) && p.diagnostics.length === 0), `${f} never published empty`);
    }
  });

  it("cross-file: typing the proxy entry one character per version (no waits between) ends with CoverImage.jsx cleared", async () => {
    const s = await Session.start(BLOG);
    const cover = "frontend/src/components/CoverImage.jsx";
    const vite = "frontend/vite.config.js";
    await s.waitFor(cover, (d) => d.length === 1, "the initial finding");
    const doc = s.open(vite);
    const start = positionOf(doc.getText(), "  },\n});");
    const entry = `    proxy: { '/uploads': 'http://127.0.0.1:8000' },\n`;
    const mark = s.mark();
    let line = start.line;
    let character = 0;
    for (const ch of entry) {
      s.insert(vite, line, character, ch);
      if (ch === "\n") {
        line++;
        character = 0;
      } else character++;
    }
    const v = s.doc(vite).version;
    assert.equal(v, entry.length + 1);
    await s.waitFor(cover, (d) => d.length === 0, "an empty list after the last keystroke", mark);
    await s.barrier();
    assert.equal(s.current(cover).length, 0, "still cleared after the last flush");
  });

  it("watched files: Created adds a new file's diagnostic, Deleted clears it, Changed re-reads a file edited on disk", async () => {
    const s = await Session.start(BLOG);
    const cover = "frontend/src/components/CoverImage.jsx";
    await s.waitFor(cover, (d) => d.length === 1, "the initial finding");
    const stats = "frontend/src/api/stats.js";

    let mark = s.mark();
    s.write(stats, `export async function stats() {\n  const res = await fetch("/metrics/daily");\n  return res.json();\n}\n`);
    s.watched([{ rel: stats, type: FileChangeType.Created }]);
    const created = await s.waitFor(stats, (d) => d.some((x) => x.code === "missing-proxy-entry"), "missing-proxy-entry for the new file", mark);
    assert.equal(created.diagnostics[0].range.start.line, 1);

    mark = s.mark();
    s.write(stats, `export async function stats() {\n  // moved down\n  const res = await fetch("/metrics/daily");\n  return res.json();\n}\n`);
    s.watched([{ rel: stats, type: FileChangeType.Changed }]);
    await s.waitFor(stats, (d) => d.length === 1 && d[0].range.start.line === 2, "the finding moved to line 3 after Changed", mark);

    mark = s.mark();
    const { rmSync } = await import("node:fs");
    rmSync(s.path(stats));
    s.watched([{ rel: stats, type: FileChangeType.Deleted }]);
    await s.waitFor(stats, (d) => d.length === 0, "an empty list after Deleted", mark);

    // Changed on a file edited on disk: the Vite config gains the proxy entry -> CoverImage clears.
    mark = s.mark();
    const vite = "frontend/vite.config.js";
    s.write(vite, s.read(vite).replace("port: 5173,", "port: 5173,\n    proxy: { '/uploads': { target: 'http://127.0.0.1:8000' } },"));
    s.watched([{ rel: vite, type: FileChangeType.Changed }]);
    await s.waitFor(cover, (d) => d.length === 0, "CoverImage cleared after vite.config.js Changed on disk", mark);

    // And a Changed event on the file itself: two lines inserted on disk move its finding.
    mark = s.mark();
    s.write(vite, s.read(vite).replace(/\n    proxy: .*\n/, "\n"));
    s.write(cover, `// a\n// b\n${s.read(cover)}`);
    s.watched([
      { rel: vite, type: FileChangeType.Changed },
      { rel: cover, type: FileChangeType.Changed },
    ]);
    await s.waitFor(cover, (d) => d.length === 1 && d[0].range.start.line === 15, "the finding back, two lines lower", mark);
  });

  it("watched files: deleting a folder clears its files; a public/ file Vite would serve clears a finding", async () => {
    const s = await Session.start(BLOG);
    const cover = "frontend/src/components/CoverImage.jsx";
    await s.waitFor(cover, (d) => d.length === 1, "the initial finding");
    const { mkdirSync, rmSync, writeFileSync } = await import("node:fs");
    const { join } = await import("node:path");

    // A file under public/uploads/ may be what `/uploads/${name}` asks for: silence beats a guess.
    let mark = s.mark();
    mkdirSync(s.path("frontend/public/uploads"), { recursive: true });
    writeFileSync(join(s.path("frontend/public/uploads"), "cover.png"), "png");
    s.watched([{ rel: "frontend/public/uploads/cover.png", type: FileChangeType.Created }]);
    await s.waitFor(cover, (d) => d.length === 0, "CoverImage cleared by a public/uploads file", mark);
    mark = s.mark();
    rmSync(s.path("frontend/public/uploads"), { recursive: true });
    s.watched([{ rel: "frontend/public/uploads", type: FileChangeType.Deleted }]);
    await s.waitFor(cover, (d) => d.length === 1, "the finding back once the folder is gone", mark);

    // Deleting the folder that holds a finding clears it: the editor reports only the folder.
    mark = s.mark();
    rmSync(s.path("frontend/src/components"), { recursive: true });
    s.watched([{ rel: "frontend/src/components", type: FileChangeType.Deleted }]);
    await s.waitFor(cover, (d) => d.length === 0, "an empty list for a file in the deleted folder", mark);
  });

  it("watched files: a file edited on disk while it is open keeps the open text", async () => {
    const s = await Session.start(BLOG);
    const client = "frontend/src/api/client.js";
    s.open(client);
    await s.waitFor(client, (d, p) => p.version === 1 && d.length === 1, "the finding at version 1");
    // On disk the URL goes away, but the editor's buffer still has it: the buffer wins.
    const mark = s.mark();
    s.write(client, s.read(client).replace("http://localhost:8000/api", "/api"));
    s.watched([{ rel: client, type: FileChangeType.Changed }]);
    s.insert(client, 0, 0, "// edited\n");
    const p = await s.waitFor(client, (_d, p) => p.version === 2, "a publication at version 2", mark);
    assert.equal(p.diagnostics.length, 1, summary(p.diagnostics));
    assert.equal(p.diagnostics[0].range.start.line, 5);
    // Closing the document falls back to the disk text: the finding goes.
    const mark2 = s.mark();
    s.close(client);
    const closed = await s.waitFor(client, (d) => !d.some((x) => x.code === "hardcoded-localhost-url"), "no hardcoded-localhost-url after close (the disk text has '/api')", mark2);
    // '/api' is not proxied: the root-relative baseURL is now missing-proxy-entry's.
    assert.deepEqual(closed.diagnostics.map((d) => d.code), ["missing-proxy-entry"]);
    assert.equal(closed.version, undefined);
  });
});
