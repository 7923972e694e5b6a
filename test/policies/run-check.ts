// `kube-appstack check` run in process, its output captured: the tests of what it reads and says share these.
import { main } from "../support/built-cli";

export async function check(...args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
    let stdout = "";
    let stderr = "";
    const status = await main(["check", ...args], { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
    return { status, stdout, stderr };
}

/** `check --format json`, with the report parsed. */
export async function checkJson(...args: string[]) {
    const result = await check(...args, "--format", "json");
    return { ...result, json: JSON.parse(result.stdout) };
}
