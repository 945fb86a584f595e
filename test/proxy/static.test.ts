/** Preview mode: the build output as files with the SPA fallback, the API routes still proxied. */
import { strict as assert } from "node:assert";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { echo, send, startProxy, viteConfig, type Proxy, type Upstream } from "./servers";

describe("proxy preview mode (--static)", () => {
  let dir: string;
  let api: Upstream;
  let p: Proxy;
  before(async () => {
    const root = mkdtempSync(join(tmpdir(), "cors-doctor-static-"));
    dir = join(root, "dist");
    mkdirSync(join(dir, "assets"), { recursive: true });
    writeFileSync(join(dir, "index.html"), "<!doctype html><title>app</title>");
    writeFileSync(join(dir, "about.html"), "<!doctype html><title>about</title>");
    writeFileSync(join(dir, "assets", "app.js"), "console.log(1)");
    writeFileSync(join(dir, ".env"), "SECRET=dotfile");
    mkdirSync(join(dir, ".git"));
    writeFileSync(join(dir, ".git", "config"), "dotfile");
    mkdirSync(join(dir, "assets", ".cache"));
    writeFileSync(join(dir, "assets", ".cache", "x.js"), "dotfile");
    mkdirSync(join(dir, ".well-known"));
    writeFileSync(join(dir, ".well-known", "security.txt"), "Contact: mailto:security@example.com");
    writeFileSync(join(dir, ".well-known", ".hidden"), "dotfile");
    writeFileSync(join(root, "secret.txt"), "secret");
    mkdirSync(join(root, "private"));
    writeFileSync(join(root, "private", "index.html"), "secret");
    symlinkSync(join(root, "secret.txt"), join(dir, "leak.txt"));
    symlinkSync(join(root, "private"), join(dir, "outside"));
    symlinkSync(join(dir, "about.html"), join(dir, "alias.html"));
    api = await echo();
    p = await startProxy(viteConfig(`{ '/api': 'http://127.0.0.1:${api.port}' }`), { staticDir: dir });
  });
  after(async () => {
    await p.stop();
    await api.close();
    rmSync(join(dir, ".."), { recursive: true, force: true });
  });

  it("serves files with their types", async () => {
    const js = await send(p.port, { path: "/assets/app.js" });
    assert.equal(js.status, 200);
    assert.match(js.headers["content-type"] ?? "", /text\/javascript/);
    assert.equal(js.body, "console.log(1)");
    assert.match((await send(p.port, { path: "/" })).body, /<title>app/);
    assert.equal(p.records[0].route, "(static)");
  });

  it("falls back to index.html for page loads, tries .html first, and 404s what accepts no HTML", async () => {
    const html = { Accept: "text/html,*/*;q=0.8" };
    assert.match((await send(p.port, { path: "/posts/42?x=1", headers: html })).body, /<title>app/);
    assert.match((await send(p.port, { path: "/about", headers: html })).body, /<title>about/);
    const json = await send(p.port, { path: "/posts/42", headers: { Accept: "application/json" } });
    assert.equal(json.status, 404);
  });

  it("still proxies the API routes", async () => {
    const r = await send(p.port, { path: "/api/items", method: "POST", body: "x" });
    assert.equal(JSON.parse(r.body).url, "/api/items");
    assert.equal(JSON.parse(r.body).body, "x");
  });

  it("refuses dotfiles with 404 (no index.html fallback either), except under /.well-known/", async () => {
    for (const path of ["/.env", "/.git/config", "/.git/", "/assets/.cache/x.js", "/%2eenv", "/.well-known/.hidden", "/.env.html"]) {
      for (const accept of ["application/json", "text/html"]) {
        for (const method of ["GET", "HEAD"]) {
          const r = await send(p.port, { path, method, headers: { Accept: accept } });
          assert.equal(r.status, 404, `${method} ${path} (Accept ${accept}): ${r.body}`);
          assert.ok(!r.body.includes("dotfile") && !r.body.includes("<title>app"), `${method} ${path} (Accept ${accept}): ${r.body}`);
        }
      }
    }
    const wellKnown = await send(p.port, { path: "/.well-known/security.txt" });
    assert.equal(wellKnown.status, 200);
    assert.match(wellKnown.body, /Contact:/);
  });

  it("never serves outside the folder, and takes only GET and HEAD", async () => {
    // dot segments are refused before any route (400); an encoded slash hides them until decoded
    for (const [path, status] of [["/../secret.txt", 400], ["/%2e%2e/secret.txt", 400], ["/assets/..%2f..%2fsecret.txt", 404]] as const) {
      const r = await send(p.port, { path, headers: { Accept: "application/json" } });
      assert.notEqual(r.body, "secret", path);
      assert.equal(r.status, status, path);
    }
    for (const path of ["/leak.txt", "/outside/", "/outside/index.html", "/outside"]) {
      const r = await send(p.port, { path, headers: { Accept: "application/json" } });
      assert.notEqual(r.body, "secret", `${path}: a symbolic link out of the folder`);
      assert.equal(r.status, 404, path);
    }
    assert.match((await send(p.port, { path: "/alias.html" })).body, /<title>about/, "a link that stays inside is served");
    assert.equal((await send(p.port, { path: "/", method: "DELETE" })).status, 405);
    const head = await send(p.port, { path: "/assets/app.js", method: "HEAD" });
    assert.equal(head.status, 200);
    assert.equal(head.body, "");
  });
});
