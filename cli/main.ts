/** `kube-appstack <command> ...`: picks the subcommand and returns the process exit status. */
import type { Command, Io } from "./io";
import { packageVersion } from "./version";

const processIo: Io = {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
};

/** Exit status for a command line that cannot be run, matching `check`'s status for unreadable input. */
const USAGE_ERROR = 2;

// Each subcommand is loaded only when it runs (and built as its own bundle, see scripts/build.js): `check` never
// loads render's stack config schemas, nor `render` the policies.
const COMMANDS: ReadonlyMap<string, { load: () => Promise<Command>; summary: string }> = new Map([
    ["check", { load: async () => (await import("./check")).runCheck, summary: "check Kubernetes YAML manifests against the policy pack" }],
    ["render", { load: async () => (await import("./render")).runRender, summary: "write the Kubernetes manifests a stack applies, without the Pulumi engine" }],
    ["rules", { load: async () => (await import("./rules")).runRules, summary: "list the policies: what each checks, how to fix it, its level and parameters" }],
]);

export async function main(argv: readonly string[], io: Io = processIo): Promise<number> {
    const [name, ...args] = argv;
    if (name === "--version" || name === "version") {
        io.stdout(`kube-appstack ${packageVersion()}\n`);
        return 0;
    }
    if (name === "help" || name === "--help" || name === "-h") {
        io.stdout(usage());
        return 0;
    }
    const command = name === undefined ? undefined : COMMANDS.get(name);
    if (command === undefined) {
        io.stderr(`${name === undefined ? "" : `unknown command "${name}"\n\n`}${usage()}`);
        return USAGE_ERROR;
    }
    return (await command.load())(args, io);
}

function usage(): string {
    const commands = [...COMMANDS].map(([name, { summary }]) => `  ${name.padEnd(10)}${summary}`);
    return ["usage: kube-appstack <command> [arguments] | --version", "", "commands:", ...commands, "", "Run kube-appstack <command> --help for a command's options.", ""].join("\n");
}
