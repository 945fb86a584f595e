/**
 * The extension tests' entry point, loaded by VS Code's extension host (code-server's, through
 * test/e2e/code-shim.cjs). Runs mocha over the suite and writes the counts and the extension's
 * start-up timings to `$E2E_RESULTS` for test/e2e/run.mjs.
 */
import { writeFileSync } from "node:fs";
import Mocha from "mocha";
import { results } from "./results";

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: "bdd", color: false, timeout: 60000, reporter: "spec" });
  mocha.suite.emit("pre-require", globalThis, "extension.test", mocha);
  require("./extension.test");
  return new Promise((resolve, reject) => {
    const runner = mocha.run((failures) => {
      results.passed = runner.stats?.passes ?? 0;
      results.failed = failures;
      if (process.env.E2E_RESULTS) writeFileSync(process.env.E2E_RESULTS, JSON.stringify(results, null, 2));
      if (failures) reject(new Error(`${failures} extension tests failed`));
      else resolve();
    });
  });
}
