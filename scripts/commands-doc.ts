/**
 * Writes docs/commands.md from the command registry. Run `npx tsx scripts/commands-doc.ts` after
 * changing src/domain/command-specs.ts; a unit test fails while the committed file is out of date.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { renderCommandsDoc } from "../src/domain/command-specs.js";

const target = fileURLToPath(new URL("../docs/commands.md", import.meta.url));
mkdirSync(dirname(target), { recursive: true });
writeFileSync(target, renderCommandsDoc());
console.log(`wrote ${target}`);
