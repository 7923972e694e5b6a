import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { deserializeProperties } from "@pulumi/pulumi/runtime/rpc";
import * as settings from "@pulumi/pulumi/runtime/settings";
import { parseStackFile } from "../../config/stack-file-yaml";
import { READ_STACK_OUTPUTS } from "../../program/previous-outputs";

export const REPO = path.resolve(__dirname, "../..");

/** One resource registration exactly as the Pulumi engine would receive it. */
export interface Registration {
    type: string;
    name: string;
    urn: string;
    parent: string;
    provider: string;
    protect: boolean;
    retainOnDelete: boolean;
    /** The customTimeouts option ("" where unset), e.g. how long the provider waits for a workload to be ready. */
    customTimeouts: { create: string; update: string; delete: string };
    dependencies: string[];
    inputs: Record<string, unknown>;
    /** The inputs as serialized on the wire; secrets appear there wrapped with Pulumi's secret signature. */
    wire: string;
}

/** Pulumi's wire signature of a secret value. */
export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

export interface ProgramRun {
    registrations: Registration[];
    outputs: Record<string, unknown>;
    /** The stacks whose outputs the program read (its own, for the last replica counts), once per try. */
    stackOutputReads: string[];
    /** Registrations of one Pulumi type token, e.g. `kubernetes:apps/v1:Deployment`. */
    ofType(type: string): Registration[];
    /** The one registration of a type and name; throws when there is none. */
    get(type: string, name: string): Registration;
}

/** What the engine says when a read of a file backend's checkpoint meets the save rewriting it. */
export const CHECKPOINT_EOF = "invocation of pulumi:pulumi:readStackOutputs returned an error: failed to load checkpoint: EOF";

/** The program threw; `registrations` says what it had declared by then. */
export class ProgramFailure extends Error {
    constructor(public readonly cause: Error, public readonly registrations: Registration[], public readonly stackOutputReads: string[]) {
        super(cause.message);
    }
}

/** The `config:` map of a Pulumi.<stack>.yaml in the repo, with `secure:` values given in clear by `secrets`. */
export function stackConfigFile(stack: string): Record<string, unknown> {
    const file = path.join(REPO, `Pulumi.${stack}.yaml`);
    return (parseStackFile(fs.readFileSync(file, "utf8")) as { config?: Record<string, unknown> }).config ?? {};
}

// Internal SDK helpers (not in the public typings): wait until every registration reached the mock monitor, and
// read an Output's value.
const waitForRPCs = (settings as unknown as { waitForRPCs(): Promise<void> }).waitForRPCs;
async function resolve(value: unknown): Promise<Record<string, unknown>> {
    await waitForRPCs();
    const output = pulumi.output(value) as unknown as { promise(): Promise<Record<string, unknown>> };
    return output.promise();
}

type AnyRequest = {
    getType(): string; getName(): string; getParent(): string; getProvider(): string; getProtect(): boolean;
    getRetainondelete?(): boolean; getDependenciesList(): string[]; getObject(): unknown;
    getCustomtimeouts(): { getCreate(): string; getUpdate(): string; getDelete(): string } | undefined;
};
type Monitor = { registerResource(req: AnyRequest, cb: (err: unknown, res?: { getUrn(): string }) => void): void };

/**
 * Runs the kube-appstack program under Pulumi's mocks with the given stack config (keys with their namespace, values as
 * they appear in Pulumi.<stack>.yaml) and returns every resource registration, with the options the engine would see.
 * `previousOutputs` plays the stack's outputs from its last update (read back through the engine's readStackOutputs);
 * the first `failedOutputReads` reads of them fail, as a read racing the engine's checkpoint write does.
 */
export async function runProgram(
    stack: string,
    config: Record<string, unknown>,
    options: {
        previousOutputs?: Record<string, unknown>;
        failedOutputReads?: number;
        /** What a failed read says. @default CHECKPOINT_EOF */
        outputReadError?: string;
        secretKeys?: string[];
        preview?: boolean;
    } = {},
): Promise<ProgramRun> {
    const registrations: Registration[] = [];
    const stackOutputReads: string[] = [];
    await pulumi.runtime.setMocks({
        newResource: (args) => ({ id: `${args.name}-id`, state: args.inputs }),
        call(args) {
            if (args.token !== READ_STACK_OUTPUTS) return args.inputs;
            const name = args.inputs.name as string;
            stackOutputReads.push(name);
            // Shaped as the engine's gRPC error: the SDK rethrows its `details`.
            if (stackOutputReads.length <= (options.failedOutputReads ?? 0)) {
                const details = options.outputReadError ?? CHECKPOINT_EOF;
                throw Object.assign(new Error(details), { code: 2, details });
            }
            return { name, outputs: options.previousOutputs ?? {}, secretOutputNames: [] };
        },
    }, "kube-appstack", stack, options.preview ?? false, "organization");

    const monitor = settings.getMonitor() as unknown as Monitor;
    const register = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req, cb) => register(req, (err, res) => {
        if (!err && res) {
            registrations.push({
                type: req.getType(),
                name: req.getName(),
                urn: res.getUrn(),
                parent: req.getParent(),
                provider: req.getProvider(),
                protect: req.getProtect(),
                retainOnDelete: req.getRetainondelete?.() ?? false,
                customTimeouts: {
                    create: req.getCustomtimeouts()?.getCreate() ?? "",
                    update: req.getCustomtimeouts()?.getUpdate() ?? "",
                    delete: req.getCustomtimeouts()?.getDelete() ?? "",
                },
                dependencies: req.getDependenciesList(),
                // Inputs as the engine receives them (Outputs resolved; secrets unwrapped to their values).
                inputs: deserializeProperties(req.getObject() as Parameters<typeof deserializeProperties>[0]) as Record<string, unknown>,
                wire: JSON.stringify((req.getObject() as { toJavaScript(): unknown }).toJavaScript()),
            });
        }
        cb(err, res);
    });

    const values = Object.fromEntries(Object.entries(config).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]));
    pulumi.runtime.setAllConfig(values, options.secretKeys ?? []);

    // Imported here so the program's module state never outlives the mocks set above.
    const { program } = await import("../../program/program");
    let result: unknown;
    try {
        result = await program();
    } catch (error) {
        await waitForRPCs();
        throw new ProgramFailure(error as Error, registrations, stackOutputReads);
    }
    const outputs = await resolve(result);
    await waitForRPCs();

    const ofType = (type: string) => registrations.filter((r) => r.type === type);
    return {
        registrations,
        outputs,
        stackOutputReads,
        ofType,
        get(type: string, name: string) {
            const found = ofType(type).find((r) => r.name === name);
            if (!found) throw new Error(`no ${type} named ${name}; have: ${registrations.map((r) => `${r.type}/${r.name}`).join(", ")}`);
            return found;
        },
    };
}
