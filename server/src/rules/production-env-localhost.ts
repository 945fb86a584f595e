/**
 * `production-env-localhost`: a `VITE_*` variable that a production build reads as a request's
 * base (resolved as Vite's `loadEnv` does for `production`, with the `ENV`/`ARG` lines of a
 * Dockerfile that builds the frontend winning) holds a localhost URL: the deployed app would call
 * the visitor's own machine. Reported once, on the line that sets the winning value.
 */
import type { Finding, Related } from "../core/finding";
import { locationKey } from "../core/range";
import { prodEnv } from "../model/frontends";
import { isLocalhostUrl, splitUrl } from "../model/urls";
import { defineRule } from "./rule";

const ID = "production-env-localhost";

export const productionEnvLocalhost = defineRule({
  id: ID,
  description: "A VITE_ variable a production build uses as a request base holds a localhost URL.",
  defaultSeverity: "warning",
  fixable: false,
  check(topology) {
    const found = new Map<string, Finding>();
    const sources = new Map<object, ReturnType<typeof prodEnv>>();
    for (const use of topology.urlUses) {
      for (const value of use.values) {
        if (!value.fromEnv || !isLocalhostUrl(value.text)) continue;
        let env = sources.get(use.frontend);
        if (!env) sources.set(use.frontend, (env = prodEnv(use.frontend)));
        const source = env.get(value.fromEnv);
        if (!source?.value || !isLocalhostUrl(source.value)) continue;
        const range = { start: { line: source.line, character: 0 }, end: { line: source.line, character: source.end } };
        const key = locationKey(source.file, range);
        const related: Related = { file: use.file, range: use.range, message: use.kind === "call" ? "used as a request URL here" : "used as the requests' base URL here" };
        const existing = found.get(key);
        if (existing) {
          if (existing.related.length < 5) existing.related.push(related);
          continue;
        }
        const origin = splitUrl(source.value)?.origin ?? source.value;
        found.set(key, {
          rule: ID,
          file: source.file,
          range,
          message: `${value.fromEnv} is ${origin} in production builds, so the deployed app calls the visitor's machine.`,
          related: [related],
          fixes: [],
        });
      }
    }
    return [...found.values()];
  },
});
