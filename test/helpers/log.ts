import { Writable } from "node:stream";
import type { Logger } from "pino";
import { createLogger } from "../../src/log.js";

/** A JSON logger with the app's redaction whose output the test can read. */
export async function capturingLogger(
  level = "debug",
): Promise<{ log: Logger; lines: () => string[]; text: () => string }> {
  const chunks: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, cb) {
      chunks.push(chunk.toString());
      cb();
    },
  });
  const log = await createLogger({ level, format: "json", destination });
  const flush = () => chunks.join("").split("\n").filter(Boolean);
  return { log, lines: flush, text: () => chunks.join("") };
}
