/**
 * End-to-end: settings pulled with `workspace/configuration` after
 * `workspace/didChangeConfiguration` change severities, turn rules off, and exclude files.
 */
import { strict as assert } from "node:assert";
import { DiagnosticSeverity } from "vscode-languageserver-protocol/node";
import { BLOG, Session, summary } from "./session";

const CLIENT = "frontend/src/api/client.js";
const COVER = "frontend/src/components/CoverImage.jsx";
const MAIN = "backend/app/main.py";

describe("lsp: settings (built server over stdio)", function () {
  this.timeout(30_000);
  afterEach(() => Session.disposeAll());

  it("rule severities: missing-proxy-entry -> error, hardcoded-localhost-url -> off, and back", async () => {
    const s = await Session.start(BLOG);
    await s.waitFor(COVER, (d) => d.length === 1 && d[0].severity === DiagnosticSeverity.Warning, "the warning");
    await s.waitFor(CLIENT, (d) => d.length === 1, "the finding");
    const pulls = s.configRequests.length;

    let mark = s.mark();
    s.config = { corsDoctor: { rules: { "missing-proxy-entry": "error", "hardcoded-localhost-url": "off" } } };
    void s.conn.sendNotification("workspace/didChangeConfiguration", { settings: null });
    const err = await s.waitFor(COVER, (d) => d.length === 1 && d[0].severity === DiagnosticSeverity.Error, "missing-proxy-entry as an error", mark);
    assert.equal(err.diagnostics[0].code, "missing-proxy-entry");
    await s.waitFor(CLIENT, (d) => d.length === 0, "hardcoded-localhost-url off: an empty list", mark);
    assert.ok(s.configRequests.length > pulls, "the server pulled the settings again");
    const items = (s.configRequests.at(-1) as { items: { section?: string }[] }).items.map((i) => i.section);
    assert.deepEqual(items, ["corsDoctor", "files.exclude"]);
    await s.barrier();
    assert.equal(s.current(MAIN).length, 1, `main.py untouched: ${summary(s.current(MAIN))}`);

    mark = s.mark();
    s.config = { corsDoctor: { rules: { "hardcoded-localhost-url": "hint", "cors-wildcard-credentials": "info" } } };
    void s.conn.sendNotification("workspace/didChangeConfiguration", { settings: null });
    await s.waitFor(CLIENT, (d) => d.length === 1 && d[0].severity === DiagnosticSeverity.Hint, "hardcoded-localhost-url back as a hint", mark);
    await s.waitFor(COVER, (d) => d.length === 1 && d[0].severity === DiagnosticSeverity.Warning, "missing-proxy-entry back to its default", mark);
    await s.waitFor(MAIN, (d) => d.length === 1 && d[0].severity === DiagnosticSeverity.Information, "cors-wildcard-credentials as info", mark);
  });

  it("bad setting values are ignored (defaults kept), not a crash", async () => {
    const s = await Session.start(BLOG, { config: { corsDoctor: { rules: { "missing-proxy-entry": "loud", "hardcoded-localhost-url": 3 }, files: { exclude: "nope" } }, "files.exclude": ["x"] } });
    await s.waitFor(COVER, (d) => d.length === 1 && d[0].severity === DiagnosticSeverity.Warning, "the default warning");
    await s.waitFor(CLIENT, (d) => d.length === 1 && d[0].severity === DiagnosticSeverity.Warning, "the default warning");
  });

  it("files.exclude and corsDoctor.files.exclude remove files' diagnostics; removing them brings them back", async () => {
    const s = await Session.start(BLOG);
    await s.waitFor(COVER, (d) => d.length === 1, "the finding");
    await s.waitFor(MAIN, (d) => d.length === 1, "the finding");

    let mark = s.mark();
    s.config = { "files.exclude": { "**/components": true, "**/.git": true }, corsDoctor: { files: { exclude: ["backend/**"] } } };
    void s.conn.sendNotification("workspace/didChangeConfiguration", { settings: null });
    await s.waitFor(COVER, (d) => d.length === 0, "CoverImage.jsx excluded by files.exclude", mark);
    await s.waitFor(MAIN, (d) => d.length === 0, "main.py excluded by corsDoctor.files.exclude", mark);
    await s.barrier();
    assert.equal(s.current(CLIENT).length, 1, "client.js still reported");

    mark = s.mark();
    s.config = {};
    void s.conn.sendNotification("workspace/didChangeConfiguration", { settings: null });
    await s.waitFor(COVER, (d) => d.length === 1, "CoverImage.jsx back", mark);
    await s.waitFor(MAIN, (d) => d.length === 1, "main.py back", mark);
  });

  it("settings at start apply to the first publication", async () => {
    const s = await Session.start(BLOG, { config: { corsDoctor: { rules: { "cors-wildcard-credentials": "off", "missing-proxy-entry": "hint" } } } });
    await s.waitFor(COVER, (d) => d.length === 1 && d[0].severity === DiagnosticSeverity.Hint, "a hint from the start");
    await s.waitFor(CLIENT, (d) => d.length === 1, "the finding");
    await s.barrier();
    assert.ok(!s.published.some((p) => p.uri === s!.uri(MAIN)), "main.py never published (rule off from the start)");
  });
});
