/**
 * URL text helpers shared by the model and the rules: what is absolute, what is a loopback
 * address, and how axios joins a base URL with a path.
 */
import type { UrlValue } from "./topology";

export const UNKNOWN_URL: UrlValue = { text: "", exact: false };

export function isAbsolute(text: string): boolean {
  return /^[a-z][a-z\d+\-.]*:\/\//i.test(text) || text.startsWith("//");
}

/** A loopback or unspecified host: `localhost`, `127.0.0.0/8`, `0.0.0.0`, `[::1]`. */
const LOCALHOST = /^(https?|wss?):\/\/(localhost|127(?:\.\d{1,3}){3}|0\.0\.0\.0|\[::1\])(?=$|[:/?#])/i;

/** Whether the text starts with an absolute URL to the visitor's own machine. */
export function isLocalhostUrl(text: string): boolean {
  return LOCALHOST.test(text);
}

/** `http://localhost:8000/api/x` -> `{ origin: "http://localhost:8000", path: "/api/x" }`. */
export function splitUrl(text: string): { origin: string; path: string } | undefined {
  const m = /^([a-z][a-z\d+\-.]*:\/\/[^/?#]*)(.*)$/i.exec(text);
  return m ? { origin: m[1], path: m[2] } : undefined;
}

/** axios' join: an absolute URL ignores the base; otherwise slashes between them collapse into one. */
export function joinBase(base: UrlValue | undefined, url: UrlValue): UrlValue {
  if (!url.exact && url.text === "" && !url.sameOrigin) return url;
  if (!base || url.sameOrigin || isAbsolute(url.text)) return url;
  if (!base.exact) return { ...base, exact: false };
  if (url.text === "") return url.exact ? base : { ...base, exact: false };
  const joined = base.text.replace(/\/+$/, "") + "/" + url.text.replace(/^\/+/, "");
  const lead = base.text === "" ? url : base;
  return { text: joined, exact: url.exact, sameOrigin: base.sameOrigin, head: lead.head, ...(lead.fromEnv ? { fromEnv: lead.fromEnv } : {}) };
}

/** The first path segment of a root-relative path: `/uploads/a.png` -> `/uploads`. */
export function firstSegment(path: string): string | undefined {
  const m = /^\/[^/?#]+/.exec(path);
  return m ? m[0] : undefined;
}
