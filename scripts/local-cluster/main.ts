// npm run cluster:up | cluster:down | cluster:status | local: the local cluster of docs/local-cluster.md.
import { down, status, StepError, up } from "./cluster";
import { deployLocalStack } from "./deploy-local-stack";

const usage = "usage: tsx scripts/local-cluster/main.ts up|down|status|deploy";

async function main(command: string | undefined): Promise<number> {
    switch (command) {
        case "up":
            await up();
            return 0;
        case "down":
            down();
            return 0;
        case "deploy":
            await deployLocalStack();
            return 0;
        case "status":
            return status() ? 0 : 1;
        default:
            console.error(usage);
            return 2;
    }
}

main(process.argv[2]).then(
    (code) => {
        process.exitCode = code;
    },
    (error: unknown) => {
        // A failed step is told in its own words; anything else is a bug and keeps its stack trace.
        console.error(error instanceof StepError ? `local-cluster: ${error.message}` : error);
        process.exitCode = 1;
    },
);
