/**
 * The policy pack as the Pulumi CLI runs it: `node @pulumi/pulumi/cmd/run-policy-pack <engine> <pack dir>` in the
 * pack directory (TypeScript compiled on load), then the Analyzer gRPC calls of a `pulumi preview --policy-pack
 * policies --policy-pack-config policies/config/prod.json`.
 */
import { type ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import * as grpc from "@grpc/grpc-js";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { AnalyzerClient } from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import * as analyzer from "@pulumi/pulumi/proto/analyzer_pb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { rules } from "../../policies/rules";
import { analyzeRequest, analyzeStackRequest, diagnosticsOf, resourceOf, UNKNOWN_STRING } from "./analyzer-requests";
import { deployment, persistentVolume, withFields } from "./objects";

const ROOT = path.join(__dirname, "../..");
const PACK = path.join(ROOT, "policies");

let pack: ChildProcess;
let client: AnalyzerClient;
let info: analyzer.AnalyzerInfo;

/** Starts the pack and resolves with the port it prints, the handshake the Pulumi CLI waits for. */
function startPack(): Promise<number> {
    pack = spawn(process.execPath, [path.join(ROOT, "node_modules/@pulumi/pulumi/cmd/run-policy-pack/index.js"), "127.0.0.1:1", PACK], { cwd: PACK });
    let stderr = "";
    pack.stderr?.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    return new Promise((resolve, reject) => {
        let stdout = "";
        pack.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
            stdout += chunk;
            const [line] = stdout.split("\n");
            if (stdout.includes("\n")) resolve(Number(line));
        });
        // "close", not "exit": only then has all of stderr arrived.
        pack.on("close", (code) => reject(new Error(`policy pack exited with ${code} before printing its port:\n${stderr}`)));
    });
}

function unary<Request, Response>(method: (request: Request, callback: (error: grpc.ServiceError | null, response: Response) => void) => unknown, request: Request): Promise<Response> {
    return new Promise((resolve, reject) => {
        method.call(client, request, (error, response) => (error ? reject(error) : resolve(response)));
    });
}

const LEVEL: Record<string, analyzer.EnforcementLevel> = {
    advisory: analyzer.EnforcementLevel.ADVISORY,
    mandatory: analyzer.EnforcementLevel.MANDATORY,
    disabled: analyzer.EnforcementLevel.DISABLED,
};

/** The Configure request the engine sends for a --policy-pack-config file: schema defaults, then the file's values. */
function configureRequest(info: analyzer.AnalyzerInfo, file: string): analyzer.ConfigureAnalyzerRequest {
    const given = JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, string | Record<string, unknown>>;
    const request = new analyzer.ConfigureAnalyzerRequest();
    const all = given.all;
    const allLevel = typeof all === "string" ? all : all?.enforcementLevel;
    for (const policy of info.getPoliciesList()) {
        const schema = (policy.getConfigschema()?.getProperties()?.toJavaScript() ?? {}) as Record<string, { default?: unknown }>;
        const defaults = Object.fromEntries(Object.entries(schema).map(([key, property]) => [key, property.default]));
        const entry = given[policy.getName()];
        const { enforcementLevel = typeof entry === "string" ? entry : undefined, ...params } = typeof entry === "object" ? entry : {};
        // As the Pulumi CLI does: a policy's own level, else the level under "all", else the pack's default.
        const level = enforcementLevel ?? allLevel;
        const config = new analyzer.PolicyConfig()
            .setEnforcementlevel(level === undefined ? policy.getEnforcementlevel() : LEVEL[level as string])
            .setProperties(Struct.fromJavaScript({ ...defaults, ...params } as Record<string, never>));
        request.getPolicyconfigMap().set(policy.getName(), config);
    }
    return request;
}

beforeAll(async () => {
    const port = await startPack();
    client = new AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    info = await unary(client.getAnalyzerInfo, new Empty());
}, 60_000);

afterAll(() => {
    client?.close();
    pack?.kill();
});

describe("the policy pack process", () => {
    it("describes every rule with its default level and parameter schema", () => {
        expect([info.getName(), info.getVersion(), info.getSupportsconfig()]).toEqual(["kube-appstack", "0.1.0", true]);
        expect(info.getPoliciesList().map((p) => [p.getName(), p.getEnforcementlevel()])).toEqual(rules.map((r) => [r.name, LEVEL[r.defaultLevel]]));
        const minReplicas = info.getPoliciesList().find((p) => p.getName() === "min-replicas");
        expect(minReplicas?.getConfigschema()?.getProperties()?.toJavaScript()).toMatchObject({ minReplicas: { type: "integer", default: 2 } });
    });

    it("applies policies/config/prod.json: levels and parameters", async () => {
        await unary(client.configure, configureRequest(info, path.join(PACK, "config/prod.json")));
        const web = resourceOf(withFields(deployment(), { "spec.replicas": 1, "spec.template.spec.containers.0.image": "registry.example.com/web:main" }));
        const volume = resourceOf(persistentVolume());
        const perResource = [
            ...diagnosticsOf(await unary(client.analyze, analyzeRequest(web)), web.urn),
            ...diagnosticsOf(await unary(client.analyze, analyzeRequest(volume)), volume.urn),
        ];
        expect(perResource).toEqual([
            { policy: "image-tag-pinned", level: "mandatory", urn: web.urn, message: 'container "app" uses image "registry.example.com/web:main" with the mutable tag "main"' },
            { policy: "protect-stateful-resources", level: "mandatory", urn: volume.urn, message: "is a PersistentVolume without the Pulumi protect option" },
        ]);
        const stack = diagnosticsOf(await unary(client.analyzeStack, analyzeStackRequest([web, volume])));
        expect(stack).toEqual([{ policy: "min-replicas", level: "mandatory", urn: web.urn, message: "runs 1 replica(s), fewer than 2, and no HorizontalPodAutoscaler targets it" }]);
    });

    it("turns a value unknown during preview into an advisory note instead of failing", async () => {
        const web = resourceOf(withFields(deployment(), { "spec.template.spec.containers.0.image": UNKNOWN_STRING }));
        const diagnostics = diagnosticsOf(await unary(client.analyze, analyzeRequest(web)), web.urn);
        expect(diagnostics.map((d) => [d.policy, d.level])).toEqual([["image-tag-pinned", "advisory"]]);
        expect(diagnostics[0].message).toContain("can't be known during preview");
    });
});

describe("policies/PulumiPolicy.yaml", () => {
    it("is a mapping the CLI can load: a Node.js pack with a plain-string description", () => {
        const project = parseYaml(fs.readFileSync(path.join(__dirname, "../../policies/PulumiPolicy.yaml"), "utf8"));
        expect(project).toEqual({ runtime: "nodejs", description: expect.stringContaining("Guardrails") });
    });
});
