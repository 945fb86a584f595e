/** Commands that start a backend, and the port they give it. */
import { strict as assert } from "node:assert";
import { isPortsFile, readPorts } from "../../server/src/kinds/ports/read";

describe("parse/ports", () => {
  for (const ok of ["Dockerfile", "backend/Dockerfile.dev", "docker-compose.yml", "compose.yaml", "Procfile", "Makefile", "package.json"]) {
    it(`${ok} may give a port`, () => assert.equal(isPortsFile(ok), true));
  }
  for (const no of ["README.md", "main.py", "dockerfile.md", "src/package.json.bak"]) {
    it(`${no} does not`, () => assert.equal(isPortsFile(no), false));
  }

  it("uvicorn --port in a Dockerfile CMD (exec form)", () => {
    assert.deepEqual(readPorts(`FROM python:3.12\nCMD ["uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", "8001"]\n`).commands, [{ app: "app.main:app", port: 8001, hostSide: false, line: 1 }]);
  });

  it("uvicorn --port=N in a Procfile", () => {
    assert.deepEqual(readPorts(`web: uvicorn main:app --port=9000\n`).commands, [{ app: "main:app", port: 9000, hostSide: false, line: 0 }]);
  });

  it("a package.json script", () => {
    assert.deepEqual(readPorts(`{ "scripts": { "api": "uvicorn api.main:app --reload --port 8002" } }\n`).commands, [{ app: "api.main:app", port: 8002, hostSide: false, line: 0 }]);
  });

  it("fastapi run / dev --port", () => {
    assert.deepEqual(readPorts(`run:\n\tfastapi dev main.py --port 8003\n`).commands.map((c) => c.port), [8003]);
  });

  it("gunicorn --bind host:port", () => {
    assert.deepEqual(readPorts(`web: gunicorn -k uvicorn.workers.UvicornWorker app.main:app --bind 0.0.0.0:8004\n`).commands.map((c) => c.port), [8004]);
  });

  it("a command without --port gives nothing (uvicorn's default 8000 is the model's)", () => {
    assert.deepEqual(readPorts(`web: uvicorn main:app --reload\n`).commands, []);
  });

  it("a file that starts no Python server gives nothing", () => {
    assert.deepEqual(readPorts(`{ "scripts": { "dev": "vite --port 3000" } }\n`).commands, []);
  });

  it("a compose service: the host side of the mapping for the port its command listens on", () => {
    const compose = `services:\n  api:\n    build: ./backend\n    command: uvicorn app.main:app --host 0.0.0.0 --port 8000\n    ports:\n      - "8001:8000"\n  db:\n    image: postgres\n    ports: ["5432:5432"]\n`;
    assert.deepEqual(readPorts(compose, "docker-compose.yml").commands, [{ app: "app.main:app", port: 8001, hostSide: true, line: 3 }]);
  });

  it("a compose command with no --port listens on 8000; long-form ports and lists are read", () => {
    const compose = `services:\n  api:\n    command: ["fastapi", "run", "main.py"]\n    ports:\n      - target: 8000\n        published: 9000\n`;
    assert.deepEqual(readPorts(compose, "compose.yaml").commands, [{ app: undefined, port: 9000, hostSide: true, line: 2 }]);
  });

  it("a compose file that is not YAML falls back to reading command lines", () => {
    assert.deepEqual(readPorts(`services: [\n  command: uvicorn main:app --port 8002\n`, "docker-compose.yml").commands, [{ app: "main:app", port: 8002, hostSide: false, line: 1 }]);
  });
});
