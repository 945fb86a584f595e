/**
 * What the mission rules say and point at: messages that claim no more than facts.md, related
 * information on the other files, severities from settings, and suppression.
 */
import { strict as assert } from "node:assert";
import { analyzeFiles, textAt, type Files } from "../helpers/analysis";

const H = `from fastapi import FastAPI\nfrom fastapi.middleware.cors import CORSMiddleware\n`;
const VITE = { "vite.config.js": `export default {\n  server: {\n    proxy: {\n      '/api': { target: 'http://127.0.0.1:8000' },\n    },\n  },\n}\n` };

async function only(files: Files, rule: string) {
  return (await analyzeFiles(files)).findings.filter((f) => f.rule === rule);
}

describe("rule messages and related information", () => {
  describe("cors-wildcard-credentials", () => {
    it("names the consequence, points at allow_credentials, never claims a startup error", async () => {
      const text = `${H}app = FastAPI()\napp.add_middleware(CORSMiddleware, allow_origins=["*"], allow_credentials=True)\n`;
      const [f] = await only({ "main.py": text }, "cors-wildcard-credentials");
      assert.equal(textAt(text, f.range), `allow_origins=["*"]`);
      assert.match(f.message, /any website/i);
      assert.match(f.message, /credential/i);
      assert.doesNotMatch(f.message, /ValueError|raises|refuses to start|fails? (at|on) startup|startup error/i);
      assert.deepEqual(f.related.map((r) => [textAt(text, r.range), r.message]), [["allow_credentials=True", "allow_credentials is True here"]]);
    });

    it("an environment default of * says it applies when the variable is unset", async () => {
      const [f] = await only({ "main.py": `import os\n${H}app = FastAPI()\napp.add_middleware(CORSMiddleware, allow_origins=os.getenv("CORS_ORIGINS", "*").split(","), allow_credentials=True)\n` }, "cors-wildcard-credentials");
      assert.match(f.message, /CORS_ORIGINS is unset/);
    });

    it("a name defined elsewhere: related information points at its definition", async () => {
      const text = `${H}ORIGINS = [\n    "*",\n]\napp = FastAPI()\napp.add_middleware(CORSMiddleware, allow_origins=ORIGINS, allow_credentials=True)\n`;
      const [f] = await only({ "main.py": text }, "cors-wildcard-credentials");
      assert.equal(textAt(text, f.range), "allow_origins=ORIGINS");
      assert.deepEqual(f.related.map((r) => [textAt(text, r.range), r.message]), [
        [`"*"`, `the "*" origin is defined here`],
        ["allow_credentials=True", "allow_credentials is True here"],
      ]);
    });

    it("the severity setting applies and off silences it", async () => {
      const files = { "main.py": `${H}app = FastAPI()\napp.add_middleware(CORSMiddleware, allow_origins=["*"], allow_credentials=True)\n` };
      assert.equal((await analyzeFiles(files)).findings[0].severity, "error");
      assert.equal((await analyzeFiles(files, { "cors-wildcard-credentials": "hint" })).findings[0].severity, "hint");
      assert.equal((await analyzeFiles(files, { "cors-wildcard-credentials": "off" })).findings.length, 0);
    });
  });

  describe("missing-proxy-entry", () => {
    const outcome = async (call: string) => {
      const [f] = await only({ ...VITE, "src/a.js": `import axios from 'axios'\n${call}\n` }, "missing-proxy-entry");
      assert.ok(f, `no finding for ${call}`);
      return f.message;
    };
    it("a GET is answered with index.html and 200", async () => assert.match(await outcome(`fetch('/uploads/a.json')`), /index\.html.*200/));
    it("a POST gets 404", async () => assert.match(await outcome(`axios.post('/auth/login')`), /POST with 404/));
    it("a GET that accepts only JSON gets 404", async () => assert.match(await outcome(`fetch('/uploads/a', { headers: { Accept: 'application/json' } })`), /404/));
    it("headers the code does not show make the GET outcome conditional", async () =>
      assert.match(await outcome(`fetch('/uploads/a', { headers: makeHeaders() })`), /index\.html \(status 200\) when it accepts HTML, else with 404/));
    it("an instance's JSON-only Accept header applies to its GETs", async () =>
      assert.match(await outcome(`const api = axios.create({ baseURL: '/', headers: { Accept: 'application/json' } })\napi.get('/uploads/a')`), /accepts only JSON, so Vite answers it with 404/));
    it("a HEAD request is not called a GET", async () => assert.match(await outcome(`axios.head('/uploads/a')`), /this HEAD request with index\.html/));
    it("an EventSource gets 404", async () => assert.match(await outcome(`new EventSource('/events')`), /EventSource with 404/));
    it("a WebSocket fails to connect", async () => assert.match(await outcome(`new WebSocket('/ws')`), /WebSocket fails to connect/));

    it("points at the Vite config's server block and at the FastAPI route that serves the path", async () => {
      const files = {
        ...VITE,
        "src/a.js": `fetch('/uploads/a.png')\n`,
        "main.py": `from fastapi import FastAPI\napp = FastAPI()\n@app.get("/uploads/{name}")\ndef up(name: str): ...\n`,
      };
      const [f] = await only(files, "missing-proxy-entry");
      assert.deepEqual(
        f.related.map((r) => [r.file, r.range.start.line + 1, r.message]),
        [
          ["vite.config.js", 2, "no server.proxy key here covers '/uploads'"],
          ["main.py", 3, "FastAPI serves GET /uploads/{name} here"],
        ],
      );
      // the target FastAPI's default port; no changeOrigin (rules.md)
      assert.deepEqual(
        f.fixes.map((x) => [x.title, x.edits.map((e) => [e.file, e.range.start.line + 1, e.newText])]),
        [["Add a '/uploads' proxy entry to vite.config.js", [["vite.config.js", 5, "      '/uploads': { target: 'http://127.0.0.1:8000' },\n"]]]],
      );
    });
  });

  describe("hardcoded-localhost-url", () => {
    it("reports the literal once and points at every call it reaches", async () => {
      const files = {
        ...VITE,
        "src/config.js": `export const API = 'http://localhost:8000/api'\n`,
        "src/a.js": `import { API } from './config'\nfetch(API + '/a')\nfetch(API + '/b')\n`,
      };
      const found = await only(files, "hardcoded-localhost-url");
      assert.equal(found.length, 1);
      assert.equal(found[0].file, "src/config.js");
      assert.equal(found[0].related.filter((r) => r.file === "src/a.js").length, 2);
      assert.match(found[0].message, /visitor's own machine/);
    });

    it("the relative fix is not offered when the URL has no path and no call gives a prefix", async () => {
      const [f] = await only({ ...VITE, "src/a.js": `import axios from 'axios'\nexport const http = axios.create({ baseURL: 'http://localhost:8000' })\n` }, "hardcoded-localhost-url");
      assert.deepEqual(
        f.fixes.map((x) => x.title),
        ["Use import.meta.env.VITE_API_URL (set to http://localhost:8000 in .env.development)"],
        "the environment-variable fix only",
      );
    });
  });

  describe("positions", () => {
    it("ranges are UTF-16 columns even after non-ASCII text on the line", async () => {
      const text = "const t = 'café — 🚀'; export const a = () => fetch('http://localhost:8000/api/x')\n";
      const [f] = await only({ ...VITE, "src/a.js": text }, "hardcoded-localhost-url");
      assert.equal(textAt(text, f.range), "'http://localhost:8000/api/x'");
      const py = `${H}app = FastAPI(title="Café 🚀"); app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_credentials=True)\n`;
      const [c] = await only({ "main.py": py }, "cors-wildcard-credentials");
      assert.equal(textAt(py, c.range), `allow_origins=["*"]`);
    });
  });
});
