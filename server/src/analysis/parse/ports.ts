/**
 * Commands that start a backend (`uvicorn pkg.main:app --port 8001`) in a Dockerfile, compose
 * file, Procfile, Makefile or package.json script: which app listens on which port. A compose
 * port mapping `"8001:8000"` gives the host side.
 */
import type { PortsFacts } from "../model/facts";

export function isPortsFile(path: string): boolean {
  return /(^|\/)(Dockerfile[^/]*|docker-compose[^/]*\.ya?ml|compose[^/]*\.ya?ml|Procfile|Makefile|package\.json)$/.test(path);
}

export function readPorts(text: string): PortsFacts {
  const commands: PortsFacts["commands"] = [];
  if (!/uvicorn|fastapi|gunicorn|hypercorn/.test(text)) return { kind: "ports", commands };
  for (const line of text.split(/\r?\n/)) {
    const cmd = /\b(?:uvicorn|hypercorn|fastapi\s+(?:run|dev)|gunicorn)\b(.*)$/.exec(line);
    if (!cmd) continue;
    const rest = cmd[1];
    const app = /(?:^|[\s"'[,])([\w.]+:[\w]+)(?=$|[\s"',\]])/.exec(rest)?.[1];
    const port = /--port[=\s"',]+(\d{2,5})/.exec(rest)?.[1] ?? /--bind[=\s"',]+[\w.]*:(\d{2,5})/.exec(rest)?.[1] ?? /(?:^|\s)-b\s+[\w.]*:(\d{2,5})/.exec(rest)?.[1];
    if (port) commands.push({ app, port: Number(port) });
  }
  return { kind: "ports", commands };
}
