/**
 * Preview mode's fallback: the build output served as files, with Vite's single-page-app
 * fallback (a GET or HEAD that accepts HTML, or names no type, and finds no file gets
 * `index.html`, `/about` tries `about.html` first). Paths never leave the folder, through `..` or
 * through a symbolic link that points outside it. Dotfiles (`/.env`, `/.git/config`, a
 * `.cache/` anywhere) get 404 without the fallback, as in Vite's preview: a build folder can hold
 * them by accident, and none is part of a site, except the `/.well-known/` URIs (RFC 8615).
 */
import { createReadStream, readFile, realpath, stat, type Stats } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { extname, join, normalize, sep } from "node:path";
import { sendRefusal } from "./pages";

/** Files up to this size are read whole and sent in one write. */
const SMALL = 256 * 1024;

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".map": "application/json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".gif": "image/gif",
  ".webp": "image/webp",
  ".avif": "image/avif",
  ".ico": "image/x-icon",
  ".txt": "text/plain; charset=utf-8",
  ".xml": "application/xml",
  ".wasm": "application/wasm",
  ".woff": "font/woff",
  ".woff2": "font/woff2",
  ".ttf": "font/ttf",
  ".webmanifest": "application/manifest+json",
  ".mp4": "video/mp4",
  ".webm": "video/webm",
  ".mp3": "audio/mpeg",
  ".pdf": "application/pdf",
};

/** Serves `req` from `dir` (absolute); `finished` gets the status. */
export function serveStatic(req: IncomingMessage, res: ServerResponse, dir: string, finished: (status: number, error?: string) => void): void {
  // delivered once every byte was handed to the socket (a client that read it all may close first)
  let handedOver = false;
  res.on("close", () => finished(res.statusCode, res.writableEnded || handedOver ? undefined : "the client went away"));
  if (req.method !== "GET" && req.method !== "HEAD") {
    res.setHeader("Allow", "GET, HEAD");
    sendRefusal(res, 405, `${req.method} is not served by the static preview (only the API routes take it)`);
    return;
  }
  const url = req.url!;
  const q = url.search(/[?#]/);
  let pathname: string;
  try {
    pathname = decodeURIComponent(q < 0 ? url : url.slice(0, q));
  } catch {
    sendRefusal(res, 400, "bad path encoding");
    return;
  }
  const file = hasDotfile(pathname) ? undefined : inside(dir, pathname);
  if (!file) {
    sendRefusal(res, 404, "not found");
    return;
  }
  const accept = req.headers.accept;
  const spa = req.url !== "/favicon.ico" && (!accept || accept.includes("text/html") || accept.includes("*/*"));
  const candidates = [file];
  if (pathname.endsWith("/")) candidates[0] = join(file, "index.html");
  else if (spa && !pathname.endsWith(".html")) candidates.push(file + ".html");
  if (spa) candidates.push(join(dir, "index.html"));
  tryFiles(candidates, 0, dir, (path, st) => {
    if (!path || !st) {
      sendRefusal(res, 404, "not found");
      return;
    }
    res.writeHead(200, { "Content-Type": TYPES[extname(path).toLowerCase()] ?? "application/octet-stream", "Content-Length": st.size, "Last-Modified": st.mtime.toUTCString(), "Cache-Control": "no-cache" });
    if (req.method === "HEAD") {
      res.end();
      return;
    }
    if (st.size <= SMALL) {
      readFile(path, (err, data) => (err ? res.destroy() : res.end(data)));
      return;
    }
    const stream = createReadStream(path);
    stream.on("error", () => res.destroy());
    stream.on("data", () => (handedOver = stream.bytesRead >= st.size));
    stream.pipe(res);
  });
}

/**
 * Whether a (decoded) path names a dotfile or goes through a dot folder, `/.well-known/` aside
 * (a backslash counts as a separator: on Windows it is one).
 */
function hasDotfile(pathname: string): boolean {
  const rest = pathname.startsWith("/.well-known/") ? pathname.slice("/.well-known".length) : pathname;
  return /[\\/]\./.test(rest);
}

/** The absolute path of `pathname` under `dir`, or undefined when it would leave it. */
function inside(dir: string, pathname: string): string | undefined {
  if (pathname.includes("\0")) return undefined;
  const full = normalize(join(dir, pathname));
  return within(dir, full) ? full : undefined;
}

function within(dir: string, path: string): boolean {
  return path === dir || path.startsWith(dir.endsWith(sep) ? dir : dir + sep);
}

/** The first of `paths` that is a file whose real path is inside `dir`'s real path. */
function tryFiles(paths: string[], i: number, dir: string, done: (path: string | undefined, st: Stats | undefined) => void): void {
  if (i >= paths.length) return done(undefined, undefined);
  stat(paths[i], (err, st) => {
    if (!err && st.isFile()) {
      realpath(dir, (e1, realDir) =>
        realpath(paths[i], (e2, real) => {
          if (!e1 && !e2 && within(realDir, real)) return done(paths[i], st);
          tryFiles(paths, i + 1, dir, done);
        }),
      );
      return;
    }
    if (!err && st.isDirectory() && i === 0) {
      paths.splice(1, 0, join(paths[0], "index.html"));
    }
    tryFiles(paths, i + 1, dir, done);
  });
}
