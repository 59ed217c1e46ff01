/**
 * Conformance checks of the simulator's traffic against GitHub's published descriptions:
 * REST requests and responses against `@octokit/openapi`, webhook payloads against
 * `@octokit/openapi-webhooks`, GraphQL documents against `@octokit/graphql-schema`.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { schema as githubGraphqlSchema } from "@octokit/graphql-schema";
import AjvModule from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import { buildClientSchema, type GraphQLSchema, type IntrospectionQuery, parse, validate } from "graphql";
import type { RecordedRequest } from "../../src/sim/index.js";

// CommonJS default-export interop under NodeNext
type AjvInstance = import("ajv/dist/2020.js").default;
type ValidateFn = import("ajv").ValidateFunction;
const Ajv2020 = ((AjvModule as unknown as { default?: unknown }).default ?? AjvModule) as unknown as new (
  opts: Record<string, unknown>,
) => AjvInstance;
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as unknown as (
  ajv: AjvInstance,
) => void;

export interface Violation {
  request: RecordedRequest;
  problem: string;
}

type Json = Record<string, unknown>;
const require = createRequire(import.meta.url);

let restSpec: Json | null = null;
let webhookSpec: Json | null = null;
let ajv: AjvInstance | null = null;
const added = new Set<string>();
const compiled = new Map<string, ValidateFn>();

function loadJson(specifier: string): Json {
  const pkg = specifier.split("/").slice(0, 2).join("/");
  const dir = require.resolve(`${pkg}/package.json`).replace(/package\.json$/, "");
  return JSON.parse(readFileSync(`${dir}${specifier.slice(pkg.length + 1)}`, "utf8")) as Json;
}

function rest(): Json {
  restSpec ??= loadJson("@octokit/openapi/generated/api.github.com.json");
  return restSpec;
}
function webhooks(): Json {
  webhookSpec ??= loadJson("@octokit/openapi-webhooks/generated/api.github.com.json");
  return webhookSpec;
}

function getAjv(): AjvInstance {
  if (!ajv) {
    ajv = new Ajv2020({ strict: false, allErrors: true, logger: false, validateFormats: true, inlineRefs: false });
    addFormats(ajv);
    for (const f of ["int32", "int64", "uri-template", "binary", "repo.nwo", "ssh-key", "ssh-key fingerprint"]) {
      if (!ajv.formats[f]) ajv.addFormat(f, true);
    }
  }
  return ajv;
}

const SCHEMA_KEY_MAPS = new Set(["properties", "patternProperties", "$defs", "definitions", "dependentSchemas"]);

/** OpenAPI 3.0 schema → JSON Schema 2020-12 (nullable, refs into the ajv registry). */
function convert(node: unknown, ns: string): unknown {
  if (Array.isArray(node)) return node.map((n) => convert(n, ns));
  if (!node || typeof node !== "object") return node;
  const src = node as Json;
  const out: Json = {};
  for (const [k, v] of Object.entries(src)) {
    if (k === "nullable") continue;
    if (k === "$ref" && typeof v === "string") {
      out.$ref = v.replace(/^#\/components\/schemas\//, `${ns}/`);
    } else if (SCHEMA_KEY_MAPS.has(k) && v && typeof v === "object") {
      out[k] = Object.fromEntries(Object.entries(v as Json).map(([name, s]) => [name, convert(s, ns)]));
    } else {
      out[k] = convert(v, ns);
    }
  }
  // The webhook description (OpenAPI 3.1) renders "nullable + allOf" as `type: ["null"]` next to the
  // allOf, which nothing can satisfy; read it as the intended "null or the referenced schema".
  if (
    Array.isArray(out.type) &&
    out.type.length === 1 &&
    out.type[0] === "null" &&
    (out.allOf || out.anyOf || out.oneOf || out.$ref)
  ) {
    delete out.type;
    return { anyOf: [{ type: "null" }, out] };
  }
  if (src.nullable === true) {
    if (typeof out.type === "string") {
      out.type = [out.type, "null"];
      if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
    } else if (out.type === undefined) {
      return { anyOf: [{ type: "null" }, out] };
    }
  }
  return out;
}

function collectRefs(node: unknown, ns: string, into: Set<string>): void {
  if (Array.isArray(node)) for (const n of node) collectRefs(n, ns, into);
  else if (node && typeof node === "object") {
    for (const [k, v] of Object.entries(node)) {
      if (k === "$ref" && typeof v === "string" && v.startsWith(`${ns}/`)) into.add(v.slice(ns.length + 1));
      else collectRefs(v, ns, into);
    }
  }
}

function ensureComponents(schema: unknown, ns: string, doc: Json): void {
  const pending = new Set<string>();
  collectRefs(schema, ns, pending);
  const a = getAjv();
  const components = (doc.components as { schemas: Json }).schemas;
  while (pending.size) {
    const name = pending.values().next().value as string;
    pending.delete(name);
    const id = `${ns}/${name}`;
    if (added.has(id)) continue;
    added.add(id);
    const converted = convert(components[name], ns) as Json;
    a.addSchema({ ...converted, $id: id });
    collectRefs(converted, ns, pending);
  }
}

function compile(key: string, schema: unknown, ns: string, doc: Json): ValidateFn {
  let fn = compiled.get(key);
  if (!fn) {
    const converted = convert(schema, ns);
    ensureComponents(converted, ns, doc);
    fn = getAjv().compile(converted as Json);
    compiled.set(key, fn);
  }
  return fn;
}

function errorsText(fn: ValidateFn): string {
  return (fn.errors ?? [])
    .slice(0, 6)
    .map((e) => `${e.instancePath || "/"} ${e.message}${e.params ? ` ${JSON.stringify(e.params)}` : ""}`)
    .join("; ");
}

// ------------------------------------------------------------------ REST

interface Operation {
  method: string;
  template: string;
  regex: RegExp;
  literalCount: number;
  op: Json;
}
let operations: Operation[] | null = null;

function opsIndex(): Operation[] {
  if (operations) return operations;
  const ops: Operation[] = [];
  for (const [template, item] of Object.entries(rest().paths as Json)) {
    const segments = template.split("/").filter(Boolean);
    let literalCount = 0;
    const parts = segments.map((seg, i) => {
      const m = /^\{([^}]+)\}$/.exec(seg);
      if (!m) {
        literalCount += 1;
        return seg.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
      }
      return m[1] === "path" && i === segments.length - 1 ? "(.+)" : "([^/]+)";
    });
    const regex = new RegExp(`^/${parts.join("/")}/?$`);
    for (const [method, op] of Object.entries(item as Json)) {
      if (!["get", "post", "put", "patch", "delete", "head"].includes(method)) continue;
      ops.push({ method: method.toUpperCase(), template, regex, literalCount, op: op as Json });
    }
  }
  operations = ops.sort((a, b) => b.literalCount - a.literalCount);
  return operations;
}

/** The OpenAPI operation for a method and a concrete path. */
export function findOperation(method: string, path: string): { template: string; op: Json } | null {
  const found = opsIndex().find((o) => o.method === method.toUpperCase() && o.regex.test(path));
  return found ? { template: found.template, op: found.op } : null;
}

function deref(obj: unknown): Json | undefined {
  let cur = obj as Json | undefined;
  for (let i = 0; cur && typeof cur.$ref === "string" && i < 5; i++) {
    const parts = (cur.$ref as string).replace(/^#\//, "").split("/");
    let next: unknown = rest();
    for (const p of parts) next = (next as Json)[p];
    cur = next as Json;
  }
  return cur;
}

const REST_NS = "https://sim.invalid/rest";

/** Validate every REST request of the log (method+path, JSON request body, response body for its status). */
export function checkRest(requests: readonly RecordedRequest[]): Violation[] {
  const violations: Violation[] = [];
  for (const request of requests) {
    if (request.graphql || request.path === "/graphql") continue;
    const found = findOperation(request.method, request.path);
    if (!found) {
      violations.push({
        request,
        problem: `no operation ${request.method} ${request.path} in the OpenAPI description`,
      });
      continue;
    }
    const { template, op } = found;
    const requestBody = deref(op.requestBody);
    const bodySchema = (requestBody?.content as Json | undefined)?.["application/json"] as Json | undefined;
    if (bodySchema?.schema) {
      if (request.body === undefined) {
        if (requestBody?.required) violations.push({ request, problem: `${template}: request body is required` });
      } else {
        const fn = compile(`req ${request.method} ${template}`, bodySchema.schema, REST_NS, rest());
        if (!fn(request.body)) violations.push({ request, problem: `${template}: request body: ${errorsText(fn)}` });
      }
    }
    if (request.fault || request.status === 304) continue;
    const responses = op.responses as Json;
    const response = deref(responses[String(request.status)]);
    if (!response) {
      if (request.status < 400) {
        violations.push({ request, problem: `${template}: status ${request.status} is not documented` });
      }
      continue;
    }
    const content = response.content as Json | undefined;
    const json = content?.["application/json"] as Json | undefined;
    if (!json?.schema) continue;
    if (!request.response.contentType?.startsWith("application/json")) continue;
    const fn = compile(`res ${request.method} ${template} ${request.status}`, json.schema, REST_NS, rest());
    if (!fn(request.response.body)) {
      violations.push({ request, problem: `${template}: response ${request.status}: ${errorsText(fn)}` });
    }
  }
  return violations;
}

// ------------------------------------------------------------------ webhooks

const WEBHOOK_NS = "https://sim.invalid/webhooks";

/** Problems of a webhook payload against GitHub's schema for the event and action (empty when valid). */
export function checkWebhookPayload(event: string, payload: unknown): string[] {
  const action = (payload as { action?: unknown } | null)?.action;
  const key = `${event.replace(/_/g, "-")}${typeof action === "string" ? `-${action}` : ""}`;
  const hooks = webhooks().webhooks as Json;
  const entry = hooks[key] as { post?: { requestBody?: { content?: Json } } } | undefined;
  const schema = (entry?.post?.requestBody?.content?.["application/json"] as Json | undefined)?.schema;
  if (!schema) return [`no webhook schema for ${key}`];
  const fn = compile(`hook ${key}`, schema, WEBHOOK_NS, webhooks());
  return fn(payload) ? [] : [`${key}: ${errorsText(fn)}`];
}

// ------------------------------------------------------------------ GraphQL

let gqlSchema: GraphQLSchema | null = null;

export function githubSchema(): GraphQLSchema {
  gqlSchema ??= buildClientSchema(githubGraphqlSchema.json as unknown as IntrospectionQuery);
  return gqlSchema;
}

/** Validate every GraphQL document of the log against GitHub's public schema. */
export function checkGraphql(requests: readonly RecordedRequest[]): Violation[] {
  const violations: Violation[] = [];
  for (const request of requests) {
    if (!request.graphql) continue;
    try {
      const errors = validate(githubSchema(), parse(request.graphql.query));
      for (const e of errors) violations.push({ request, problem: `graphql: ${e.message}` });
    } catch (err) {
      violations.push({ request, problem: `graphql: ${(err as Error).message}` });
    }
  }
  return violations;
}

/** REST and GraphQL checks together. */
export function checkConformance(requests: readonly RecordedRequest[]): Violation[] {
  return [...checkRest(requests), ...checkGraphql(requests)];
}

/** A readable summary of violations for assertion messages. */
export function formatViolations(violations: readonly Violation[]): string {
  return violations.map((v) => `${v.request.method} ${v.request.path} [${v.request.status}]: ${v.problem}`).join("\n");
}
