/**
 * Writes the benchmark's synthetic workspace into `.bench/workspace/`: three React + Vite apps
 * (4,000 TS/TSX files together, one of them a ~2,000-line module the latency measurement edits),
 * a FastAPI backend of 1,000 Python files, a few Vite configs and a `node_modules/` the analysis
 * must skip. Everything comes from one seeded PRNG, so the same seed gives byte-identical files;
 * a stamp file makes a second run with the same seed and generator version a no-op.
 *
 * Usage: node bench/generate.mjs [--seed N] [--force]
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const GENERATOR_VERSION = 4;
export const DEFAULT_SEED = 20240611;
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
export const WORKSPACE = join(ROOT, ".bench", "workspace");
/** The file the edit-to-diagnostics measurement opens and edits (workspace-relative). */
export const BIG_FILE = "apps/shop/src/big/catalog.ts";
export const BIG_FILE_LINES = 2000;

const TS_FILES = 4000;
const PY_FILES = 1000;
const NODE_MODULES_FILES = 300;

// ---------------------------------------------------------------------------------------------
// Seeded randomness

function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Rng {
  constructor(seed) {
    this.next = mulberry32(seed);
  }
  int(lo, hi) {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  chance(p) {
    return this.next() < p;
  }
  pick(list) {
    return list[Math.floor(this.next() * list.length)];
  }
  /** A shuffled copy (Fisher-Yates), independent of the engine's sort. */
  shuffle(list) {
    const out = [...list];
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [out[i], out[j]] = [out[j], out[i]];
    }
    return out;
  }
}

// ---------------------------------------------------------------------------------------------
// Vocabulary

const NOUNS = ["order", "product", "invoice", "customer", "shipment", "review", "coupon", "cart", "payment", "refund", "warehouse", "supplier", "category", "ticket", "message", "report", "schedule", "member", "team", "project", "task", "comment", "attachment", "subscription", "plan", "address", "notification", "session", "audit", "tag", "banner", "campaign", "voucher", "region", "store", "employee", "shift", "device", "metric", "alert"];
const ADJECTIVES = ["recent", "pending", "archived", "featured", "draft", "shared", "pinned", "expired", "active", "flagged"];
const FIELD_TYPES = [["id", "string"], ["name", "string"], ["createdAt", "string"], ["updatedAt", "string"], ["status", "Status"], ["count", "number"], ["total", "number"], ["enabled", "boolean"], ["ownerId", "string"], ["notes", "string | null"], ["tags", "string[]"], ["priority", "number"]];
const UI_WORDS = ["List", "Card", "Form", "Detail", "Table", "Row", "Header", "Filter", "Badge", "Dialog", "Summary", "Empty", "Toolbar", "Panel", "Picker"];

const cap = (s) => s[0].toUpperCase() + s.slice(1);
const plural = (s) => (s.endsWith("y") ? s.slice(0, -1) + "ies" : s.endsWith("s") ? s + "es" : s + "s");

// ---------------------------------------------------------------------------------------------
// The apps. Each has a proxy table; calls outside it are the `missing-proxy-entry` findings.

const APPS = [
  // Axios instance on a root-relative baseURL that the proxy covers.
  { name: "shop", port: 5173, proxy: { "/api": "http://localhost:8000", "/auth": { target: "http://localhost:8000", changeOrigin: true } }, client: "relative" },
  // Axios instance with a hardcoded backend origin (a `hardcoded-localhost-url` finding).
  { name: "admin", port: 5174, proxy: { "/api": { target: "http://127.0.0.1:8000", changeOrigin: true } }, client: "hardcoded" },
  // Base URL from the environment with a localhost fallback.
  { name: "portal", port: 5175, proxy: { "/api": "http://localhost:8000", "/ws": { target: "ws://localhost:8000", ws: true } }, client: "env" },
];

function viteConfig(app) {
  const entries = Object.entries(app.proxy)
    .map(([k, v]) => (typeof v === "string" ? `      "${k}": "${v}",` : `      "${k}": { ${Object.entries(v).map(([a, b]) => `${a}: ${JSON.stringify(b)}`).join(", ")} },`))
    .join("\n");
  return `import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";
import { fileURLToPath, URL } from "node:url";

// Dev server for the ${app.name} app; production is served behind the same Nginx as the API.
export default defineConfig({
  plugins: [react()],
  resolve: {
    alias: {
      "@": fileURLToPath(new URL("./src", import.meta.url)),
    },
  },
  server: {
    port: ${app.port},
    strictPort: true,
    proxy: {
${entries}
    },
  },
  build: {
    outDir: "dist",
    sourcemap: true,
  },
});
`;
}

function apiClient(app) {
  const base =
    app.client === "relative"
      ? `const BASE_URL = "/api";`
      : app.client === "hardcoded"
        ? `const BASE_URL = "http://localhost:8000/api";`
        : `const BASE_URL = import.meta.env.VITE_API_URL ?? "http://localhost:8000";`;
  const path = app.client === "env" ? "`${BASE_URL}/api`" : "BASE_URL";
  return `import axios, { AxiosError } from "axios";

${base}

/** The one HTTP client of the ${app.name} app; every request sends the session cookie. */
export const api = axios.create({
  baseURL: ${path},
  withCredentials: true,
  timeout: 15000,
  headers: { "X-Requested-With": "XMLHttpRequest" },
});

api.interceptors.response.use(
  (response) => response,
  (error: AxiosError) => {
    if (error.response?.status === 401) window.location.assign("/login");
    return Promise.reject(error);
  },
);

export function errorMessage(error: unknown): string {
  if (error instanceof AxiosError) return (error.response?.data as { detail?: string } | undefined)?.detail ?? error.message;
  return String(error);
}
`;
}

// ---------------------------------------------------------------------------------------------
// TS/TSX file bodies. `calls` says whether the file makes HTTP requests; other files avoid the
// words the prefilter looks for, except the odd `refetch` a real codebase has.

function typesFile(rng, noun) {
  const N = cap(noun);
  const fields = rng.shuffle(FIELD_TYPES).slice(0, rng.int(5, 10));
  return `export type Status = "${ADJECTIVES.slice(0, rng.int(2, 5)).join('" | "')}";

export interface ${N} {
${fields.map(([f, t]) => `  ${f}: ${t};`).join("\n")}
}

export interface ${N}Page {
  items: ${N}[];
  total: number;
  page: number;
  pageSize: number;
}

export type ${N}Input = Omit<${N}, "id" | "createdAt" | "updatedAt">;

export interface ${N}Query {
  search?: string;
  status?: Status;
  page?: number;
  sort?: keyof ${N};
}

export const EMPTY_${noun.toUpperCase()}_QUERY: ${N}Query = { page: 1 };
`;
}

function utilsFile(rng, noun) {
  const N = cap(noun);
  const lines = [`import type { ${N} } from "./types";`, ""];
  for (let i = 0; i < rng.int(3, 7); i++) {
    const adj = rng.pick(ADJECTIVES);
    lines.push(
      `export function is${cap(adj)}${N}${i}(item: ${N}): boolean {`,
      `  const age = Date.now() - new Date(item.createdAt ?? 0).getTime();`,
      `  return age > ${rng.int(1, 90)} * 24 * 60 * 60 * 1000 && String(item.status ?? "") === "${adj}";`,
      `}`,
      "",
      `export function sortBy${cap(adj)}${i}(items: ${N}[]): ${N}[] {`,
      `  return [...items].sort((a, b) => String(a.id).localeCompare(String(b.id)) * ${rng.pick([1, -1])});`,
      `}`,
      "",
    );
  }
  lines.push(`export const formatCount = (n: number): string => (n > 999 ? \`\${(n / 1000).toFixed(1)}k\` : String(n));`, "");
  return lines.join("\n");
}

/** A feature's API module: the axios instance imported from the app's client, or plain fetch. */
function apiFile(rng, app, noun, resource, style) {
  const N = cap(noun);
  const out = [];
  if (style === "axios") {
    out.push(`import { api } from "../../api/client";`, `import type { ${N}, ${N}Input, ${N}Page, ${N}Query } from "./types";`, "");
    out.push(
      `export async function list${plural(N)}(query: ${N}Query = {}): Promise<${N}Page> {`,
      `  const { data } = await api.get<${N}Page>("/${resource}", { params: query });`,
      `  return data;`,
      `}`,
      "",
      `export async function get${N}(id: string): Promise<${N}> {`,
      `  const { data } = await api.get<${N}>(\`/${resource}/\${id}\`);`,
      `  return data;`,
      `}`,
      "",
      `export async function create${N}(input: ${N}Input): Promise<${N}> {`,
      `  const { data } = await api.post<${N}>("/${resource}", input);`,
      `  return data;`,
      `}`,
      "",
      `export async function update${N}(id: string, input: Partial<${N}Input>): Promise<${N}> {`,
      `  const { data } = await api.patch<${N}>(\`/${resource}/\${id}\`, input);`,
      `  return data;`,
      `}`,
      "",
      `export async function delete${N}(id: string): Promise<void> {`,
      `  await api.delete(\`/${resource}/\${id}\`);`,
      `}`,
      "",
    );
  } else {
    // fetch through a module-level const, the way many hand-written API modules look.
    out.push(`import type { ${N}, ${N}Input, ${N}Page } from "./types";`, "", `const ENDPOINT = "/api/${resource}";`, "");
    out.push(
      `async function json<T>(res: Response): Promise<T> {`,
      `  if (!res.ok) throw new Error(\`\${res.status} \${res.statusText}\`);`,
      `  return (await res.json()) as T;`,
      `}`,
      "",
      `export async function list${plural(N)}(page = 1): Promise<${N}Page> {`,
      `  return json(await fetch(\`\${ENDPOINT}?page=\${page}\`, { credentials: "include" }));`,
      `}`,
      "",
      `export async function get${N}(id: string): Promise<${N}> {`,
      `  return json(await fetch(\`\${ENDPOINT}/\${encodeURIComponent(id)}\`, { credentials: "include" }));`,
      `}`,
      "",
      `export async function create${N}(input: ${N}Input): Promise<${N}> {`,
      `  const res = await fetch(ENDPOINT, {`,
      `    method: "POST",`,
      `    headers: { "Content-Type": "application/json" },`,
      `    credentials: "include",`,
      `    body: JSON.stringify(input),`,
      `  });`,
      `  return json(res);`,
      `}`,
      "",
    );
  }
  // A few files carry the mistakes the rules look for.
  if (rng.chance(0.06)) {
    out.push(
      `// TODO: move to the shared client once the export endpoint is behind /api.`,
      `export async function export${plural(N)}(): Promise<Blob> {`,
      `  const res = await fetch("http://localhost:8000/api/${resource}/export");`,
      `  return res.blob();`,
      `}`,
      "",
    );
  }
  if (rng.chance(0.05)) {
    out.push(
      `export async function upload${N}Image(id: string, file: File): Promise<void> {`,
      `  const body = new FormData();`,
      `  body.append("file", file);`,
      `  await fetch(\`/uploads/${resource}/\${id}\`, { method: "POST", body });`,
      `}`,
      "",
    );
  }
  return out.join("\n");
}

function hookFile(rng, noun, name, calls) {
  const N = cap(noun);
  const out = [`import { useCallback, useEffect, useMemo, useState } from "react";`, `import type { ${N} } from "../types";`];
  if (calls === "api") out.push(`import { list${plural(N)} } from "../api";`);
  out.push("");
  out.push(`export function ${name}(initial: ${N}[] = []) {`, `  const [items, setItems] = useState<${N}[]>(initial);`, `  const [loading, setLoading] = useState(false);`, `  const [error, setError] = useState<string | null>(null);`, "");
  if (calls === "api") {
    out.push(`  const reload = useCallback(async () => {`, `    setLoading(true);`, `    try {`, `      setItems((await list${plural(N)}()).items);`, `    } catch (e) {`, `      setError(String(e));`, `    } finally {`, `      setLoading(false);`, `    }`, `  }, []);`);
  } else if (calls === "fetch") {
    const url = rng.chance(0.1) ? `"/reports/${noun}"` : rng.chance(0.1) ? `\`\${import.meta.env.VITE_API_URL ?? "http://localhost:8000"}/api/${plural(noun)}\`` : `"/api/${plural(noun)}/${rng.pick(ADJECTIVES)}"`;
    out.push(`  const reload = useCallback(async () => {`, `    setLoading(true);`, `    const res = await fetch(${url}, { headers: { Accept: "application/json" } });`, `    if (res.ok) setItems(await res.json());`, `    else setError(res.statusText);`, `    setLoading(false);`, `  }, []);`);
  } else if (calls === "refetch") {
    out.push(`  // refetch is wired by the caller`, `  const reload = useCallback(async () => setItems((x) => [...x]), []);`);
  } else {
    out.push(`  const reload = useCallback(async () => setItems((x) => [...x]), []);`);
  }
  out.push(
    "",
    `  useEffect(() => {`,
    `    void reload();`,
    `  }, [reload]);`,
    "",
    `  const byId = useMemo(() => new Map(items.map((item) => [item.id, item])), [items]);`,
    `  return { items, byId, loading, error, reload };`,
    `}`,
    "",
  );
  return out.join("\n");
}

function componentFile(rng, noun, word, calls) {
  const N = cap(noun);
  const name = `${N}${word}`;
  const out = [`import { useState } from "react";`, `import type { ${N} } from "../types";`, `import { formatCount } from "../utils";`, ""];
  out.push(`interface ${name}Props {`, `  items: ${N}[];`, `  title?: string;`, `  onSelect?: (item: ${N}) => void;`, `}`, "");
  out.push(`export function ${name}({ items, title = "${plural(N)}", onSelect }: ${name}Props) {`, `  const [selected, setSelected] = useState<string | null>(null);`);
  if (calls) {
    out.push(
      `  const [saving, setSaving] = useState(false);`,
      `  async function archive(item: ${N}) {`,
      `    setSaving(true);`,
      `    await fetch(\`/api/${plural(noun)}/\${item.id}/archive\`, { method: "POST" });`,
      `    setSaving(false);`,
      `  }`,
    );
  }
  out.push(
    `  return (`,
    `    <section className="${noun}-${word.toLowerCase()}">`,
    `      <h2>`,
    `        {title} <small>({formatCount(items.length)})</small>`,
    `      </h2>`,
    `      <ul>`,
    `        {items.map((item) => (`,
    `          <li`,
    `            key={String(item.id)}`,
    `            className={item.id === selected ? "selected" : undefined}`,
    `            onClick={() => {`,
    `              setSelected(String(item.id));`,
    `              onSelect?.(item);`,
    `            }}`,
    `          >`,
    `            {String(item.id)}`,
    calls ? `            <button disabled={saving} onClick={() => void archive(item)}>Archive</button>` : `            <span className="muted">${rng.pick(ADJECTIVES)}</span>`,
    `          </li>`,
    `        ))}`,
    `      </ul>`,
    `    </section>`,
    `  );`,
    `}`,
    "",
  );
  for (let i = 0; i < rng.int(0, 3); i++) {
    out.push(`export function ${name}Hint${i}({ count }: { count: number }) {`, `  return count === 0 ? <p className="empty">No ${plural(noun)} yet.</p> : null;`, `}`, "");
  }
  return out.join("\n");
}

function pageFile(rng, noun, name, hook) {
  const N = cap(noun);
  return `import { ${N}List } from "../features/${noun}/components/${N}List";
import { ${hook} } from "../features/${noun}/hooks/${hook}";

export default function ${name}() {
  const { items, loading, error } = ${hook}();
  if (loading) return <p>Loading…</p>;
  if (error) return <p role="alert">{error}</p>;
  return (
    <main>
      <${N}List items={items} title="${cap(rng.pick(ADJECTIVES))} ${plural(noun)}" />
    </main>
  );
}
`;
}

function libFile(rng, i) {
  const out = [`// Shared helpers (${i}).`, ""];
  for (let j = 0; j < rng.int(3, 8); j++) {
    out.push(
      `export function clamp${i}_${j}(value: number, min = ${rng.int(0, 5)}, max = ${rng.int(10, 100)}): number {`,
      `  return Math.min(max, Math.max(min, value));`,
      `}`,
      "",
      `export const debounce${i}_${j} = <T extends unknown[]>(fn: (...args: T) => void, ms = ${rng.int(50, 400)}) => {`,
      `  let timer: ReturnType<typeof setTimeout> | undefined;`,
      `  return (...args: T) => {`,
      `    clearTimeout(timer);`,
      `    timer = setTimeout(() => fn(...args), ms);`,
      `  };`,
      `};`,
      "",
    );
  }
  return out.join("\n");
}

/** The 2,000-line module the LSP latency measurement edits; it makes a handful of requests. */
function bigFile(rng) {
  const out = [
    `// The catalog: product data, search and pricing helpers, and the catalog endpoints.`,
    `import axios from "axios";`,
    `import { api } from "../api/client";`,
    "",
    `export interface CatalogItem {`,
    `  sku: string;`,
    `  title: string;`,
    `  price: number;`,
    `  stock: number;`,
    `  tags: string[];`,
    `}`,
    "",
    `// BENCH-EDIT-COMMENT: the latency benchmark edits this comment`,
    `export const CATALOG_URL = "/api/catalog/items";`,
    "",
    `export async function loadCatalog(): Promise<CatalogItem[]> {`,
    `  const res = await fetch(CATALOG_URL, { headers: { Accept: "application/json" } });`,
    `  return (await res.json()) as CatalogItem[];`,
    `}`,
    "",
    `export async function loadCatalogPage(page: number): Promise<CatalogItem[]> {`,
    `  const { data } = await api.get<CatalogItem[]>(\`/catalog/items?page=\${page}\`);`,
    `  return data;`,
    `}`,
    "",
    `// Status is read straight from the backend (a hardcoded-localhost-url finding, so the file has diagnostics).`,
    `export const loadStatus = () => fetch("http://localhost:8000/api/catalog/status");`,
    "",
    `const legacy = axios.create({ baseURL: "/api/legacy" });`,
    `export const loadLegacy = () => legacy.get("/catalog");`,
    "",
  ];
  let k = 0;
  const tail = [
    `export async function reloadPrices(): Promise<void> {`,
    `  await fetch("/api/catalog/prices/reload", { method: "POST" });`,
    `}`,
    "",
  ];
  while (out.length < BIG_FILE_LINES - tail.length) {
    const room = BIG_FILE_LINES - tail.length - out.length;
    if (room >= 12) {
      const sku = `SKU-${String(k).padStart(5, "0")}`;
      out.push(
        `export function price${k}(item: CatalogItem, qty = ${rng.int(1, 9)}): number {`,
        `  // ${sku}: ${rng.pick(ADJECTIVES)} ${rng.pick(NOUNS)} pricing`,
        `  const base = item.price * qty;`,
        `  const discount = qty > ${rng.int(3, 20)} ? base * 0.${rng.int(1, 3)} : 0;`,
        `  return Math.round((base - discount) * 100) / 100;`,
        `}`,
        "",
        `export const item${k}: CatalogItem = {`,
        `  sku: "${sku}", title: "${cap(rng.pick(ADJECTIVES))} ${rng.pick(NOUNS)}", price: ${rng.int(1, 999)}.${rng.int(10, 99)},`,
        `  stock: ${rng.int(0, 500)}, tags: ["${rng.pick(NOUNS)}", "${rng.pick(ADJECTIVES)}"],`,
        `};`,
        "",
      );
      k++;
    } else out.push(`// filler ${room}`);
  }
  out.push(...tail);
  return out.join("\n");
}

// ---------------------------------------------------------------------------------------------
// Python bodies

function settingsPy() {
  return `from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_prefix="APP_")

    database_url: str = "postgresql://localhost/app"
    cors_origins: list[str] = ["http://localhost:5173", "http://localhost:5174", "http://localhost:5175"]
    debug: bool = False


settings = Settings()
`;
}

function mainPy(routers) {
  return `from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from app.core.config import settings
${routers.map((r) => `from app.api.routes import ${r}`).join("\n")}

app = FastAPI(title="Platform API", debug=settings.debug)

app.add_middleware(
    CORSMiddleware,
    allow_origins=settings.cors_origins,
    allow_credentials=True,
    allow_methods=["*"],
    allow_headers=["*"],
)

${routers.map((r) => `app.include_router(${r}.router, prefix="/api")`).join("\n")}


@app.get("/api/health")
def health():
    return {"status": "ok"}
`;
}

function routerPy(rng, noun, resource) {
  const N = cap(noun);
  const out = [
    `from fastapi import APIRouter, Depends, HTTPException`,
    `from pydantic import BaseModel`,
    "",
    `from app.services.${noun}_service import ${N}Service`,
    "",
    `router = APIRouter(prefix="/${resource}", tags=["${resource}"])`,
    "",
    "",
    `class ${N}Out(BaseModel):`,
    `    id: str`,
    `    name: str`,
    `    status: str = "active"`,
    "",
    "",
    `@router.get("")`,
    `def list_${plural(noun)}(page: int = 1, service: ${N}Service = Depends()) -> list[${N}Out]:`,
    `    return service.list(page=page)`,
    "",
    "",
    `@router.get("/{item_id}")`,
    `def get_${noun}(item_id: str, service: ${N}Service = Depends()) -> ${N}Out:`,
    `    item = service.get(item_id)`,
    `    if item is None:`,
    `        raise HTTPException(status_code=404, detail="${N} not found")`,
    `    return item`,
    "",
    "",
    `@router.post("", status_code=201)`,
    `def create_${noun}(body: dict, service: ${N}Service = Depends()) -> ${N}Out:`,
    `    return service.create(body)`,
    "",
    "",
    `@router.patch("/{item_id}")`,
    `def update_${noun}(item_id: str, body: dict, service: ${N}Service = Depends()) -> ${N}Out:`,
    `    return service.update(item_id, body)`,
    "",
    "",
    `@router.delete("/{item_id}", status_code=204)`,
    `def delete_${noun}(item_id: str, service: ${N}Service = Depends()) -> None:`,
    `    service.delete(item_id)`,
    "",
  ];
  for (let i = 0; i < rng.int(0, 4); i++) {
    const adj = rng.pick(ADJECTIVES);
    out.push("", `@router.post("/{item_id}/${adj}${i}")`, `def mark_${adj}_${i}(item_id: str, service: ${N}Service = Depends()) -> ${N}Out:`, `    return service.update(item_id, {"status": "${adj}"})`, "");
  }
  return out.join("\n");
}

function servicePy(rng, noun) {
  const N = cap(noun);
  const out = [`from app.models.${noun} import ${N}Record`, "", "", `class ${N}Service:`, `    def __init__(self) -> None:`, `        self._items: dict[str, ${N}Record] = {}`, ""];
  for (const m of ["list", "get", "create", "update", "delete"]) {
    out.push(`    def ${m}(self, *args, **kwargs):`, `        return self._${m}(*args, **kwargs)`, "", `    def _${m}(self, *args, **kwargs):`, `        raise NotImplementedError("${m} ${noun}")`, "");
  }
  for (let i = 0; i < rng.int(1, 6); i++) out.push(`    def helper_${i}(self, value: int) -> int:`, `        return value * ${rng.int(2, 9)} + ${rng.int(0, 9)}`, "");
  return out.join("\n");
}

function modelPy(rng, noun) {
  const N = cap(noun);
  const out = [`from dataclasses import dataclass, field`, `from datetime import datetime`, "", "", `@dataclass`, `class ${N}Record:`, `    id: str`, `    name: str`, `    created_at: datetime = field(default_factory=datetime.utcnow)`];
  for (let i = 0; i < rng.int(2, 8); i++) out.push(`    extra_${i}: int = ${rng.int(0, 100)}`);
  out.push("");
  return out.join("\n");
}

function utilPy(rng, i) {
  const out = [`"""Helpers ${i}."""`, `import math`, "", ""];
  for (let j = 0; j < rng.int(2, 6); j++) out.push(`def scale_${j}(value: float, factor: float = ${rng.int(1, 9)}.0) -> float:`, `    return math.floor(value * factor)`, "", "");
  return out.join("\n");
}

// ---------------------------------------------------------------------------------------------

function nodeModulesFile(rng, pkg, i) {
  // Code that would produce findings if the walker did not skip node_modules.
  return `"use strict";
// ${pkg} internal module ${i}
const DEFAULT_URL = "http://localhost:${rng.int(3000, 9000)}/api";
function request${i}(path, init) {
  return fetch(DEFAULT_URL + path, init).then((r) => r.json());
}
function get${i}(path) {
  return fetch("/internal/${pkg}/" + path);
}
module.exports = { request${i}, get${i} };
`;
}

/**
 * Generates the workspace unless one with the same seed and generator version is there.
 * Returns the file counts.
 */
export function generate({ seed = DEFAULT_SEED, force = false, log = console.log } = {}) {
  const stampPath = join(WORKSPACE, ".bench-stamp.json");
  const stamp = { seed, version: GENERATOR_VERSION };
  if (!force && existsSync(stampPath)) {
    try {
      const old = JSON.parse(readFileSync(stampPath, "utf8"));
      if (old.seed === seed && old.version === GENERATOR_VERSION) {
        log(`workspace: ${WORKSPACE} (seed ${seed}, up to date)`);
        return old.counts;
      }
    } catch {
      // regenerate
    }
  }
  rmSync(WORKSPACE, { recursive: true, force: true });
  const t0 = performance.now();
  const rng = new Rng(seed);
  const counts = { ts: 0, tsx: 0, py: 0, viteConfigs: 0, nodeModules: 0, other: 0, tsWithCalls: 0, bigFileLines: 0 };
  const write = (rel, text) => {
    const full = join(WORKSPACE, rel);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, text);
    if (rel.startsWith("node_modules/")) counts.nodeModules++;
    else if (/vite\.config\.[mc]?[jt]s$/.test(rel)) counts.viteConfigs++;
    else if (rel.endsWith(".tsx")) counts.tsx++;
    else if (rel.endsWith(".ts")) counts.ts++;
    else if (rel.endsWith(".py")) counts.py++;
    else counts.other++;
    if (/\.tsx?$/.test(rel) && !rel.startsWith("node_modules/") && /\bfetch\(|\baxios\b|\bapi\.(get|post|put|patch|delete)\b/.test(text)) counts.tsWithCalls++;
  };

  // -- frontends
  const resources = new Set();
  const perApp = Math.floor(TS_FILES / APPS.length);
  APPS.forEach((app, ai) => {
    const base = `apps/${app.name}`;
    const quota = ai === APPS.length - 1 ? TS_FILES - perApp * (APPS.length - 1) : perApp;
    let n = 0;
    const ts = (rel, text) => {
      write(`${base}/${rel}`, text);
      n++;
    };
    write(`${base}/vite.config.ts`, viteConfig(app));
    write(`${base}/package.json`, JSON.stringify({ name: `@platform/${app.name}`, private: true, type: "module", scripts: { dev: "vite", build: "tsc -b && vite build" }, dependencies: { axios: "^1.7.0", react: "^18.3.0", "react-dom": "^18.3.0" } }, null, 2) + "\n");
    write(`${base}/index.html`, `<!doctype html>\n<html lang="en">\n  <body>\n    <div id="root"></div>\n    <script type="module" src="/src/main.tsx"></script>\n  </body>\n</html>\n`);
    if (app.client === "env") write(`${base}/.env.development`, `VITE_API_URL=http://localhost:8000\n`);
    ts("src/main.tsx", `import { StrictMode } from "react";\nimport { createRoot } from "react-dom/client";\nimport App from "./App";\n\ncreateRoot(document.getElementById("root")!).render(\n  <StrictMode>\n    <App />\n  </StrictMode>,\n);\n`);
    ts("src/api/client.ts", apiClient(app));
    if (app.name === "shop") ts(BIG_FILE.slice(base.length + 1), bigFile(rng));
    const pages = [];
    let f = 0;
    // Leave room for App.tsx.
    while (n < quota - 1) {
      const noun = NOUNS[f % NOUNS.length];
      const feature = f < NOUNS.length ? noun : `${noun}${Math.floor(f / NOUNS.length)}`;
      const resource = plural(feature);
      resources.add(resource);
      const dir = `src/features/${feature}`;
      const left = () => quota - 1 - n;
      const style = rng.chance(0.6) ? "axios" : "fetch";
      const files = [];
      files.push([`${dir}/types.ts`, typesFile(rng, feature)]);
      files.push([`${dir}/utils.ts`, utilsFile(rng, feature)]);
      files.push([`${dir}/api.ts`, apiFile(rng, app, feature, resource, style)]);
      const hooks = [];
      for (let h = 0; h < rng.int(2, 4); h++) {
        const name = `use${cap(rng.pick(ADJECTIVES))}${cap(plural(feature))}${h}`;
        hooks.push(name);
        const calls = h === 0 ? "api" : rng.chance(0.3) ? "fetch" : rng.chance(0.04) ? "refetch" : "none";
        files.push([`${dir}/hooks/${name}.ts`, hookFile(rng, feature, name, calls)]);
      }
      const words = ["List", ...rng.shuffle(UI_WORDS.slice(1)).slice(0, rng.int(4, 9))];
      for (const w of words) files.push([`${dir}/components/${cap(feature)}${w}.tsx`, componentFile(rng, feature, w, rng.chance(0.16))]);
      for (let l = 0; l < rng.int(1, 3); l++) files.push([`src/lib/${feature}-${l}.ts`, libFile(rng, `${f}_${l}`)]);
      const page = `${cap(feature)}Page`;
      files.push([`src/pages/${page}.tsx`, pageFile(rng, feature, page, hooks[0])]);
      for (const [rel, text] of files.slice(0, left())) ts(rel, text);
      pages.push([page, feature]);
      f++;
    }
    ts(
      "src/App.tsx",
      `import { lazy, Suspense } from "react";\n\n${pages.map(([p]) => `const ${p} = lazy(() => import("./pages/${p}"));`).join("\n")}\n\nexport default function App() {\n  const path = window.location.pathname;\n  return (\n    <Suspense fallback={<p>Loading…</p>}>\n${pages.map(([p, feat]) => `      {path.startsWith("/${feat}") && <${p} />}`).join("\n")}\n    </Suspense>\n  );\n}\n`,
    );
  });
  // A UI library with its own (library-mode) Vite config and no dev server.
  write(`packages/ui/vite.config.ts`, `import { defineConfig } from "vite";\n\nexport default defineConfig({\n  build: { lib: { entry: "src/index.ts", formats: ["es"] } },\n});\n`);

  // -- backend
  let py = 0;
  const pyw = (rel, text) => {
    write(`backend/${rel}`, text);
    py++;
  };
  const routerNames = [];
  pyw("app/__init__.py", "");
  pyw("app/core/__init__.py", "");
  pyw("app/core/config.py", settingsPy());
  pyw("app/api/__init__.py", "");
  pyw("app/api/routes/__init__.py", "");
  pyw("app/services/__init__.py", "");
  pyw("app/models/__init__.py", "");
  pyw("app/utils/__init__.py", "");
  const resList = [...resources];
  let r = 0;
  // main.py is written last; keep one slot for it.
  while (py < PY_FILES - 1) {
    const resource = resList[r % resList.length] + (r >= resList.length ? `_v${Math.floor(r / resList.length)}` : "");
    const noun = resource.replace(/ies$/, "y").replace(/s$/, "").replace(/(ss|x|ch)e$/, "$1").replace(/\W/g, "_");
    const mod = `${noun}_${r}`;
    const left = PY_FILES - 1 - py;
    if (left >= 4) {
      pyw(`app/api/routes/${mod}.py`, routerPy(rng, mod, resource));
      routerNames.push(mod);
      pyw(`app/services/${mod}_service.py`, servicePy(rng, mod));
      pyw(`app/models/${mod}.py`, modelPy(rng, mod));
      pyw(`app/utils/${mod}_helpers.py`, utilPy(rng, r));
    } else pyw(`app/utils/extra_${r}.py`, utilPy(rng, r));
    r++;
  }
  pyw("app/main.py", mainPy(routerNames));
  write("backend/requirements.txt", "fastapi\nuvicorn[standard]\npydantic-settings\n");

  // -- node_modules (must be skipped)
  const pkgs = ["axios", "react-query-lite", "ky-shim", "fetch-retry", "api-kit", "swr-lite"];
  for (let i = 0; i < NODE_MODULES_FILES; i++) {
    const pkg = pkgs[i % pkgs.length];
    write(`node_modules/${pkg}/lib/mod${i}.js`, nodeModulesFile(rng, pkg, i));
  }
  write("node_modules/api-kit/vite.config.js", `export default { server: { proxy: { "/x": "http://localhost:1" } } };\n`);

  counts.bigFileLines = readFileSync(join(WORKSPACE, BIG_FILE), "utf8").split("\n").length;
  writeFileSync(stampPath, JSON.stringify({ ...stamp, counts }, null, 2) + "\n");
  log(`workspace: ${WORKSPACE} (seed ${seed}, generated in ${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  return counts;
}

export function describeCounts(c) {
  const tsTotal = c.ts + c.tsx;
  return `${tsTotal} TS/TSX (${c.ts} .ts, ${c.tsx} .tsx; ${c.tsWithCalls} = ${((100 * c.tsWithCalls) / tsTotal).toFixed(1)}% make requests), ${c.py} Python, ${c.viteConfigs} Vite configs, ${c.nodeModules} files in node_modules, ${c.other} other; ${BIG_FILE} has ${c.bigFileLines} lines`;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const i = process.argv.indexOf("--seed");
  const seed = i > 0 ? Number(process.argv[i + 1]) : DEFAULT_SEED;
  const counts = generate({ seed, force: process.argv.includes("--force") });
  console.log(describeCounts(counts));
}
