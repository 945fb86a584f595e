/** Suppression comments and how they apply. */
import { strict as assert } from "node:assert";
import { isSuppressed, readSuppressions } from "../../server/src/core/suppression";

describe("parse/suppressions", () => {
  it("JS: // cors-doctor-disable-next-line <id> applies to the next line", () => {
    const s = readSuppressions(`const a = 1\n// cors-doctor-disable-next-line hardcoded-localhost-url\nfetch('http://localhost:8000')\n`, "js");
    assert.deepEqual(s, [{ line: 2, rules: ["hardcoded-localhost-url"] }]);
    assert.equal(isSuppressed(s, "hardcoded-localhost-url", 2), true);
    assert.equal(isSuppressed(s, "hardcoded-localhost-url", 1), false);
    assert.equal(isSuppressed(s, "missing-proxy-entry", 2), false);
  });

  it("JS: several ids, comma or space separated", () => {
    const s = readSuppressions(`// cors-doctor-disable-next-line missing-proxy-entry, hardcoded-localhost-url\nx\n`, "js");
    assert.deepEqual(s, [{ line: 1, rules: ["missing-proxy-entry", "hardcoded-localhost-url"] }]);
  });

  it("JS: no id disables every rule on the next line", () => {
    const s = readSuppressions(`// cors-doctor-disable-next-line\nx\n`, "js");
    assert.equal(isSuppressed(s, "missing-proxy-entry", 1), true);
  });

  it("JS: a block comment form", () => {
    const s = readSuppressions(`/* cors-doctor-disable-next-line missing-proxy-entry */\nx\n`, "js");
    assert.deepEqual(s, [{ line: 1, rules: ["missing-proxy-entry"] }]);
  });

  it("JS: a JSX comment form {/* ... */}", () => {
    const s = readSuppressions(`{/* cors-doctor-disable-next-line hardcoded-localhost-url */}\nx\n`, "js");
    assert.deepEqual(s, [{ line: 1, rules: ["hardcoded-localhost-url"] }]);
  });

  it("Python: # cors-doctor: disable=<id> at the end of a line applies to that line", () => {
    const s = readSuppressions(`app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_credentials=True)  # cors-doctor: disable=cors-wildcard-credentials\n`, "python");
    assert.deepEqual(s, [{ line: 0, rules: ["cors-wildcard-credentials"] }]);
  });

  it("Python: several ids and no id", () => {
    assert.deepEqual(readSuppressions(`x  # cors-doctor: disable=a-b,c-d\n`, "python"), [{ line: 0, rules: ["a-b", "c-d"] }]);
    assert.deepEqual(readSuppressions(`x  # cors-doctor: disable\n`, "python"), [{ line: 0, rules: [] }]);
  });

  it("the JS form in Python and the Python form in JS do nothing", () => {
    assert.deepEqual(readSuppressions(`# cors-doctor-disable-next-line x\n`, "python"), []);
    assert.deepEqual(readSuppressions(`// cors-doctor: disable=x\n`, "js"), []);
  });

  it("text without the word is not scanned", () => {
    assert.deepEqual(readSuppressions(`fetch('/x')\n`, "js"), []);
  });
});
