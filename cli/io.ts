// What every subcommand is given: the CLI's shared types, apart from cli/main.ts so that the subcommands it imports do
// not import it back.

/** Where a command writes; tests pass their own to capture output. */
export interface Io {
    readonly stdout: (text: string) => void;
    readonly stderr: (text: string) => void;
}

/** A subcommand: its arguments in, the exit status out (async, so commands may run Pulumi programs). */
export type Command = (args: string[], io: Io) => number | Promise<number>;
