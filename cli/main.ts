/** `kube-appstack <command> ...`: picks the subcommand and returns the process exit status. */
import { runCheck } from "./check";
import type { Command, Io } from "./io";
import { runRender } from "./render";
import { runRules } from "./rules";
import { packageVersion } from "./version";

const processIo: Io = {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
};

/** Exit status for a command line that cannot be run, matching `check`'s status for unreadable input. */
const USAGE_ERROR = 2;

const COMMANDS: ReadonlyMap<string, { run: Command; summary: string }> = new Map([
    ["check", { run: runCheck, summary: "check Kubernetes YAML manifests against the policy pack" }],
    ["render", { run: runRender, summary: "write the Kubernetes manifests a stack applies, without the Pulumi engine" }],
    ["rules", { run: runRules, summary: "list the policies: what each checks, how to fix it, its level and parameters" }],
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
    return command.run(args, io);
}

function usage(): string {
    const commands = [...COMMANDS].map(([name, { summary }]) => `  ${name.padEnd(10)}${summary}`);
    return ["usage: kube-appstack <command> [arguments] | --version", "", "commands:", ...commands, "", "Run kube-appstack <command> --help for a command's options.", ""].join("\n");
}
