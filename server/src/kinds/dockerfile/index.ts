/** The Dockerfile kind: ports of the backends it starts, and the `ENV`/`ARG` values a frontend built in it sees. */
import type { Kind } from "../kind";
import { isDockerfile, readDockerfile } from "./read";

export const dockerfile: Kind = {
  id: "dockerfile",
  role: "ports",
  claims: isDockerfile,
  watch: ["**/Dockerfile*", "**/*.dockerfile"],
  languageIds: [],
  comments: "python",
  read: (path, text) => readDockerfile(text, path),
};
