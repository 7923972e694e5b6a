import * as pulumi from "@pulumi/pulumi";
import { CONFIG_NAMESPACE, configValue } from "../config/load-stack-config";

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
