/**
 * End-to-end robustness: half-typed code in an open document (the server keeps answering and
 * leaves the other files' diagnostics alone) and bad workspace content (binary `.js`, a 2 MB
 * minified file, symlink loops) that must not stop the real findings.
 */
import { strict as assert } from "node:assert";
import { randomBytes } from "node:crypto";
import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Diagnostic } from "vscode-languageserver-protocol/node";
import { FileChangeType } from "vscode-languageserver-protocol/node";
import { BLOG, BLOG_FINDINGS, Session, positionOf, summary } from "./session";

const CLIENT = "frontend/src/api/client.js";
const MAIN = "backend/app/main.py";

/** JSON of every file's last diagnostics except `skip`, for before/after comparisons. */
function others(s: Session, skip: string): string {
  const snap = [...s.snapshot()].filter(([f]) => f !== skip).sort(([a], [b]) => a.localeCompare(b));
  return JSON.stringify(snap.map(([f, ds]) => [f, ds.map((d: Diagnostic) => [d.code, d.range, d.severity, d.message])]));
}

describe("lsp: robustness (built server over stdio)", function () {
  this.timeout(30_000);
  afterEach(() => Session.disposeAll());

  it("syntax errors mid-edit in client.js: the server keeps answering; other files' diagnostics are not republished empty", async () => {
    const s = await Session.start(BLOG);
    for (const f of BLOG_FINDINGS) await s.waitFor(f.file, (d) => d.length === 1, "the initial finding");
    const doc = s.open(CLIENT);
    await s.waitFor(CLIENT, (_d, p) => p.version === 1, "the publication at version 1");
    await s.barrier();
    const before = others(s, CLIENT);
    const session = s;
    const emptyOthers = (since: number) =>
      session.published.filter((p) => p.seq >= since && p.uri !== session.uri(CLIENT) && p.diagnostics.length === 0).map((p) => session.rel(p.uri));

    // 1. An unterminated string at the end of the file.
    let mark = s.mark();
    const end = doc.positionAt(doc.getText().length);
    s.insert(CLIENT, end.line, end.character, 'fetch("/api/');
    await s.waitFor(CLIENT, (_d, p) => p.version === 2, "a publication at version 2", mark);
    await s.barrier();
    assert.deepEqual(emptyOthers(mark), [], "no other file republished as empty");
    assert.equal(others(s, CLIENT), before, "other files' diagnostics unchanged");
    let actions = await s.codeActions(CLIENT, s.current(CLIENT));
    assert.ok(Array.isArray(actions), "codeAction answered");

    // 2. The closing brace of axios.create({ ... }) deleted.
    mark = s.mark();
    const brace = positionOf(s.doc(CLIENT).getText(), "});");
    s.change(CLIENT, [{ range: { start: brace, end: { line: brace.line, character: brace.character + 1 } }, text: "" }]);
    await s.waitFor(CLIENT, (_d, p) => p.version === 3, "a publication at version 3", mark);
    await s.barrier();
    assert.deepEqual(emptyOthers(mark), [], "no other file republished as empty");
    assert.equal(others(s, CLIENT), before, "other files' diagnostics unchanged");
    actions = await s.codeActions(CLIENT, s.current(CLIENT));
    assert.ok(Array.isArray(actions), "codeAction answered");

    // 3. Both undone: the finding is back on line 5.
    mark = s.mark();
    s.change(CLIENT, [{ range: { start: brace, end: brace }, text: "}" }]);
    const t = s.doc(CLIENT).getText();
    s.change(CLIENT, [{ range: { start: s.doc(CLIENT).positionAt(t.length - 'fetch("/api/'.length), end: s.doc(CLIENT).positionAt(t.length) }, text: "" }]);
    assert.equal(s.doc(CLIENT).getText(), s.read(CLIENT));
    const back = await s.waitFor(CLIENT, (_d, p) => p.version === 5, "a publication at version 5", mark);
    assert.deepEqual(back.diagnostics.map((d) => [d.code, d.range.start.line + 1]), [["hardcoded-localhost-url", 5]], summary(back.diagnostics));
    await s.barrier();
    assert.equal(others(s, CLIENT), before);
  });

  it("syntax error mid-edit in main.py (open): other files unchanged, server answers", async () => {
    const s = await Session.start(BLOG);
    for (const f of BLOG_FINDINGS) await s.waitFor(f.file, (d) => d.length === 1, "the initial finding");
    s.open(MAIN);
    await s.waitFor(MAIN, (_d, p) => p.version === 1, "the publication at version 1");
    await s.barrier();
    const before = others(s, MAIN);
    const mark = s.mark();
    const at = positionOf(s.doc(MAIN).getText(), ")\n\napp.include_router");
    s.change(MAIN, [{ range: { start: at, end: { line: at.line, character: 1 } }, text: "" }]);
    s.insert(MAIN, at.line, 0, "def broken(:\n    allow = [\n");
    await s.waitFor(MAIN, (_d, p) => p.version === 3, "a publication at version 3", mark);
    await s.barrier();
    assert.equal(others(s, MAIN), before, "other files' diagnostics unchanged");
    assert.ok(!s.published.some((p) => p.seq >= mark && p.uri !== s!.uri(MAIN) && p.diagnostics.length === 0), "no other file republished as empty");
  });

  it("bad input: a binary .js, a 2 MB minified file, symlink loops -> indexes and reports exactly the real findings", async () => {
    const s = await Session.start(BLOG, {
      indexTimeout: 25_000,
      prepare: (root) => {
        const src = join(root, "frontend", "src");
        // Binary content with trigger words inside, NUL bytes and invalid UTF-8.
        const bin = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0xff, 0xfe]), Buffer.from('fetch("/api/x") axios.get("/y") new WebSocket('), randomBytes(64 * 1024), Buffer.from([0xc3, 0x28, 0xa0, 0xa1])]);
        writeFileSync(join(src, "logo.js"), bin);
        // ~2 MB of minified code on one line, with trigger words whose URLs are not known.
        const chunk = "function a0(e,t){return fetch(e+t,{method:\"GET\"}).then(function(n){return n.json()})}var b0=a0(window.x,window.y);";
        let min = "";
        let i = 0;
        while (min.length < 2 * 1024 * 1024) min += chunk.replace(/a0/g, `a${i}`).replace(/b0/g, `b${i++}`);
        writeFileSync(join(src, "vendor.min.js"), min);
        // Just under the server's 1 MB read limit, so this one is read and parsed.
        writeFileSync(join(src, "chunk.min.js"), min.slice(0, 1000 * 1000 - 200));
        // Symlink loops: a folder linking to its parent, a self link, a two-link cycle, a dangling link.
        symlinkSync("..", join(src, "loop"));
        symlinkSync("self", join(src, "self"));
        mkdirSync(join(root, "backend", "cycle"));
        symlinkSync("b", join(root, "backend", "cycle", "a"));
        symlinkSync("a", join(root, "backend", "cycle", "b"));
        symlinkSync("nowhere.js", join(src, "gone.js"));
        symlinkSync(root, join(root, "frontend", "root-link"));
      },
    });
    for (const f of BLOG_FINDINGS) await s.waitFor(f.file, (d) => d.some((x) => x.code === f.rule), `the real ${f.rule}`, 0, 15_000);
    assert.ok(s.indexed!.ms < 15_000, `indexed in ${s.indexed!.ms} ms`);
    await s.barrier();
    const snap = s.snapshot();
    assert.deepEqual(
      [...snap].map(([f, ds]) => `${f}: ${summary(ds)}`).sort(),
      BLOG_FINDINGS.map((f) => `${f.file}: ${f.rule}@${f.line}(sev ${f.rule === "cors-wildcard-credentials" ? 1 : 2})`).sort(),
      "exactly the real findings, none through the symlinks",
    );
    // Touching the bad files afterwards does not break the server either.
    const mark = s.mark();
    s.watched([
      { rel: "frontend/src/logo.js", type: FileChangeType.Changed },
      { rel: "frontend/src/vendor.min.js", type: FileChangeType.Changed },
      { rel: "frontend/src/gone.js", type: FileChangeType.Created },
      { rel: "frontend/src/loop/src/api/client.js", type: FileChangeType.Changed },
    ]);
    s.open("frontend/src/logo.js");
    await s.barrier();
    s.write("frontend/src/api/extra.js", 'export const go = () => fetch("/metrics");\n');
    s.watched([{ rel: "frontend/src/api/extra.js", type: FileChangeType.Created }]);
    await s.waitFor("frontend/src/api/extra.js", (d) => d.some((x) => x.code === "missing-proxy-entry"), "a diagnostic for a new file after the bad ones", mark);
    await s.barrier();
    assert.ok(!s.published.some((p) => p.seq >= mark && p.diagnostics.length === 0 && BLOG_FINDINGS.some((f) => s!.uri(f.file) === p.uri)), "real findings kept");
  });
  it("a symlink at the root into frontend/src does not hide the real files: their findings stay under their real paths", async () => {
    const s = await Session.start(BLOG, { prepare: (root) => symlinkSync("frontend/src", join(root, "a-src")) });
    await s.barrier();
    const got = [...s.snapshot()].map(([f, ds]) => `${f}: ${summary(ds)}`).sort();
    assert.deepEqual(
      got,
      BLOG_FINDINGS.map((f) => `${f.file}: ${f.rule}@${f.line}(sev ${f.rule === "cors-wildcard-credentials" ? 1 : 2})`).sort(),
      "the walk reached frontend/src first through the link a-src/ (outside the frontend root) and then skipped the real folder as already seen",
    );
  });

  it("a watched-file event for a path through a symlinked folder does not add a second copy of the file", async () => {
    const s = await Session.start(BLOG, { prepare: (root) => symlinkSync("..", join(root, "frontend", "src", "loop")) });
    for (const f of BLOG_FINDINGS) await s.waitFor(f.file, (d) => d.length === 1, "the initial finding");
    const mark = s.mark();
    s.watched([{ rel: "frontend/src/loop/src/api/client.js", type: FileChangeType.Changed }]);
    // A flush that certainly comes after the event: the one that publishes a newly opened document.
    s.open("frontend/src/components/CoverImage.jsx", 9);
    await s.waitFor("frontend/src/components/CoverImage.jsx", (_d, p) => p.version === 9, "the publication of the opened CoverImage.jsx", mark);
    await s.barrier();
    const dup = s.published.filter((p) => p.seq >= mark && p.diagnostics.length > 0 && !BLOG_FINDINGS.some((f) => s!.uri(f.file) === p.uri)).map((p) => `${s!.rel(p.uri)}: ${summary(p.diagnostics)}`);
    assert.deepEqual(dup, [], "the initial walk skips the link (a second way into frontend/), but the Changed event added frontend/src/loop/src/api/client.js as a new file");
  });
});
