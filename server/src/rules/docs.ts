/** Where each rule is documented: the README section whose anchor is the rule id. */
export const REPOSITORY = "https://github.com/cors-doctor/cors-doctor";

export function docsUrl(rule?: string): string {
  return rule ? `${REPOSITORY}#${rule}` : REPOSITORY;
}
