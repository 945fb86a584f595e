/**
 * The Python reader on text: CORS middleware in its three attachment forms and the ways origins
 * are spelled, routes, routers and their prefixes, mounts, settings classes and uvicorn's port.
 */
import { strict as assert } from "node:assert";
import type { CorsFact, PyExpr, PyFacts } from "../../server/src/core/facts";
import { readPythonModule } from "../../server/src/kinds/python/fastapi";
import { textAt, withTree } from "../helpers/analysis";

function py(text: string): Promise<PyFacts> {
  return withTree("python", text, (tree) => readPythonModule(tree, text));
}

function shape(e: PyExpr | undefined): unknown {
  return e === undefined ? undefined : JSON.parse(JSON.stringify(e, (k, v) => (k === "range" ? undefined : v)));
}

function arg(c: CorsFact, name: string): unknown {
  return shape(c.args[name]?.value);
}

const HEAD = `from fastapi import FastAPI, APIRouter\nfrom fastapi.middleware.cors import CORSMiddleware\n`;
const STR = (value: string) => ({ kind: "str", value });
const TRUE = { kind: "bool", value: true };

describe("parse/fastapi", () => {
  describe("CORS attachment forms", () => {
    it("app.add_middleware(CORSMiddleware, ...)", async () => {
      const f = await py(`${HEAD}app = FastAPI()\napp.add_middleware(CORSMiddleware, allow_origins=["*"], allow_credentials=True)\n`);
      assert.equal(f.cors.length, 1);
      assert.equal(f.cors[0].form, "add_middleware");
      assert.equal(f.cors[0].app, "app");
      assert.deepEqual(arg(f.cors[0], "allow_origins"), { kind: "list", items: [STR("*")], form: "list" });
      assert.deepEqual(arg(f.cors[0], "allow_credentials"), TRUE);
    });

    it("FastAPI(middleware=[Middleware(CORSMiddleware, ...)])", async () => {
      const f = await py(`${HEAD}from starlette.middleware import Middleware\napp = FastAPI(middleware=[Middleware(CORSMiddleware, allow_origins=["*"], allow_credentials=True)])\n`);
      assert.equal(f.cors.length, 1);
      assert.equal(f.cors[0].form, "middleware_list");
      assert.equal(f.cors[0].app, "app");
    });

    it("Starlette(middleware=[...])", async () => {
      const f = await py(`from starlette.applications import Starlette\nfrom starlette.middleware import Middleware\nfrom starlette.middleware.cors import CORSMiddleware\napp = Starlette(middleware=[Middleware(CORSMiddleware, allow_origins=["*"])])\n`);
      assert.equal(f.apps[0].framework, "Starlette");
      assert.equal(f.cors[0].form, "middleware_list");
    });

    it("wrapping: app = CORSMiddleware(api, ...)", async () => {
      const f = await py(`${HEAD}api = FastAPI()\napp = CORSMiddleware(api, allow_origins=["*"], allow_credentials=True)\n`);
      assert.equal(f.cors.length, 1);
      assert.equal(f.cors[0].form, "wrap");
      assert.equal(f.cors[0].app, "api");
    });

    it("wrapping with app= keyword", async () => {
      const f = await py(`${HEAD}api = FastAPI()\napp = CORSMiddleware(app=api, allow_origins=["*"])\n`);
      assert.equal(f.cors[0].app, "api");
    });

    it("an aliased import of CORSMiddleware", async () => {
      const f = await py(`from fastapi import FastAPI\nfrom fastapi.middleware.cors import CORSMiddleware as Cors\napp = FastAPI()\napp.add_middleware(Cors, allow_origins=["*"])\n`);
      assert.equal(f.cors.length, 1);
    });

    it("inside an app factory, local names are inlined", async () => {
      const f = await py(`${HEAD}def create_app():\n    origins = ["*"]\n    app = FastAPI()\n    app.add_middleware(CORSMiddleware, allow_origins=origins, allow_credentials=True)\n    return app\n`);
      assert.deepEqual(arg(f.cors[0], "allow_origins"), { kind: "list", items: [STR("*")], form: "list" });
    });

    it("a commented-out add_middleware is not read", async () => {
      const f = await py(`${HEAD}app = FastAPI()\n# app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_credentials=True)\n`);
      assert.equal(f.cors.length, 0);
    });

    it("the argument range covers keyword and value", async () => {
      const text = `${HEAD}app = FastAPI()\napp.add_middleware(\n    CORSMiddleware,\n    allow_origins=["*"],\n    allow_credentials=True,\n)\n`;
      const f = await py(text);
      assert.equal(textAt(text, f.cors[0].args.allow_origins.range), `allow_origins=["*"]`);
    });
  });

  describe("origin values", () => {
    it("a module-level list is a name (resolved by the model)", async () => {
      const f = await py(`${HEAD}origins = ["*"]\napp = FastAPI()\napp.add_middleware(CORSMiddleware, allow_origins=origins)\n`);
      assert.deepEqual(arg(f.cors[0], "allow_origins"), { kind: "name", name: "origins" });
      assert.deepEqual(shape(f.assigns.origins), { kind: "list", items: [STR("*")], form: "list" });
    });

    it("a tuple", async () => {
      const f = await py(`ORIGINS = ("https://a.example", "*")\n`);
      assert.deepEqual(shape(f.assigns.ORIGINS), { kind: "list", items: [STR("https://a.example"), STR("*")], form: "tuple" });
    });

    it("os.getenv with a default, split", async () => {
      const f = await py(`import os\nORIGINS = os.getenv("CORS_ORIGINS", "*").split(",")\n`);
      assert.deepEqual(shape(f.assigns.ORIGINS), { kind: "split", object: { kind: "env", name: "CORS_ORIGINS", default: STR("*") }, stripped: false });
    });

    it("os.environ.get with a default", async () => {
      const f = await py(`import os\nX = os.environ.get("CORS_ORIGINS", "http://localhost:5173")\n`);
      assert.deepEqual(shape(f.assigns.X), { kind: "env", name: "CORS_ORIGINS", default: STR("http://localhost:5173") });
    });

    it("os.environ[...] has no default", async () => {
      const f = await py(`import os\nX = os.environ["CORS_ORIGINS"]\n`);
      assert.deepEqual(shape(f.assigns.X), { kind: "env", name: "CORS_ORIGINS" });
    });

    it("a list comprehension with strip marks the split stripped", async () => {
      const f = await py(`import os\nX = [o.strip() for o in os.getenv("CORS_ORIGINS", "a,b").split(",") if o.strip()]\n`);
      assert.deepEqual(shape(f.assigns.X), { kind: "split", object: { kind: "env", name: "CORS_ORIGINS", default: STR("a,b") }, stripped: true });
    });

    it("a list comprehension without strip stays unstripped", async () => {
      const f = await py(`import os\nX = [o for o in os.getenv("CORS_ORIGINS", "a,b").split(",")]\n`);
      assert.equal((f.assigns.X as { stripped?: boolean }).stripped, false);
    });

    it("string concatenation and list + list", async () => {
      const f = await py(`A = "http://" + "localhost:5173"\nB = ["a"] + ["b"]\n`);
      assert.deepEqual(shape(f.assigns.A), STR("http://localhost:5173"));
      assert.deepEqual(shape(f.assigns.B), { kind: "list", items: [STR("a"), STR("b")], form: "list" });
    });

    it("an f-string is unknown", async () => {
      const f = await py(`port = 5173\nA = f"http://localhost:{port}"\n`);
      assert.deepEqual(shape(f.assigns.A), { kind: "unknown" });
    });

    it("raw strings keep their backslashes", async () => {
      const f = await py(`R = r"https://[a-z]+\\.example\\.org"\n`);
      assert.deepEqual(shape(f.assigns.R), STR("https://[a-z]+\\.example\\.org"));
    });
  });

  describe("settings classes", () => {
    it("BaseSettings field defaults", async () => {
      const f = await py(`from pydantic_settings import BaseSettings\nfrom pydantic import Field\n\nclass Settings(BaseSettings):\n    cors_origins: str = "*"\n    debug: bool = Field(default=True)\n    name: str = Field("x")\n    secret: str\n\nsettings = Settings()\n`);
      assert.equal(f.settingsClasses.length, 1);
      const cls = f.settingsClasses[0];
      assert.equal(cls.name, "Settings");
      assert.deepEqual(shape(cls.fields.cors_origins), STR("*"));
      assert.deepEqual(shape(cls.fields.debug), TRUE);
      assert.deepEqual(shape(cls.fields.name), STR("x"));
      assert.ok("secret" in cls.fields);
      assert.equal(cls.fields.secret, undefined);
    });

    it("env_prefix from model_config or class Config", async () => {
      const a = await py(`from pydantic_settings import BaseSettings, SettingsConfigDict\nclass S(BaseSettings):\n    model_config = SettingsConfigDict(env_prefix="APP_")\n    x: str = "a"\n`);
      assert.equal(a.settingsClasses[0].envPrefix, "APP_");
      const b = await py(`from pydantic import BaseSettings\nclass S(BaseSettings):\n    x: str = "a"\n    class Config:\n        env_prefix = "MY_"\n`);
      assert.equal(b.settingsClasses[0].envPrefix, "MY_");
    });

    it("a subclass of a settings class is a settings class", async () => {
      const f = await py(`from pydantic_settings import BaseSettings\nclass Base(BaseSettings):\n    a: str = "1"\nclass Settings(Base):\n    b: str = "2"\n`);
      assert.deepEqual(f.settingsClasses.map((c) => c.name), ["Base", "Settings"]);
    });

    it("a function returning Settings() is recorded", async () => {
      const f = await py(`from pydantic_settings import BaseSettings\nclass Settings(BaseSettings):\n    a: str = "1"\ndef get_settings():\n    return Settings()\n`);
      assert.deepEqual(shape(f.returns.get_settings), { kind: "call", callee: { kind: "name", name: "Settings" } });
    });
  });

  describe("apps, routes and routers", () => {
    it("FastAPI() apps, with root_path", async () => {
      const f = await py(`${HEAD}app = FastAPI(root_path="/v1")\nadmin = FastAPI()\n`);
      assert.deepEqual(f.apps.map((a) => a.name), ["app", "admin"]);
      assert.deepEqual(shape(f.apps[0].rootPath), STR("/v1"));
    });

    it("routes by decorator", async () => {
      const f = await py(`${HEAD}app = FastAPI()\n@app.get("/api/items")\ndef a(): ...\n@app.post("/api/items")\nasync def b(): ...\n@app.api_route("/api/x", methods=["GET", "PUT"])\ndef c(): ...\n@app.get(path="/api/kw")\ndef d(): ...\n`);
      assert.deepEqual(f.routes.map((r) => [r.owner, r.methods, shape(r.path)]), [
        ["app", ["GET"], STR("/api/items")],
        ["app", ["POST"], STR("/api/items")],
        ["app", ["GET", "PUT"], STR("/api/x")],
        ["app", ["GET"], STR("/api/kw")],
      ]);
    });

    it("websocket routes", async () => {
      const f = await py(`${HEAD}app = FastAPI()\nrouter = APIRouter()\n@app.websocket("/ws")\nasync def a(ws): ...\n@router.websocket("/chat")\nasync def b(ws): ...\n`);
      assert.deepEqual(f.routes.map((r) => [r.owner, r.methods]), [["app", ["WS"]], ["router", ["WS"]]]);
    });

    it("APIRouter(prefix=...) and include_router(prefix=...)", async () => {
      const f = await py(`${HEAD}from app.routers import posts\napp = FastAPI()\nrouter = APIRouter(prefix="/items")\n@router.get("/{item_id}")\ndef get(item_id: int): ...\napp.include_router(router, prefix="/api")\napp.include_router(posts.router)\n`);
      assert.deepEqual(shape(f.routers[0].prefix), STR("/items"));
      assert.deepEqual(f.includes.map((i) => [i.owner, shape(i.router), shape(i.prefix)]), [
        ["app", { kind: "name", name: "router" }, STR("/api")],
        ["app", { kind: "attr", object: { kind: "name", name: "posts" }, name: "router" }, undefined],
      ]);
    });

    it("app.mount", async () => {
      const f = await py(`${HEAD}app = FastAPI()\napp.mount("/static", StaticFiles(directory="static"), name="static")\n`);
      assert.deepEqual(f.mounts.map((m) => [m.owner, shape(m.path)]), [["app", STR("/static")]]);
    });

    it("uvicorn.run(app, port=8001), also under if __name__", async () => {
      const f = await py(`${HEAD}app = FastAPI()\nif __name__ == "__main__":\n    import uvicorn\n    uvicorn.run(app, host="0.0.0.0", port=8001)\n`);
      assert.equal(f.uvicornPort, 8001);
    });

    it("uvicorn.run without a port leaves it undefined", async () => {
      const f = await py(`import uvicorn\nuvicorn.run("main:app")\n`);
      assert.equal(f.uvicornPort, undefined);
    });
  });

  describe("module facts", () => {
    it("importAt is the first top-level import's line, so a new import precedes all code", async () => {
      const f = await py(`"""doc"""\nfrom fastapi import FastAPI\nimport sys\n\napp = FastAPI()\nfrom . import routes\n`);
      assert.equal(f.importAt, 1);
    });

    it("importAt follows __future__ imports, or a docstring when there are no imports", async () => {
      assert.equal((await py(`from __future__ import annotations\nimport sys\n`)).importAt, 1);
      assert.equal((await py(`"""doc"""\napp = 1\n`)).importAt, 1);
      assert.equal((await py(`app = 1\n`)).importAt, 0);
    });

    it("records imports, relative ones with their dots", async () => {
      const f = await py(`from .config import settings\nfrom ..core import db as database\nimport os.path\n`);
      assert.deepEqual(f.imports, [
        { module: ".config", name: "settings", local: "settings" },
        { module: "..core", name: "db", local: "database" },
        { module: "os.path", name: undefined, local: "os" },
      ]);
    });

    it("a syntax error is recorded and the readable part still read", async () => {
      const f = await py(`${HEAD}app = FastAPI()\n\n@app.get("/api/ping")\ndef ping():\n    return {"ok": True}\n\napp.add_middleware(\n    CORSMiddleware,\n    allow_origins=["*"],\n`);
      assert.equal(f.syntaxError, true);
      assert.equal(f.apps.length, 1);
    });

    it("reads suppression comments (same line)", async () => {
      const f = await py(`x = 1  # cors-doctor: disable=cors-wildcard-credentials\n`);
      assert.deepEqual(f.suppressions, [{ line: 0, rules: ["cors-wildcard-credentials"] }]);
    });
  });
});
