/**
 * Writes schema/advisory-bot.schema.json from the zod configuration schema (`npm run schema`).
 * A test fails when the committed file is stale.
 */
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { configJsonSchema } from "../src/config/schema.js";

export const SCHEMA_FILE = fileURLToPath(new URL("../schema/advisory-bot.schema.json", import.meta.url));

export function renderSchema(): string {
  return `${JSON.stringify(configJsonSchema(), null, 2)}\n`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(SCHEMA_FILE, renderSchema());
  console.log(`wrote ${SCHEMA_FILE}`);
}
