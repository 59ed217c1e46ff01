/**
 * `npm run demo`: the advisory lifecycle against the embedded GitHub simulator, printed as a timeline.
 * `npm run demo -- --keep` leaves the simulator and the app running until Ctrl-C.
 */
import { runDemo } from "../src/sim/demo.js";

const keep = process.argv.slice(2).includes("--keep");
const color = process.stdout.isTTY === true && !process.env.NO_COLOR;

try {
  const result = await runDemo({ out: (line) => console.log(line), keep, color });
  if (keep) {
    const stop = () => {
      void result.close().finally(() => {
        console.log("stopped.");
        process.exit(0);
      });
    };
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  }
} catch (err) {
  console.error("demo failed:", err);
  process.exitCode = 1;
}
