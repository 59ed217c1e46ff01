/**
 * `npm run report -- --org <login>`: response times of an org's advisories (CSV, JSON or markdown).
 * See `src/report/cli.ts` (also shipped as `node lib/report/cli.js` in the container image).
 */
import { main } from "../src/report/cli.js";

process.exitCode = await main(process.argv.slice(2), {
  env: process.env,
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
});
