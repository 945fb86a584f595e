/** `cors-doctor proxy` arguments. */
import { strict as assert } from "node:assert";
import { parseProxyArgs } from "../../server/src/cli/proxy";

describe("proxy CLI arguments", () => {
  it("--route splits at the = before the URL, so a regex key may hold = itself", () => {
    const { routes } = parseProxyArgs(["--route", "^/api(?=/)=http://127.0.0.1:8000", "--route", "/b=ws://127.0.0.1:8001/x?a=1"]);
    assert.deepEqual(routes, [
      { key: "^/api(?=/)", url: "http://127.0.0.1:8000" },
      { key: "/b", url: "ws://127.0.0.1:8001/x?a=1" },
    ]);
    assert.deepEqual(parseProxyArgs(["--route", "/c=nonsense"]).routes, [{ key: "/c", url: "nonsense" }], "no URL: the first =, and the table names the bad target");
    assert.throws(() => parseProxyArgs(["--route", "no-equals"]), /--route takes KEY=URL/);
  });

  it("--host takes an IPv6 literal bare or in brackets", () => {
    assert.equal(parseProxyArgs(["--host", "[::1]"]).host, "::1");
    assert.equal(parseProxyArgs(["--host", "::1"]).host, "::1");
    assert.equal(parseProxyArgs(["--host", "127.0.0.1"]).host, "127.0.0.1");
  });

  it("refuses an empty --host: listen() would take it as every interface", () => {
    for (const host of ["", " ", "[]"]) assert.throws(() => parseProxyArgs(["--host", host]), /--host needs an address/, JSON.stringify(host));
  });
});
