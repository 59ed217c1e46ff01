/**
 * The command registry: each verb's handler beside its spec (usage, where, who, examples — in
 * `domain/command-specs.ts`, which also generates `/advisory help` and `docs/commands.md`).
 */
import type { Verb } from "../domain/command-specs.js";
import { accept } from "./accept.js";
import { add } from "./add.js";
import { alsoAffects } from "./also-affects.js";
import { convert } from "./convert.js";
import { create } from "./create.js";
import { credit } from "./credit.js";
import { cve } from "./cve.js";
import { cvss } from "./cvss.js";
import { fixedIn } from "./fixed-in.js";
import { fork } from "./fork.js";
import type { Handler } from "./handler.js";
import { help } from "./help.js";
import { hold, unhold } from "./hold.js";
import { publish } from "./publish.js";
import { reject } from "./reject.js";
import { remove } from "./remove.js";
import { severity } from "./severity.js";
import { status } from "./status.js";
import { sync } from "./sync.js";
import { watch } from "./watch.js";

export const HANDLERS: { readonly [V in Verb]: Handler<V> } = {
  help,
  status,
  accept,
  reject,
  fork,
  sync,
  add,
  remove,
  severity,
  cvss,
  "fixed-in": fixedIn,
  cve,
  credit,
  hold,
  unhold,
  watch,
  publish,
  create,
  "also-affects": alsoAffects,
  convert,
};
