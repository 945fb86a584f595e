/**
 * Commands that start a backend (`uvicorn pkg.main:app --port 8001`) in a Dockerfile, compose
 * file, Procfile, Makefile or package.json script: which app listens on which port. A compose
 * port mapping `"8001:8000"` gives the host side.
 */
import { parse } from "yaml";
import type { PortsFacts } from "../../core/facts";

export function isPortsFile(path: string): boolean {
  return /(^|\/)(Dockerfile[^/]*|docker-compose[^/]*\.ya?ml|compose[^/]*\.ya?ml|Procfile|Makefile|package\.json)$/.test(path);
}

export function readPorts(text: string, path = ""): PortsFacts {
  const commands: PortsFacts["commands"] = [];
  if (!/uvicorn|fastapi|gunicorn|hypercorn/.test(text)) return { kind: "ports", commands };
  if (/(^|\/)(docker-)?compose[^/]*\.ya?ml$/.test(path)) {
    const mapped = composeCommands(text);
    if (mapped) return { kind: "ports", commands: mapped };
  }
  text.split(/\r?\n/).forEach((line, i) => {
    const found = command(line);
    if (found?.port) commands.push({ app: found.app, port: found.port, hostSide: false, line: i });
  });
  return { kind: "ports", commands };
}

/** `uvicorn pkg.main:app --port 8001`: the app and the port it names (undefined: the default). */
function command(line: string): { app: string | undefined; port: number | undefined } | undefined {
  const cmd = /\b(?:uvicorn|hypercorn|fastapi\s+(?:run|dev)|gunicorn)\b(.*)$/.exec(line);
  if (!cmd) return undefined;
  const rest = cmd[1];
  const app = /(?:^|[\s"'[,])([\w.]+:[\w]+)(?=$|[\s"',\]])/.exec(rest)?.[1];
  const port = /--port[=\s"',]+(\d{2,5})/.exec(rest)?.[1] ?? /--bind[=\s"',]+[\w.]*:(\d{2,5})/.exec(rest)?.[1] ?? /(?:^|\s)-b\s+[\w.]*:(\d{2,5})/.exec(rest)?.[1];
  // `--port $PORT`, `--port ${API_PORT:-8001}`: a port is given, but not one that can be read (NaN: unknown)
  if (!port && /--port[=\s"',]+[$%{]/.test(rest)) return { app, port: NaN };
  return { app, port: port ? Number(port) : undefined };
}

/**
 * A compose file: each service's server command, and the host side of the port mapping for the
 * port it listens on (uvicorn's default 8000 when the command names none). Undefined when the
 * file is not YAML that reads as a compose file.
 */
function composeCommands(text: string): PortsFacts["commands"] | undefined {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch {
    return undefined;
  }
  const services = (doc as { services?: Record<string, unknown> } | null)?.services;
  if (!services || typeof services !== "object") return undefined;
  const out: PortsFacts["commands"] = [];
  for (const service of Object.values(services)) {
    if (!service || typeof service !== "object") continue;
    const { command: cmd, ports } = service as { command?: unknown; ports?: unknown };
    const line = Array.isArray(cmd) ? cmd.join(" ") : typeof cmd === "string" ? cmd : undefined;
    const found = line ? command(line) : undefined;
    if (!found) continue;
    const inside = found.port ?? 8000;
    const host = Array.isArray(ports) ? ports.map((p) => hostPort(p, inside)).find((h) => h !== undefined) : undefined;
    out.push({ app: found.app, port: host ?? inside, hostSide: host !== undefined, line: lineOf(text, line!) });
  }
  return out;
}

/** The 0-based line where a command first appears in the file (its first words), else 0. */
function lineOf(text: string, command: string): number {
  const at = text.indexOf(command.split(/\s+/)[0]);
  return at < 0 ? 0 : text.slice(0, at).split("\n").length - 1;
}

/** The host port a compose `ports` entry maps to container port `inside`: "8001:8000", "127.0.0.1:8001:8000", { published, target }. */
function hostPort(entry: unknown, inside: number): number | undefined {
  if (entry && typeof entry === "object") {
    const { published, target } = entry as { published?: unknown; target?: unknown };
    return Number(target) === inside && published !== undefined ? Number(published) : undefined;
  }
  const m = /^(?:[\d.]+:)?(\d+):(\d+)(?:\/\w+)?$/.exec(String(entry));
  return m && Number(m[2]) === inside ? Number(m[1]) : undefined;
}
