/**
 * The ordered rule registry. Adding a rule: one file named by its id, one line here, fixtures
 * under test/fixtures/rules/<id>/, a README section and a `corsDoctor.rules.<id>` setting (the
 * parity test checks all four).
 */
import { corsWildcardCredentials } from "./cors-wildcard-credentials";
import { hardcodedLocalhostUrl } from "./hardcoded-localhost-url";
import { missingProxyEntry } from "./missing-proxy-entry";
import type { Rule } from "./rule";

export const RULES: readonly Rule[] = [corsWildcardCredentials, hardcodedLocalhostUrl, missingProxyEntry];

export function ruleById(id: string): Rule | undefined {
  return RULES.find((r) => r.id === id);
}
