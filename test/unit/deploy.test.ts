import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";

const DIR = new URL("../../deploy/kubernetes/", import.meta.url);

type Obj = Record<string, unknown>;

function load(file: string): Obj[] {
  const docs = parseAllDocuments(readFileSync(new URL(file, DIR), "utf8"));
  if (!Array.isArray(docs)) throw new Error(`${file}: empty`);
  for (const doc of docs) expect(doc.errors, file).toEqual([]);
  return docs.map((d) => d.toJS() as Obj);
}

const at = (value: unknown, path: string): unknown =>
  path.split(".").reduce<unknown>((v, key) => (v as Obj | undefined)?.[key], value);

function container(manifest: Obj, podPath: string): Obj {
  const containers = at(manifest, `${podPath}.containers`) as Obj[];
  expect(containers).toHaveLength(1);
  return containers[0] as Obj;
}

function envNames(c: Obj): Record<string, unknown> {
  return Object.fromEntries((c.env as Obj[]).map((e) => [e.name, e.value ?? at(e, "valueFrom.secretKeyRef.key")]));
}

describe("deploy/kubernetes", () => {
  it("every file is valid YAML with a kind and a name", () => {
    const files = readdirSync(DIR).filter((f) => f.endsWith(".yaml"));
    expect(files.sort()).toEqual([
      "cronjob-sweep.yaml",
      "deployment.yaml",
      "redis.yaml",
      "secret.example.yaml",
      "service.yaml",
    ]);
    for (const file of files) {
      for (const doc of load(file)) {
        expect(doc.apiVersion, file).toBeTypeOf("string");
        expect(doc.kind, file).toBeTypeOf("string");
        expect(at(doc, "metadata.name"), file).toBeTypeOf("string");
      }
    }
  });

  it("the Deployment probes /healthz and /readyz, takes credentials from the Secret and leaves the sweep to the CronJob", () => {
    const [deployment] = load("deployment.yaml");
    expect(deployment?.kind).toBe("Deployment");
    const pod = "spec.template.spec";
    const c = container(deployment!, pod);
    expect(at(c, "livenessProbe.httpGet.path")).toBe("/healthz");
    expect(at(c, "readinessProbe.httpGet.path")).toBe("/readyz");
    const env = envNames(c);
    expect(env).toMatchObject({
      APP_ID: "APP_ID",
      PRIVATE_KEY: "PRIVATE_KEY",
      WEBHOOK_SECRET: "WEBHOOK_SECRET",
      SWEEP_TOKEN: "SWEEP_TOKEN",
      REDIS_URL: "REDIS_URL",
      SWEEP_INTERVAL_MINUTES: "0",
      HOST: "0.0.0.0",
    });
    expect(at(deployment, `${pod}.securityContext.runAsNonRoot`)).toBe(true);
    expect(at(c, "securityContext.readOnlyRootFilesystem")).toBe(true);
    expect(at(c, "securityContext.allowPrivilegeEscalation")).toBe(false);
    expect(at(c, "resources.requests")).toBeTruthy();
    expect(at(c, "resources.limits.memory")).toBeTruthy();
  });

  it("two replicas share one password-protected Redis only the app's pods can reach", () => {
    const [deployment] = load("deployment.yaml");
    expect(at(deployment, "spec.replicas")).toBe(2);
    const [redis, service, policy] = load("redis.yaml");
    expect([redis?.kind, service?.kind, policy?.kind]).toEqual(["Deployment", "Service", "NetworkPolicy"]);
    expect(at(service, "metadata.name")).toBe("oras-advisory-bot-redis");
    expect(at(service, "spec.selector")).toEqual(at(redis, "spec.selector.matchLabels"));
    const c = container(redis!, "spec.template.spec");
    const args = (c.args as string[]).join(" ");
    expect(args).toContain("--requirepass $(REDIS_PASSWORD)");
    expect(envNames(c)).toEqual({ REDIS_PASSWORD: "REDIS_PASSWORD" });
    expect(at(policy, "spec.podSelector.matchLabels")).toEqual(at(redis, "spec.selector.matchLabels"));
    expect(at(policy, "spec.ingress")).toEqual([
      expect.objectContaining({
        from: [{ podSelector: { matchLabels: at(deployment, "spec.selector.matchLabels") } }],
      }),
    ]);
  });

  it("the Service routes to the pods' http port", () => {
    const [service] = load("service.yaml");
    const [deployment] = load("deployment.yaml");
    expect(at(service, "spec.selector")).toEqual(at(deployment, "spec.selector.matchLabels"));
    expect(at(service, "spec.ports")).toEqual([expect.objectContaining({ port: 80, targetPort: "http" })]);
  });

  it("the CronJob posts to the sweep route every 15 minutes with the bearer token", () => {
    const [cron] = load("cronjob-sweep.yaml");
    expect(cron?.kind).toBe("CronJob");
    expect(at(cron, "spec.schedule")).toBe("*/15 * * * *");
    expect(at(cron, "spec.concurrencyPolicy")).toBe("Forbid");
    const c = container(cron!, "spec.jobTemplate.spec.template.spec");
    expect(c.image).toMatch(/^curlimages\/curl:/);
    const args = (c.args as string[]).join(" ");
    expect(args).toContain("--request POST");
    expect(args).toContain("Authorization: Bearer $(SWEEP_TOKEN)");
    expect(args).toContain("http://oras-advisory-bot/api/advisory-bot/sweep");
    expect(envNames(c)).toEqual({ SWEEP_TOKEN: "SWEEP_TOKEN" });
  });

  it("the example Secret holds placeholders only", () => {
    const [secret] = load("secret.example.yaml");
    const data = at(secret, "stringData") as Record<string, string>;
    expect(Object.keys(data).sort()).toEqual([
      "APP_ID",
      "PRIVATE_KEY",
      "REDIS_PASSWORD",
      "REDIS_URL",
      "SWEEP_TOKEN",
      "WEBHOOK_SECRET",
    ]);
    for (const value of Object.values(data)) expect(value.trim()).toMatch(/^<[^>]+>$/);
  });
});
