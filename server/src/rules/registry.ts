/**
 * The ordered rule registry. Adding a rule: one file named by its id, one line here, fixtures
 * under test/fixtures/rules/<id>/, a README section and a `corsDoctor.rules.<id>` setting (the
 * parity test checks all four).
 */
import { corsWildcardCredentials } from "./cors-wildcard-credentials";
import { hardcodedLocalhostUrl } from "./hardcoded-localhost-url";
import { missingProxyEntry } from "./missing-proxy-entry";
import { productionEnvLocalhost } from "./production-env-localhost";
import { proxyMissingWs } from "./proxy-missing-ws";
import { proxyPrefixNotRouted } from "./proxy-prefix-not-routed";
import { proxyTargetMismatch } from "./proxy-target-mismatch";
import type { Rule } from "./rule";
import { trailingSlashRedirect } from "./trailing-slash-redirect";
import { unknownApiRoute } from "./unknown-api-route";

export const RULES: readonly Rule[] = [
  corsWildcardCredentials,
  hardcodedLocalhostUrl,
  missingProxyEntry,
  proxyTargetMismatch,
  proxyPrefixNotRouted,
  proxyMissingWs,
  trailingSlashRedirect,
  unknownApiRoute,
  productionEnvLocalhost,
];

export function ruleById(id: string): Rule | undefined {
  return RULES.find((r) => r.id === id);
}
