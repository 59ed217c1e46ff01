import { renderHelp } from "../domain/command-specs.js";
import { ok } from "./env.js";
import type { Handler } from "./handler.js";

/** `/advisory help`: the command table, generated from the registry. */
export const help = async (): ReturnType<Handler<"help">> => ok(`Commands:\n\n${renderHelp()}`);
