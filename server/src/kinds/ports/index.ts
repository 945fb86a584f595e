/** The ports kind: files whose commands start a backend on a port (Dockerfiles, compose files, Procfile, Makefile, package.json). */
import type { Kind } from "../kind";
import { isPortsFile, readPorts } from "./read";

export const ports: Kind = {
  id: "ports",
  role: "ports",
  claims: isPortsFile,
  watch: ["**/Dockerfile*", "**/*.{yml,yaml}", "**/Procfile", "**/Makefile", "**/package.json"],
  languageIds: [],
  read: (path, text) => readPorts(text, path),
};
