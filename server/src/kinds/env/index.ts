/** The dotenv kind: `.env*` files, the values `import.meta.env` and `loadEnv` see. */
import type { Kind } from "../kind";
import { isEnvFile, readEnvFile } from "./read";

export const env: Kind = {
  id: "env",
  role: "env",
  claims: isEnvFile,
  watch: ["**/.env*"],
  languageIds: [],
  read: (_path, text) => readEnvFile(text),
};
