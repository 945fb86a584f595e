/**
 * The extension's manifest and its code agree: every contributed command is registered by the
 * client and every registered command is contributed; every `corsDoctor.proxy.*` setting is read;
 * activation events cover the files the server analyses.
 */
import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { join } from "node:path";

const root = join(__dirname, "../..");
const manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
const extension = readFileSync(join(root, "client/src/extension.ts"), "utf8");
const proxy = readFileSync(join(root, "client/src/dev-proxy.ts"), "utf8");

describe("client: manifest and code agree", () => {
  it("contributed commands are exactly the registered ones, all in the CORS Doctor category", () => {
    const contributed = manifest.contributes.commands.map((c: { command: string }) => c.command).sort();
    const registered = [...extension.matchAll(/registerCommand\("([^"]+)"/g)].map((m) => m[1]).sort();
    assert.deepEqual(contributed, registered);
    for (const c of manifest.contributes.commands) assert.equal(c.category, "CORS Doctor", c.command);
  });

  it("every corsDoctor.proxy.* setting is read by the proxy control, with the same default", () => {
    const settings = Object.entries(manifest.contributes.configuration.properties).filter(([k]) => k.startsWith("corsDoctor.proxy."));
    assert.deepEqual(
      settings.map(([k]) => k),
      ["corsDoctor.proxy.port", "corsDoctor.proxy.host", "corsDoctor.proxy.routes", "corsDoctor.proxy.frontend", "corsDoctor.proxy.static"],
    );
    for (const [key, schema] of settings) {
      const name = key.slice("corsDoctor.proxy.".length);
      const read = new RegExp(`config\\.get<[^(]+>\\("${name}", ([^)]+)\\)`).exec(proxy);
      assert.ok(read, `${key} is read`);
      assert.deepEqual(JSON.parse(read[1]), (schema as { default: unknown }).default, `${key} default`);
    }
  });

  it("works in untrusted workspaces except for the dev proxy, and activates on Vite configs, index.html and Python files", () => {
    const untrusted = manifest.capabilities.untrustedWorkspaces;
    assert.equal(untrusted.supported, "limited");
    const enablement = (id: string) => manifest.contributes.commands.find((c: { command: string }) => c.command === id)?.enablement;
    for (const id of ["corsDoctor.startProxy", "corsDoctor.openProxy"]) assert.equal(enablement(id), "isWorkspaceTrusted", id);
    for (const id of ["corsDoctor.fixAll", "corsDoctor.restartServer"]) assert.equal(enablement(id), undefined, id);
    // the proxy settings that choose where requests go (the port is harmless)
    assert.deepEqual(untrusted.restrictedConfigurations, ["corsDoctor.proxy.routes", "corsDoctor.proxy.frontend", "corsDoctor.proxy.host", "corsDoctor.proxy.static"]);
    assert.deepEqual(manifest.activationEvents, ["workspaceContains:**/vite.config.{js,mjs,cjs,ts,mts,cts}", "workspaceContains:**/index.html", "workspaceContains:**/*.py"]);
  });
});
