/**
 * The editor side of the proxy's options: the `corsDoctor.proxy.*` settings as `cors-doctor proxy`
 * arguments. client/src/dev-proxy.ts is loaded with a stand-in for the `vscode` module (it only
 * needs it at run time), so the mapping is tested as a plain function.
 */
import { strict as assert } from "node:assert";
import Module from "node:module";

type Load = (request: string, parent: unknown, isMain: boolean) => unknown;
const loader = Module as unknown as { _load: Load };

/** client/src/dev-proxy.ts with `vscode` resolved to an empty object while it loads. */
function loadDevProxy(): typeof import("../../client/src/dev-proxy") {
  const load = loader._load;
  loader._load = function (request, parent, isMain) {
    return request === "vscode" ? {} : load.call(this, request, parent, isMain);
  };
  try {
    return require("../../client/src/dev-proxy") as typeof import("../../client/src/dev-proxy");
  } finally {
    loader._load = load;
  }
}

/** A settings section holding `values` (what the user set); `get` falls back to the default as VS Code's does. */
function settings(values: Record<string, unknown>) {
  return { get: <T>(key: string, fallback: T): T => (key in values ? (values[key] as T) : fallback) } as unknown as import("vscode").WorkspaceConfiguration;
}

describe("proxy settings as CLI arguments (client)", () => {
  it("an empty or blank corsDoctor.proxy.host setting is the default 127.0.0.1, never every interface", () => {
    const { proxyArgs } = loadDevProxy();
    const hostOf = (args: string[]) => args[args.indexOf("--host") + 1];
    assert.equal(hostOf(proxyArgs(settings({}), "/w")), "127.0.0.1");
    assert.equal(hostOf(proxyArgs(settings({ host: "" }), "/w")), "127.0.0.1");
    assert.equal(hostOf(proxyArgs(settings({ host: "  " }), "/w")), "127.0.0.1");
    assert.equal(hostOf(proxyArgs(settings({ host: "0.0.0.0" }), "/w")), "0.0.0.0", "an explicit address is the user's choice (the proxy warns)");
  });
});
