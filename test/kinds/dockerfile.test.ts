/**
 * The Dockerfile kind: the `ENV`/`ARG` values a frontend build sees (with their lines), what it
 * copies in, whether it builds a frontend, and the backend commands with their ports.
 */
import { strict as assert } from "node:assert";
import { isDockerfile, readDockerfile } from "../../server/src/kinds/dockerfile/read";

describe("kinds/dockerfile", () => {
  it("names Dockerfiles", () => {
    assert.deepEqual(["Dockerfile", "web/Dockerfile.prod", "api/app.dockerfile", "docker-compose.yml", "Dockerfiles/readme.md"].map(isDockerfile), [true, true, true, false, false]);
  });

  it("ENV in both forms, ARG with and without a default, a comment after a value, continuations", () => {
    const f = readDockerfile(`FROM node:20\nARG VITE_A\nARG VITE_B=http://x\nENV VITE_C=1 VITE_D="two words" # note\nENV OLD value with spaces\nENV E=1 \\\n    F=2\n`);
    assert.deepEqual(
      f.env.map((e) => [e.instruction, e.name, e.value, e.line]),
      [
        ["ARG", "VITE_A", undefined, 1],
        ["ARG", "VITE_B", "http://x", 2],
        ["ENV", "VITE_C", "1", 3],
        ["ENV", "VITE_D", "two words", 3],
        ["ENV", "OLD", "value with spaces", 4],
        ["ENV", "E", "1", 5],
        ["ENV", "F", "2", 5],
      ],
    );
  });

  it("what it copies, whether it builds a frontend, and the ports of the servers it starts", () => {
    const f = readDockerfile(`FROM node:20 AS web\nCOPY frontend/ ./\nCOPY --from=deps /x /y\nRUN pnpm run build\nFROM python:3.12\nCMD ["uvicorn", "app.main:app", "--port", "8001"]\n`);
    assert.equal(f.buildsFrontend, true);
    assert.deepEqual(f.copies, ["frontend/", "/x"]);
    assert.deepEqual(f.commands, [{ app: "app.main:app", port: 8001, hostSide: false, line: 5 }]);
    assert.equal(readDockerfile(`FROM python\nRUN pip install -r requirements.txt\n`).buildsFrontend, false);
  });
});
