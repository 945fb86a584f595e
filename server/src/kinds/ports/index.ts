/** The ports kind: files whose commands start a backend on a port (compose files, Procfile, Makefile, package.json; Dockerfiles are their own kind). */
import type { Kind } from "../kind";
import { isPortsFile, readPorts } from "./read";

export const ports: Kind = {
  id: "ports",
  role: "ports",
  claims: isPortsFile,
  watch: ["**/*.{yml,yaml}", "**/Procfile", "**/Makefile", "**/package.json"],
  languageIds: [],
  read: (path, text) => readPorts(text, path),
};
