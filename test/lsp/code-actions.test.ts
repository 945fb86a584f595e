/**
 * End-to-end code actions: each quick fix of each finding requested, applied by the client (open
 * documents through didChange with version checks, closed files on disk + didChangeWatchedFiles,
 * CreateFile honoured), and the diagnostic gone afterwards; stale versions; suppression comments;
 * `source.fixAll.corsDoctor`.
 */
import { strict as assert } from "node:assert";
import { existsSync } from "node:fs";
import type { CodeAction, CreateFile, Diagnostic, TextDocumentEdit } from "vscode-languageserver-protocol/node";
import { BLOG, BLOG_FINDINGS, Session, summary } from "./session";

const CLIENT = "frontend/src/api/client.js";
const COVER = "frontend/src/components/CoverImage.jsx";
const MAIN = "backend/app/main.py";
const VITE = "frontend/vite.config.js";

type Change = TextDocumentEdit | CreateFile;

/** The quick fixes of each finding of examples/blog, in the order offered (the preferred one first). */
const TITLES: Record<string, string[]> = {
  "cors-wildcard-credentials": [
    "Allow only the development origins (http://localhost:5173)",
    "Read the origins from the CORS_ORIGINS environment variable",
    "Set allow_credentials=False",
    "Disable cors-wildcard-credentials for this line",
  ],
  "hardcoded-localhost-url": [
    "Use the relative URL '/api' and add a '/api' proxy entry",
    "Use import.meta.env.VITE_API_URL (set to http://localhost:8000/api in .env.development)",
    "Disable hardcoded-localhost-url for this line",
  ],
  "missing-proxy-entry": ["Add a '/uploads' proxy entry to vite.config.js", "Disable missing-proxy-entry for this line"],
};

function changes(a: CodeAction): Change[] {
  assert.ok(a.edit, `${a.title}: has an edit`);
  const dc = (a.edit!.documentChanges ?? []) as Change[];
  assert.ok(dc.length > 0 || Object.keys(a.edit!.changes ?? {}).length > 0, `${a.title}: non-empty edit`);
  return dc;
}

function textEdits(a: CodeAction, s: Session): { rel: string; version: number | null }[] {
  return changes(a)
    .filter((c): c is TextDocumentEdit => "textDocument" in c)
    .map((c) => ({ rel: s.rel(c.textDocument.uri), version: c.textDocument.version }));
}

/** Requests the quick fixes of a file's one finding of `rule`. */
async function fixesFor(s: Session, rel: string, rule: string): Promise<{ diagnostic: Diagnostic; actions: CodeAction[] }> {
  const p = await s.waitFor(rel, (d) => d.some((x) => x.code === rule), `a ${rule} diagnostic`);
  const diagnostic = p.diagnostics.find((x) => x.code === rule)!;
  const actions = await s.codeActions(rel, [diagnostic]);
  return { diagnostic, actions };
}

describe("lsp: code actions (built server over stdio)", function () {
  this.timeout(30_000);
  afterEach(() => Session.disposeAll());

  it("quick-fix kinds and titles for the three findings; one preferred fix each; a suppression each", async () => {
    const s = await Session.start(BLOG);
    for (const f of BLOG_FINDINGS) {
      const { diagnostic, actions } = await fixesFor(s, f.file, f.rule);
      assert.deepEqual(actions.map((a) => a.title), TITLES[f.rule]);
      for (const a of actions) {
        assert.equal(a.kind, "quickfix", a.title);
        assert.deepEqual(a.diagnostics?.map((d) => d.code), [f.rule], a.title);
        changes(a);
      }
      assert.deepEqual(actions.map((a) => a.isPreferred === true), TITLES[f.rule].map((_, i) => i === 0), `${f.rule}: exactly one preferred fix, first`);
      assert.equal(diagnostic.source, "cors-doctor");
    }
    const client = await fixesFor(s, CLIENT, "hardcoded-localhost-url");

    // Foreign diagnostics and an `only` that excludes quick fixes get nothing.
    const foreign = { ...client.diagnostic, source: "eslint" };
    assert.deepEqual(await s.codeActions(CLIENT, [foreign]), []);
    assert.deepEqual(await s.codeActions(CLIENT, [client.diagnostic], ["refactor"]), []);
  });

  it("hardcoded-localhost-url's relative-URL fix is one edit of client.js (open, versioned) AND vite.config.js (closed, null); applied, the finding goes and no new one appears", async () => {
    const s = await Session.start(BLOG);
    s.open(CLIENT);
    const p = await s.waitFor(CLIENT, (d, p) => p.version === 1 && d.length === 1, "the finding at version 1");
    const [fix] = await s.codeActions(CLIENT, p.diagnostics);
    assert.match(fix.title, /relative URL/);
    assert.deepEqual(
      textEdits(fix, s).sort((a, b) => a.rel.localeCompare(b.rel)),
      [
        { rel: CLIENT, version: 1 },
        { rel: VITE, version: null },
      ],
    );
    const mark = s.mark();
    const touched = s.applyEdit(fix.edit!);
    assert.deepEqual(touched.sort(), [CLIENT, VITE].sort());
    assert.match(s.read(VITE), /["']\/api["']\s*:/, "vite.config.js gained an /api proxy entry");
    assert.doesNotMatch(s.doc(CLIENT).getText(), /http:\/\/localhost/);
    // The didChange of client.js and the watched-file event of vite.config.js are two messages; a
    // flush may run between them (client.js relative, proxy not yet read), so wait for the end state.
    await s.waitFor(CLIENT, (d, p) => p.version === 2 && d.length === 0, "an empty list at version 2", mark);
    await s.barrier();
    assert.deepEqual(s.current(CLIENT), [], summary(s.current(CLIENT)));
    assert.deepEqual([...s.snapshot().keys()].sort(), [MAIN, COVER].sort(), "only the other two findings remain");
  });

  it("hardcoded-localhost-url's env fix creates .env.development (CreateFile) and clears the finding", async () => {
    const s = await Session.start(BLOG);
    const { actions } = await fixesFor(s, CLIENT, "hardcoded-localhost-url");
    const fix = actions.find((a) => a.title.includes("VITE_API_URL"))!;
    const dc = changes(fix);
    const create = dc.find((c): c is CreateFile => "kind" in c && c.kind === "create");
    assert.ok(create, "a CreateFile");
    assert.equal(s.rel(create.uri), "frontend/.env.development");
    const createAt = dc.indexOf(create);
    const editAt = dc.findIndex((c) => "textDocument" in c && c.textDocument.uri === create.uri);
    assert.ok(editAt > createAt, "the new file is created before it is edited");
    const mark = s.mark();
    s.applyEdit(fix.edit!);
    assert.ok(existsSync(s.path("frontend/.env.development")));
    assert.match(s.read("frontend/.env.development"), /^VITE_API_URL=http:\/\/localhost:8000\/api$/m);
    assert.match(s.read(CLIENT), /import\.meta\.env\.VITE_API_URL/);
    await s.waitFor(CLIENT, (d) => !d.some((x) => x.code === "hardcoded-localhost-url"), "the finding gone", mark);
    await s.barrier();
    assert.deepEqual([...s.snapshot().keys()].sort(), [MAIN, COVER].sort(), `only the other two findings remain: ${[...s.snapshot().keys()]}`);
  });

  for (const f of BLOG_FINDINGS) {
    it(`every quick fix of ${f.rule} (${f.file}, closed) applied on disk clears it`, async () => {
      const first = await Session.start(BLOG);
      const { actions } = await fixesFor(first, f.file, f.rule).finally(() => first.dispose());
      assert.deepEqual(actions.map((a) => a.title), TITLES[f.rule]);
      for (const [i, a] of actions.entries()) {
        const s = await Session.start(BLOG);
        const { actions: again } = await fixesFor(s, f.file, f.rule);
        const fix = again[i];
        assert.equal(fix.title, a.title);
        for (const e of textEdits(fix, s)) assert.equal(e.version, null, `${fix.title}: ${e.rel} is closed, version null`);
        const mark = s.mark();
        s.applyEdit(fix.edit!);
        await s.waitFor(f.file, (d) => !d.some((x) => x.code === f.rule), `${f.rule} gone after "${fix.title}"`, mark);
        await s.barrier();
        const others = BLOG_FINDINGS.filter((o) => o !== f);
        for (const o of others) assert.ok(s.current(o.file).some((x) => x.code === o.rule), `"${fix.title}" kept ${o.rule}`);
        s.dispose();
      }
    });
  }

  it("a quick fix computed at version N carries N after the document moved to N+1 (stale edit detectable)", async () => {
    const s = await Session.start(BLOG);
    s.open(CLIENT);
    const p = await s.waitFor(CLIENT, (d, p) => p.version === 1 && d.length === 1, "the finding at version 1");
    // The user types a line above before the code-action request reaches the server.
    s.insert(CLIENT, 0, 0, "// a new first line\n");
    const fixes = (await s.codeActions(CLIENT, p.diagnostics)).filter((a) => !a.title.startsWith("Disable"));
    assert.equal(fixes.length, 2);
    for (const a of fixes) {
      assert.deepEqual(textEdits(a, s).filter((e) => e.rel === CLIENT).map((e) => e.version), [1], a.title);
      assert.throws(() => s!.applyEdit(a.edit!), /stale edit/, `${a.title}: refused as stale`);
    }
    // Fresh diagnostics at version 2 give fixes that apply.
    const fresh = await s.waitFor(CLIENT, (d, p) => p.version === 2 && d.length === 1, "the finding at version 2");
    assert.equal(fresh.diagnostics[0].range.start.line, 5);
    const [fix] = await s.codeActions(CLIENT, fresh.diagnostics);
    assert.equal(textEdits(fix, s).find((e) => e.rel === CLIENT)?.version, 2);
    const mark = s.mark();
    s.applyEdit(fix.edit!);
    await s.waitFor(CLIENT, (d, p) => p.version === 3 && d.length === 0, "cleared at version 3", mark);
  });

  it("the suppression quick fix for a diagnostic from version N also carries N once the document is at N+1 (else it lands on the wrong line)", async () => {
    const s = await Session.start(BLOG);
    s.open(CLIENT);
    const p = await s.waitFor(CLIENT, (d, p) => p.version === 1 && d.length === 1, "the finding at version 1");
    s.insert(CLIENT, 0, 0, "// a new first line\n");
    const suppress = (await s.codeActions(CLIENT, p.diagnostics)).find((a) => a.title.startsWith("Disable"))!;
    const version = textEdits(suppress, s)[0].version;
    if (version === 2) {
      // What an editor does with it: the version matches, so it applies it at the stale line.
      const mark = s.mark();
      s.applyEdit(suppress.edit!);
      const lines = s.doc(CLIENT).getText().split("\n");
      const at = lines.findIndex((l) => l.includes("cors-doctor-disable-next-line"));
      const after = await s.waitFor(CLIENT, (_d, p) => p.version === 3, "the publication at version 3", mark);
      assert.fail(
        `the suppression was computed from the version-1 diagnostic (line ${p.diagnostics[0].range.start.line + 1}) but carries version 2, ` +
          `so it was applied to version 2: the comment landed above line ${at + 2} ("${lines[at + 1].trim()}") instead of the baseURL line, ` +
          `and the diagnostic stays: ${summary(after.diagnostics)}`,
      );
    }
    assert.equal(version, 1);
  });

  it("the edit to an open vite.config.js carries its version", async () => {
    const s = await Session.start(BLOG);
    await s.waitFor(COVER, (d) => d.length === 1, "the finding");
    let mark = s.mark();
    s.open(VITE, 7);
    // The fix's edit now targets an open document: the finding is republished with data.versions updated.
    const p = await s.waitFor(COVER, (d) => d.length === 1 && (d[0].data as { versions?: Record<string, number | null> } | undefined)?.versions?.[VITE] === 7, "the finding republished with the config's version 7 in data.versions", mark);
    const actions = await s.codeActions(COVER, p.diagnostics);
    mark = s.mark();
    const edits = textEdits(actions[0], s);
    assert.deepEqual(edits, [{ rel: VITE, version: 7 }]);
    s.applyEdit(actions[0].edit!);
    assert.equal(s.doc(VITE).version, 8);
    await s.waitFor(COVER, (d) => d.length === 0, "cleared after the open config changed", mark);
  });

  for (const f of BLOG_FINDINGS) {
    it(`suppression quick fix for ${f.rule} inserts the comment and the diagnostic goes away`, async () => {
      const s = await Session.start(BLOG);
      const { actions } = await fixesFor(s, f.file, f.rule);
      const suppress = actions.find((a) => a.title === `Disable ${f.rule} for this line`)!;
      assert.deepEqual(textEdits(suppress, s), [{ rel: f.file, version: null }]);
      const mark = s.mark();
      s.applyEdit(suppress.edit!);
      const lines = s.read(f.file).split("\n");
      if (f.file.endsWith(".py")) assert.match(lines[f.line - 1], new RegExp(`# cors-doctor: disable=${f.rule}$`));
      else {
        assert.match(lines[f.line - 1], new RegExp(`^\\s*// cors-doctor-disable-next-line ${f.rule}$`));
        assert.equal(lines[f.line - 1].match(/^\s*/)![0], lines[f.line].match(/^\s*/)![0], "same indentation as the line");
      }
      await s.waitFor(f.file, (d) => d.length === 0, "an empty list after the suppression", mark);
    });
  }

  it("suppression in an open document goes through didChange and clears at the next version", async () => {
    const s = await Session.start(BLOG);
    s.open(COVER, 3);
    const p = await s.waitFor(COVER, (d, p) => p.version === 3 && d.length === 1, "the finding at version 3");
    const actions = await s.codeActions(COVER, p.diagnostics);
    const suppress = actions.find((a) => a.title.startsWith("Disable"))!;
    assert.deepEqual(textEdits(suppress, s), [{ rel: COVER, version: 3 }]);
    const mark = s.mark();
    s.applyEdit(suppress.edit!);
    await s.waitFor(COVER, (d, p) => p.version === 4 && d.length === 0, "cleared at version 4", mark);
  });

  for (const f of BLOG_FINDINGS) {
    it(`source.fixAll.corsDoctor on ${f.file} returns an edit that clears its fixable diagnostics`, async () => {
      const s = await Session.start(BLOG);
      await s.waitFor(f.file, (d) => d.length === 1, "the finding");
      const actions = await s.codeActions(f.file, [], ["source.fixAll.corsDoctor"]);
      assert.equal(actions.length, 1, actions.map((a) => a.title).join(" | "));
      assert.equal(actions[0].kind, "source.fixAll.corsDoctor");
      // the preferred fix of the file's finding: the proxy entries live in vite.config.js
      const touches = { "cors-wildcard-credentials": [MAIN], "hardcoded-localhost-url": [CLIENT, VITE], "missing-proxy-entry": [VITE] }[f.rule];
      assert.deepEqual(textEdits(actions[0], s).map((e) => e.rel).sort(), touches);
      for (const e of textEdits(actions[0], s)) assert.equal(e.version, null, `${e.rel} closed`);
      const mark = s.mark();
      s.applyEdit(actions[0].edit!);
      await s.waitFor(f.file, (d) => d.length === 0, "an empty list after fix-all", mark);
      await s.barrier();
      for (const o of BLOG_FINDINGS.filter((o) => o !== f)) assert.equal(s.current(o.file).length, 1, `${o.file} untouched`);
    });
  }

  it("source.fixAll.corsDoctor on an open client.js: versioned, applies through didChange, clears it; requested by a parent kind too", async () => {
    const s = await Session.start(BLOG);
    s.open(CLIENT, 4);
    await s.waitFor(CLIENT, (d, p) => p.version === 4 && d.length === 1, "the finding at version 4");
    for (const only of [["source.fixAll"], ["source"]]) {
      const got = await s.codeActions(CLIENT, [], only);
      assert.deepEqual(got.map((a) => a.kind), ["source.fixAll.corsDoctor"], `only ${only}`);
    }
    // With no diagnostic in the context there is no quick fix either, so both lists are empty.
    assert.deepEqual(await s.codeActions(CLIENT, [], ["quickfix"]), [], "not offered for only: quickfix");
    assert.deepEqual(await s.codeActions(CLIENT, []), [], "not offered without `only` (editors ask for it on save)");
    const [fixAll] = await s.codeActions(CLIENT, [], ["source.fixAll.corsDoctor"]);
    assert.equal(fixAll.title, "Fix all CORS Doctor problems");
    const edits = textEdits(fixAll, s);
    assert.deepEqual(edits.find((e) => e.rel === CLIENT), { rel: CLIENT, version: 4 });
    const mark = s.mark();
    s.applyEdit(fixAll.edit!);
    await s.waitFor(CLIENT, (d, p) => p.version === 5 && d.length === 0, "cleared at version 5", mark);
    // Fixed: a second fix-all has nothing to do.
    assert.deepEqual(await s.codeActions(CLIENT, [], ["source.fixAll.corsDoctor"]), []);
  });

  it("the corsDoctor.server.fixAll command applies every preferred fix through workspace/applyEdit and says how many files changed", async () => {
    const s = await Session.start(BLOG);
    assert.deepEqual(s.initializeResult?.capabilities.executeCommandProvider?.commands, ["corsDoctor.server.fixAll"]);
    for (const f of BLOG_FINDINGS) await s.waitFor(f.file, (d) => d.some((x) => x.code === f.rule), f.rule);
    const mark = s.mark();
    const result = await s.request<{ files: number }>("workspace/executeCommand", { command: "corsDoctor.server.fixAll", arguments: [] });
    assert.deepEqual(result, { files: 3 }, "main.py, client.js and vite.config.js");
    for (const f of BLOG_FINDINGS) await s.waitFor(f.file, (d) => d.length === 0, `${f.rule} fixed`, mark);
    assert.match(s.read(VITE), /["']\/uploads["']/);
    assert.deepEqual(await s.request("workspace/executeCommand", { command: "corsDoctor.server.fixAll", arguments: [] }), { files: 0 }, "nothing left to fix");
  });
});
