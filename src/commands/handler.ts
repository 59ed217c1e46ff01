import type { CommandOutcome } from "../domain/command-reply.js";
import type { CommandArgs, Verb } from "../domain/command-specs.js";
import type { CommandEnv } from "./env.js";

export type Handler<V extends Verb> = (env: CommandEnv, args: CommandArgs<V>) => Promise<CommandOutcome>;
