/**
 * CORS Doctor in a real VS Code (1.139 as code-server), installed from its VSIX, on a copy of
 * examples/blog: diagnostics in files never opened, every quick fix through the editor's own
 * code action provider, severity settings, the commands, and the dev proxy commands.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createServer, get } from "node:http";
import type { AddressInfo } from "node:net";
import * as vscode from "vscode";
import { results } from "./results";

const EXTENSION_ID = "cors-doctor.cors-doctor";
const root = vscode.workspace.workspaceFolders![0].uri;
const uri = (rel: string) => vscode.Uri.joinPath(root, rel);

const MAIN_PY = "backend/app/main.py";
const CLIENT_JS = "frontend/src/api/client.js";
const COVER_JSX = "frontend/src/components/CoverImage.jsx";
const VITE_CONFIG = "frontend/vite.config.js";
const MISTAKES = [
  { file: MAIN_PY, rule: "cors-wildcard-credentials", severity: vscode.DiagnosticSeverity.Error, fix: "Allow only the development origins" },
  { file: CLIENT_JS, rule: "hardcoded-localhost-url", severity: vscode.DiagnosticSeverity.Warning, fix: "Use the relative URL '/api'" },
  { file: COVER_JSX, rule: "missing-proxy-entry", severity: vscode.DiagnosticSeverity.Warning, fix: "Add a '/uploads' proxy entry" },
];

interface ProxyState {
  url: string | undefined;
  table: { routes: { key: string; target: string }[]; fallback: { kind: string; target: string } } | undefined;
  lastError: string | undefined;
}
interface Api {
  timings: Record<string, number | undefined>;
  proxy(): ProxyState;
  onDidChangeProxy: vscode.Event<void>;
}

/** Our diagnostics of a file with the given rule id. */
function ours(file: string, rule: string): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri(file)).filter((d) => d.source === "cors-doctor" && codeOf(d) === rule);
}

function codeOf(d: vscode.Diagnostic): string | undefined {
  const code = d.code;
  return typeof code === "object" ? String(code.value) : code === undefined ? undefined : String(code);
}

/** Resolves once `check` holds, re-checked on every diagnostics change; fails after `ms`. */
function untilDiagnostics(check: () => boolean, what: string, ms = 20000): Promise<void> {
  if (check()) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      sub.dispose();
      reject(new Error(`timed out after ${ms} ms waiting for ${what}`));
    }, ms);
    const sub = vscode.languages.onDidChangeDiagnostics(() => {
      if (!check()) return;
      clearTimeout(timer);
      sub.dispose();
      resolve();
    });
  });
}

/** The quick fixes with an edit that VS Code's own code action provider offers at a range. */
async function quickFixes(file: string, range: vscode.Range): Promise<vscode.CodeAction[]> {
  await vscode.workspace.openTextDocument(uri(file)); // the provider needs the document loaded
  const actions = await vscode.commands.executeCommand<(vscode.CodeAction | vscode.Command)[]>("vscode.executeCodeActionProvider", uri(file), range, vscode.CodeActionKind.QuickFix.value);
  return actions.filter((a): a is vscode.CodeAction => "edit" in a && !!a.edit);
}

/** Saves every changed document (workspace.saveAll saves only those open in an editor). */
async function saveDirty(): Promise<void> {
  for (const doc of vscode.workspace.textDocuments) if (doc.isDirty) assert.ok(await doc.save(), `saved ${doc.uri.fsPath}`);
}

async function setRule(rule: string, value: string | undefined): Promise<void> {
  await vscode.workspace.getConfiguration("corsDoctor").update(`rules.${rule}`, value, vscode.ConfigurationTarget.Workspace);
}

/** Resolves once the dev proxy's state satisfies `check`, re-checked on each of its changes. */
function untilProxy(check: (p: ProxyState) => boolean, what: string, ms = 20000): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      sub.dispose();
      reject(new Error(`timed out after ${ms} ms waiting for ${what}`));
    }, ms);
    const sub = api.onDidChangeProxy(() => {
      if (!check(api.proxy())) return;
      clearTimeout(timer);
      sub.dispose();
      resolve();
    });
  });
}

function httpGet(url: string, accept: string): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    get(url, { headers: { accept } }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, type: String(res.headers["content-type"] ?? ""), body }));
    }).on("error", reject);
  });
}

let api: Api;

describe("CORS Doctor in VS Code", () => {
  before(async () => {
    const ext = vscode.extensions.getExtension<Api>(EXTENSION_ID);
    assert.ok(ext, `${EXTENSION_ID} is installed`);
    api = await ext.activate();
  });

  after(() => {
    results.timings = api?.timings;
  });

  it("runs the installed VSIX, not a development copy", () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID)!;
    const dir = process.env.E2E_EXTENSIONS_DIR;
    assert.ok(dir, "E2E_EXTENSIONS_DIR is set by run.mjs");
    assert.ok(ext.extensionPath.startsWith(dir), `${ext.extensionPath} is under the extensions folder ${dir}`);
    assert.equal(ext.extensionKind, vscode.ExtensionKind.Workspace);
  });

  it("reports the three mistakes of the example, in files never opened, with the rule id linking to its docs", async () => {
    await untilDiagnostics(() => MISTAKES.every((m) => ours(m.file, m.rule).length === 1), "the three mistakes");
    const open = new Set(vscode.workspace.textDocuments.map((d) => d.uri.toString()));
    for (const m of MISTAKES) {
      assert.ok(!open.has(uri(m.file).toString()), `${m.file} was never opened`);
      const [d] = ours(m.file, m.rule);
      assert.equal(d.severity, m.severity, `${m.rule} severity`);
      const code = d.code as { value: string; target: vscode.Uri };
      assert.match(code.target.toString(), new RegExp(`#${m.rule}$`), "the code links to the rule's docs");
    }
    assert.ok(api.timings.firstDiagnosticsMs !== undefined, "the extension timed its first diagnostics");
  });

  it("follows the corsDoctor.rules.* settings: error, off, and back to the default", async () => {
    const rule = "hardcoded-localhost-url";
    await setRule(rule, "error");
    await untilDiagnostics(() => ours(CLIENT_JS, rule)[0]?.severity === vscode.DiagnosticSeverity.Error, "severity error");
    await setRule(rule, "off");
    await untilDiagnostics(() => ours(CLIENT_JS, rule).length === 0, "the rule turned off");
    await setRule(rule, undefined);
    await untilDiagnostics(() => ours(CLIENT_JS, rule)[0]?.severity === vscode.DiagnosticSeverity.Warning, "the default severity again");
  });

  it("contributes its commands; Show Output and Restart Server run, and the diagnostics come back", async () => {
    const all = new Set(await vscode.commands.getCommands(true));
    for (const id of ["fixAll", "showOutput", "restartServer", "startProxy", "stopProxy", "openProxy"]) assert.ok(all.has(`corsDoctor.${id}`), `corsDoctor.${id}`);
    await vscode.commands.executeCommand("corsDoctor.showOutput");
    await vscode.commands.executeCommand("corsDoctor.restartServer");
    await untilDiagnostics(() => MISTAKES.every((m) => ours(m.file, m.rule).length === 1), "the mistakes after the restart");
  });

  for (const m of MISTAKES) {
    it(`quick fix for ${m.rule}: applies through the editor, the diagnostic goes away, and nothing more is offered`, async () => {
      await untilDiagnostics(() => ours(m.file, m.rule).length === 1, m.rule);
      const [d] = ours(m.file, m.rule);
      const fixes = await quickFixes(m.file, d.range);
      const fix = fixes.find((a) => a.title.startsWith(m.fix));
      assert.ok(fix?.edit, `'${m.fix}' is offered (got ${fixes.map((a) => a.title).join(" | ")})`);
      const viteBefore = readFileSync(uri(VITE_CONFIG).fsPath, "utf8");
      const touched = fix.edit.entries().map(([u]) => vscode.workspace.asRelativePath(u));
      assert.ok(await vscode.workspace.applyEdit(fix.edit), `applied '${fix.title}'`);
      await saveDirty();
      await untilDiagnostics(() => ours(m.file, m.rule).length === 0, `${m.rule} to go away`);
      if (m.rule !== "cors-wildcard-credentials") {
        assert.ok(touched.includes(VITE_CONFIG), `'${fix.title}' edits the Vite config too (edited: ${touched.join(", ")})`);
        assert.notEqual(readFileSync(uri(VITE_CONFIG).fsPath, "utf8"), viteBefore, "the Vite config changed on disk");
      }
      const again = await quickFixes(m.file, d.range);
      assert.ok(!again.some((a) => a.title === fix.title), `'${fix.title}' is not offered once the problem is gone`);
    });
  }

  it("Fix All in Workspace fixes every problem at once", async () => {
    // bring all three mistakes back by writing the original files over the fixed ones
    const originals = JSON.parse(process.env.E2E_ORIGINALS ?? "{}") as Record<string, string>;
    const edit = new vscode.WorkspaceEdit();
    for (const [file, text] of Object.entries(originals)) {
      const doc = await vscode.workspace.openTextDocument(uri(file));
      edit.replace(doc.uri, new vscode.Range(0, 0, doc.lineCount, 0), text);
    }
    assert.ok(await vscode.workspace.applyEdit(edit));
    await saveDirty();
    await untilDiagnostics(() => MISTAKES.every((m) => ours(m.file, m.rule).length === 1), "the restored mistakes");
    await vscode.commands.executeCommand("corsDoctor.fixAll");
    await untilDiagnostics(() => MISTAKES.every((m) => ours(m.file, m.rule).length === 0), "every problem fixed");
    await saveDirty();
    assert.match(readFileSync(uri(VITE_CONFIG).fsPath, "utf8"), /["']\/uploads["']/, "the Vite config gained the '/uploads' entry");
  });

  it("Start Dev Proxy listens on loopback with the project's table, answers 502 naming the route while the backend is down, follows config edits, and Stop frees the port", async () => {
    await vscode.workspace.getConfiguration("corsDoctor.proxy").update("port", 0, vscode.ConfigurationTarget.Workspace);
    await vscode.commands.executeCommand("corsDoctor.startProxy");
    const { url, table } = api.proxy();
    assert.match(url ?? "", /^http:\/\/127\.0\.0\.1:\d+\/$/, "the proxy's URL");
    assert.deepEqual(table?.routes.map((r) => r.key), ["/api", "/uploads"], "the table is the Vite config's, as the fixes left it");
    const res = await httpGet(`${url}api/posts`, "application/json");
    assert.equal(res.status, 502);
    assert.match(res.type, /json/);
    assert.match(res.body, /\/api/, "names the route");
    assert.match(res.body, /localhost:8000|127\.0\.0\.1:8000/, "names the target");

    // an edit of the Vite config reaches the running proxy's table
    const reloaded = untilProxy((p) => !!p.table?.routes.some((r) => r.key === "/ws"), "the /ws route");
    const doc = await vscode.workspace.openTextDocument(uri(VITE_CONFIG));
    const at = doc.getText().indexOf("proxy: {") + "proxy: {".length;
    assert.ok(at > "proxy: {".length, "the config has a proxy table");
    const edit = new vscode.WorkspaceEdit();
    edit.insert(doc.uri, doc.positionAt(at), ` "/ws": { target: "ws://127.0.0.1:8000", ws: true },`);
    assert.ok(await vscode.workspace.applyEdit(edit));
    await saveDirty();
    await reloaded;

    await vscode.commands.executeCommand("corsDoctor.stopProxy");
    assert.equal(api.proxy().url, undefined);
    await assert.rejects(httpGet(`${url}api/posts`, "application/json"), /ECONNREFUSED/, "the port is closed after Stop");
  });

  it("Start Dev Proxy on a taken port reports it, names a free one, and does not start elsewhere", async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve));
    const port = (taken.address() as AddressInfo).port;
    try {
      await vscode.workspace.getConfiguration("corsDoctor.proxy").update("port", port, vscode.ConfigurationTarget.Workspace);
      await vscode.commands.executeCommand("corsDoctor.startProxy");
      const state = api.proxy();
      assert.equal(state.url, undefined, "not listening anywhere");
      assert.match(state.lastError ?? "", new RegExp(`port ${port}.*taken.*port \\d+ is free`), "names the port and a free one");
    } finally {
      taken.close();
    }
  });
});
