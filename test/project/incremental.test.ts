/**
 * The incremental model against a fresh one: random sequences of edits to open documents, disk
 * writes, deletions and closes over a small workspace whose files import, re-export, alias and
 * configure each other. After every step, the findings of the index + incremental build must
 * equal those of a new index and a build from scratch over the same texts.
 */
import { strict as assert } from "node:assert";
import type { Reported } from "../../server/src/project/run-rules";
import { Project } from "../../server/src/project/project";
import type { Grammars } from "../../server/src/kinds/tree-sitter";
import { grammars } from "../helpers/analysis";

const V: Record<string, (string | null)[]> = {
  "vite.config.js": [
    "export default { server: { proxy: { '/api': 'http://127.0.0.1:8000' } } }",
    "export default { server: { port: 3000 } }",
    "import path from 'path'\nexport default { resolve: { alias: { '@': path.resolve(__dirname, 'src') } }, server: { proxy: { '/v1': { target: 'http://127.0.0.1:8001' } } } }",
    "export default make()",
    null,
  ],
  "tsconfig.json": ['{ "compilerOptions": { "paths": { "~/*": ["./src/*"] } } }', "{}", null],
  ".env.production": ["VITE_API=https://prod.example.com", "VITE_API=http://localhost:8000", null],
  ".env.development": ["VITE_API=/dev", null],
  "src/config.js": [
    "export const BASE = '/api'\nexport const HOST = 'http://localhost:8000'\n",
    "export const BASE = '/v1'\nexport const HOST = import.meta.env.VITE_API || 'http://127.0.0.1:9000'\n",
    "export { BASE, HOST } from './consts'\n",
    "export * from './consts'\n",
    "import { BASE as B } from '~/consts'\nexport const BASE = B + '/x'\nexport const HOST = '/h'\n",
    null,
  ],
  "src/consts.js": ["export const BASE = '/other'\nexport const HOST = 'http://localhost:7000'\n", "export const BASE = '/api/z'\n", "export const HOST = 'x'\n", null],
  "src/api.js": [
    "import axios from 'axios'\nimport { BASE } from './config'\nexport const api = axios.create({ baseURL: BASE })\n",
    "import axios from 'axios'\nimport { HOST } from './config'\nexport const api = axios.create({ baseURL: HOST })\nexport default api\n",
    "import axios from 'axios'\nexport function make() { return axios.create({ baseURL: '/fac' }) }\nexport const api = make()\n",
    "export const api = { get() {} }\n",
    "export { api } from './api2'\n",
    null,
  ],
  "src/api2.js": ["import axios from 'axios'\nexport const api = axios.create({ baseURL: '/two' })\n", "export const api = 1\n", null],
  "src/use.js": [
    "import { api } from './api'\napi.get('/users')\n",
    "import api from './api'\napi.post('/items', {})\n",
    "import { api } from '@/api'\napi.get('/users/')\n",
    "import { api } from '~/api'\napi.get('/zz')\n",
    null,
  ],
  "src/f.js": [
    "import { BASE, HOST } from './config'\nfetch(BASE + '/x')\nfetch(`${HOST}/y`)\n",
    "import { BASE } from '~/config'\nnew WebSocket(BASE + '/ws')\n",
    "import * as c from './config'\nfetch(c.BASE)\n",
    "fetch('/api/ok'); fetch('/nope')\n",
    null,
  ],
  "backend/main.py": [
    "from fastapi import FastAPI\nfrom fastapi.middleware.cors import CORSMiddleware\nfrom .settings import ORIGINS, CREDS\nfrom . import routes\napp = FastAPI()\napp.add_middleware(CORSMiddleware, allow_origins=ORIGINS, allow_credentials=CREDS)\napp.include_router(routes.router, prefix='/api')\n",
    "from fastapi import FastAPI\nfrom fastapi.middleware.cors import CORSMiddleware\nfrom .settings import settings\napp = FastAPI()\napp.add_middleware(CORSMiddleware, allow_origins=settings.origins, allow_credentials=True)\n",
    "from fastapi import FastAPI\napp = FastAPI()\n",
    null,
  ],
  "backend/settings.py": [
    "ORIGINS = ['*']\nCREDS = True\n",
    "ORIGINS = ['http://localhost:5173']\nCREDS = True\n",
    "from .more import ORIGINS\nCREDS = True\n",
    "from pydantic_settings import BaseSettings\nclass Settings(BaseSettings):\n    origins: list[str] = ['*']\nsettings = Settings()\nORIGINS = settings.origins\nCREDS = True\n",
    null,
  ],
  "backend/more.py": ["ORIGINS = ['*']\n", "import os\nORIGINS = os.getenv('O', '*').split(',')\n", null],
  "backend/routes.py": ["from fastapi import APIRouter\nrouter = APIRouter()\n@router.get('/users')\ndef u(): pass\n", "from .r2 import router\n", null],
  "backend/r2.py": ["from fastapi import APIRouter\nrouter = APIRouter(prefix='/r')\n", null],
  "backend/__init__.py": [""],
  "index.html": ["<html></html>"],
};

function summary(findings: Reported[]): string[] {
  return findings
    .map((f) => `${f.rule} ${f.file}:${f.range.start.line + 1}:${f.range.start.character + 1} ${f.message} | ${f.related.map((r) => `${r.file}:${r.range.start.line + 1}`).join(",")} | ${f.fixes.map((x) => x.title).join(";")}`)
    .sort();
}

/** An editor session over an in-memory disk. */
class Session {
  readonly disk = new Map<string, string>();
  readonly open = new Map<string, string>();
  readonly index: Project;

  constructor(private readonly g: Grammars, files: Record<string, string>) {
    for (const [k, v] of Object.entries(files)) this.disk.set(k, v);
    this.index = new Project(g, (p) => this.disk.get(p));
    this.index.setFiles(this.disk.keys());
  }

  incremental(): string[] {
    return summary(this.index.findings());
  }

  fresh(): string[] {
    const project = new Project(this.g, (p) => this.open.get(p) ?? this.disk.get(p));
    project.setFiles(new Set([...this.disk.keys(), ...this.open.keys()]));
    return summary(project.findings());
  }
}

describe("incremental analysis equals a fresh one", function () {
  this.timeout(120_000);
  it("over 300 random edit sequences", async () => {
    const g = await grammars();
    let seed = 7;
    const rnd = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    const pick = <T>(a: T[]) => a[Math.floor(rnd() * a.length)];
    for (let trial = 0; trial < 300; trial++) {
      const init: Record<string, string> = {};
      for (const [k, vs] of Object.entries(V)) {
        const v = pick(vs);
        if (v !== null) init[k] = v;
      }
      const s = new Session(g, init);
      const log: string[] = [`init ${JSON.stringify(init)}`];
      s.incremental();
      for (let step = 0; step < 8; step++) {
        const path = pick(Object.keys(V));
        const v = pick(V[path]);
        const op = rnd();
        if (op < 0.35 && s.open.has(path)) {
          s.open.delete(path);
          s.index.closeDocument(path);
          log.push(`close ${path}`);
        } else if (op < 0.6 && v !== null) {
          s.open.set(path, v);
          s.index.setDocument(path, v, step + 1);
          log.push(`edit open ${path} = ${JSON.stringify(v)}`);
        } else if (v === null) {
          if (!s.disk.has(path) || s.open.has(path)) continue;
          s.disk.delete(path);
          s.index.removed(path);
          log.push(`delete ${path}`);
        } else {
          s.disk.set(path, v);
          s.index.changed(path);
          log.push(`write ${path} = ${JSON.stringify(v)}`);
        }
        const incremental = s.incremental();
        const fresh = s.fresh();
        assert.deepEqual(incremental, fresh, `trial ${trial}, step ${step}:\n${log.join("\n")}`);
      }
    }
  });
});
