import { strict as assert } from "node:assert";
import { analyzeFiles } from "../helpers/analysis";

describe("smoke", () => {
  it("analyzes", async () => {
    const a = await analyzeFiles({ "vite.config.js": "export default { server: { proxy: {} } }\n", "src/a.js": "fetch('/api/x')\n" });
    assert.equal(a.findings.length, 1);
  });
  it("fails", () => assert.equal(1, 2));
});
