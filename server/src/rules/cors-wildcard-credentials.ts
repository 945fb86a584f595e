/**
 * `cors-wildcard-credentials`: `allow_origins` holding `"*"` (or a match-all `allow_origin_regex`)
 * together with `allow_credentials=True`. Starlette accepts this silently and reflects every
 * caller's Origin with credentials allowed (facts.md, CORSMiddleware 1).
 */
import type { CorsFact } from "../core/facts";
import { isTrue, originList, type PyValue } from "../model/py-values";
import { contains, type Location, type Range } from "../core/range";
import type { CorsSetting, Topology } from "../model/topology";
import type { Finding, Fix, Related, TextEdit } from "../core/finding";
import { defineRule } from "./rule";

const ID = "cors-wildcard-credentials";

const CONSEQUENCE =
  "any website can make credentialed (cookie) requests to this API and read the responses: Starlette answers them by echoing the caller's Origin with Access-Control-Allow-Credentials: true. It does not reject this setting at startup.";

/** Origins a regex lets through that belong to arbitrary other sites. */
const FOREIGN_ORIGINS = ["https://evil.example", "https://attacker.test:8443", "https://a.b.other-site.io"];

export const corsWildcardCredentials = defineRule({
  id: ID,
  description: "Wildcard CORS origins together with allow_credentials=True let any website make authenticated requests.",
  defaultSeverity: "error",
  fixable: true,
  check(topology) {
    const findings: Finding[] = [];
    for (const setting of topology.cors) {
      const finding = checkCors(setting, topology);
      if (finding) findings.push(finding);
    }
    return findings;
  },
});

function checkCors(setting: CorsSetting, topology: Topology): Finding | undefined {
  const { file, fact, values, imports } = setting;
  const creds = fact.args.allow_credentials;
  if (!creds || !isTrue(values.allow_credentials)) return undefined;
  const related: Related[] = [{ file, range: creds.range, message: "allow_credentials is True here" }];
  const origins = fact.args.allow_origins;
  const regex = fact.args.allow_origin_regex;
  const devOrigins = developmentOrigins(file, fact, topology);

  if (origins) {
    const value = values.allow_origins;
    const list = originList(value);
    const star = list?.items.find((i) => i.value === "*");
    if (list && star) {
      if (star.at.file !== file || !contains(origins.range, star.at.range)) related.unshift({ ...star.at, message: 'the "*" origin is defined here' });
      const when = list.env ? `When ${list.env} is unset, allow_origins is "*" and allow_credentials is True, so ` : 'allow_origins contains "*" and allow_credentials is True, so ';
      return {
        rule: ID,
        file,
        range: origins.range,
        message: when + CONSEQUENCE,
        related,
        fixes: originFixes(file, imports, origins, star.at, list.form, list.env, devOrigins, creds.range, value),
      };
    }
  }
  if (regex) {
    const value = values.allow_origin_regex;
    if (value.kind === "str" && matchesEveryOrigin(value.value)) {
      if (value.at.file !== file || !contains(regex.range, value.at.range)) related.unshift({ ...value.at, message: "the regex is defined here" });
      const fixes: Fix[] = [];
      if (devOrigins.length) fixes.push({ title: `Allow only the development origins (${devOrigins.join(", ")})`, edits: [{ file, range: regex.range, newText: `allow_origins=[${devOrigins.map((o) => `"${o}"`).join(", ")}]` }] });
      fixes.push(envFix(file, imports, regex.range, devOrigins, true));
      fixes.push(credentialsOff(file, creds.range));
      return {
        rule: ID,
        file,
        range: regex.range,
        message: `allow_origin_regex ${JSON.stringify(value.value)} matches every origin and allow_credentials is True, so ${CONSEQUENCE}`,
        related,
        fixes,
      };
    }
  }
  return undefined;
}

/** Whether a Python regex (fullmatch) accepts origins of arbitrary other sites. */
export function matchesEveryOrigin(pattern: string): boolean {
  let re: RegExp;
  try {
    re = new RegExp(`^(?:${pattern.replace(/^\(\?i\)/, "")})$`, /^\(\?i\)/.test(pattern) ? "i" : "");
  } catch {
    return false;
  }
  return FOREIGN_ORIGINS.every((o) => re.test(o));
}

/** `http://localhost:<port>` of each frontend paired with this app. */
function developmentOrigins(file: string, fact: CorsFact, topology: Topology): string[] {
  const out: string[] = [];
  for (const [frontend, backend] of topology.pairing) {
    if (backend.file === file && (backend.app === fact.app || fact.form === "wrap")) out.push(`http://localhost:${frontend.port}`);
  }
  return [...new Set(out)].sort();
}

function originFixes(
  file: string,
  imports: CorsSetting["imports"],
  origins: { range: Range },
  star: Location,
  form: "list" | "str" | "split",
  env: string | undefined,
  devOrigins: string[],
  credsRange: Range,
  value: PyValue,
): Fix[] {
  const fixes: Fix[] = [];
  const quote = '"';
  if (devOrigins.length) {
    let newText: string;
    if (form === "list") newText = devOrigins.map((o) => `${quote}${o}${quote}`).join(", ");
    else if (form === "split") newText = `${quote}${devOrigins.join(",")}${quote}`;
    else newText = env ? `${quote}${devOrigins.join(",")}${quote}` : `[${devOrigins.map((o) => `${quote}${o}${quote}`).join(", ")}]`;
    fixes.push({ title: `Allow only the development origins (${devOrigins.join(", ")})`, edits: [{ file: star.file, range: star.range, newText }] });
  }
  if (env && (form === "split" || form === "str") && value.kind !== "list") {
    fixes.push({ title: `Default ${env} to no origins`, edits: [{ file: star.file, range: star.range, newText: '""' }] });
  } else {
    fixes.push(envFix(file, imports, origins.range, devOrigins, false));
  }
  fixes.push(credentialsOff(file, credsRange));
  return fixes;
}

/** `allow_origins=[o.strip() for o in os.getenv("CORS_ORIGINS", "<dev origins>").split(",") if o.strip()]`. */
function envFix(file: string, imports: CorsSetting["imports"], argRange: Range, devOrigins: string[], fromRegex: boolean): Fix {
  const edits: TextEdit[] = [
    {
      file,
      range: argRange,
      newText: `allow_origins=[o.strip() for o in os.getenv("CORS_ORIGINS", "${devOrigins.join(",")}").split(",") if o.strip()]`,
    },
  ];
  if (!imports.modules.includes("os")) {
    const at = { line: imports.line, character: 0 };
    edits.push({ file, range: { start: at, end: at }, newText: "import os\n" });
  }
  return { title: `Read the origins from the CORS_ORIGINS environment variable${fromRegex ? " instead of the regex" : ""}`, edits };
}

function credentialsOff(file: string, range: Range): Fix {
  return { title: "Set allow_credentials=False", edits: [{ file, range, newText: "allow_credentials=False" }] };
}
