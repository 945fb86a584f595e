/** The tsconfig kind: `tsconfig*.json` / `jsconfig.json`, whose `paths` aliases decide where imports land. */
import type { Kind } from "../kind";
import { isTsconfig, readTsconfig } from "./read";

export const tsconfig: Kind = {
  id: "tsconfig",
  role: "aliases",
  claims: isTsconfig,
  watch: ["**/{tsconfig,jsconfig}*.json"],
  languageIds: [],
  read: (_path, text) => readTsconfig(text),
};
