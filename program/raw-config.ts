import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { CONFIG_NAMESPACE, configValue, readStackFileText } from "../config/load-stack-config";
import { parseStackFile } from "../config/stack-file-yaml";
import { ConfigPath, securePaths } from "../config/secret-paths";

/**
 * The stack's `kube-appstack:*` values as Pulumi read them from Pulumi.<stack>.yaml, keyed without the namespace.
 * Pulumi hands structured values over as JSON text and plain ones as bare strings.
 */
export function readRawConfig(): Record<string, unknown> {
    const prefix = `${CONFIG_NAMESPACE}:`;
    const raw: Record<string, unknown> = {};
    for (const [key, text] of Object.entries(pulumi.runtime.allConfig())) {
        if (!key.startsWith(prefix)) continue;
        raw[key.slice(prefix.length)] = configValue(text);
    }
    return raw;
}

// The SDK's own test for a secret config key (what `pulumi config set --secret` marks); internal to @pulumi/pulumi but
// the only way a program learns it. Pinned with the SDK version; a test runs it under the SDK's mocks.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { isConfigSecret } = require("@pulumi/pulumi/runtime/config") as { isConfigSecret(key: string): boolean };

/**
 * The places of secret values among the stack's `kube-appstack:*` keys: where Pulumi.<stack>.yaml marks them `secure:`,
 * or the whole key when Pulumi says the key is secret but the file marks no place (set as a whole, or from elsewhere).
 */
export function secretConfigPaths(stack: string, raw: Record<string, unknown>): ConfigPath[] {
    const secretKeys = Object.keys(raw).filter((key) => isConfigSecret(`${CONFIG_NAMESPACE}:${key}`));
    if (secretKeys.length === 0) return [];
    let file: Record<string, unknown> = {};
    try {
        const stackFile = path.join(stackConfigDir(), `Pulumi.${stack}.yaml`);
        // The same bounds as `kube-appstack render`: Pulumi itself has read this file, but we read and parse it again,
        // and it may have changed since.
        const text = readStackFileText(stackFile);
        file = ((parseStackFile(text) ?? {}) as { config?: Record<string, unknown> }).config ?? {};
    } catch {
        // No readable stack file: every secret key counts as secret as a whole.
    }
    return secretKeys.flatMap((key) => {
        const marked = securePaths(file[`${CONFIG_NAMESPACE}:${key}`], [key]);
        return marked.length > 0 ? marked : [[key]];
    });
}

/** Where the stack files are: the project directory, or its `stackConfigDir` (Pulumi.yaml) when set. */
function stackConfigDir(): string {
    const project = process.cwd();
    try {
        const settings = parseStackFile(readStackFileText(path.join(project, "Pulumi.yaml"))) as { stackConfigDir?: unknown } | null;
        return typeof settings?.stackConfigDir === "string" ? path.resolve(project, settings.stackConfigDir) : project;
    } catch {
        return project;
    }
}
