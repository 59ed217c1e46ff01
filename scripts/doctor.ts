/**
 * `npm run doctor`: checks every org installation of the GitHub App and prints what to fix.
 * See `src/doctor/cli.ts` (also shipped as `node lib/doctor/cli.js` in the container image).
 */
import { main } from "../src/doctor/cli.js";

process.exitCode = await main(process.argv.slice(2), {
  env: process.env,
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
});
