import { z } from "zod";
import { code, intIn } from "../../kube/schemas";
import { compact } from "./kube-object";

/** The Pod Security Standards "restricted" profile: what every pod gets unless its args opt out. */
export const RESTRICTED_SECURITY = {
    runAsNonRoot: true,
    readOnlyRootFilesystem: true,
    allowPrivilegeEscalation: false,
    dropAllCapabilities: true,
    seccompRuntimeDefault: true,
    tmpVolume: true,
} as const;

const id = intIn(0, 2147483647);

/**
 * Pod and container security settings. The defaults meet the Kubernetes Pod Security Standards "restricted" profile;
 * every relaxation is an explicit opt-out here, never a silent default.
 */
export const securitySchema = z.strictObject({
    runAsNonRoot: z.boolean().optional().meta({ description: "Refuse to start containers whose user is root.", default: code(RESTRICTED_SECURITY.runAsNonRoot) }),
    runAsUser: id.optional().meta({ description: "User ID of the container processes.", default: "unset: the image's own (numeric, non-root) user" }),
    runAsGroup: id.optional().meta({ description: "Primary group ID of the container processes.", default: "unset: the image's group" }),
    fsGroup: id.optional().meta({ description: "Group that owns mounted volumes, so a non-root process can write to its PersistentVolume." }),
    readOnlyRootFilesystem: z.boolean().optional().meta({ description: "Mount the container's root filesystem read-only.", default: code(RESTRICTED_SECURITY.readOnlyRootFilesystem) }),
    allowPrivilegeEscalation: z.boolean().optional().meta({ description: "Allow a process to gain more privileges than its parent (setuid binaries).", default: code(RESTRICTED_SECURITY.allowPrivilegeEscalation) }),
    dropAllCapabilities: z.boolean().optional().meta({ description: "Drop every Linux capability.", default: code(RESTRICTED_SECURITY.dropAllCapabilities) }),
    addCapabilities: z.array(z.string()).optional().meta({ description: "Capabilities added back after dropping (the restricted profile allows only NET_BIND_SERVICE)." }),
    seccompRuntimeDefault: z.boolean().optional().meta({ description: "Use the container runtime's default seccomp profile.", default: code(RESTRICTED_SECURITY.seccompRuntimeDefault) }),
    tmpVolume: z.boolean().optional().meta({ description: "Mount a writable emptyDir at /tmp (most programs need one when the root filesystem is read-only).", default: code(RESTRICTED_SECURITY.tmpVolume) }),
}).meta({ title: "Security" });

export type SecurityArgs = z.infer<typeof securitySchema>;

export function podSecurityContext(args: SecurityArgs = {}): Record<string, unknown> {
    return compact({
        runAsNonRoot: args.runAsNonRoot ?? RESTRICTED_SECURITY.runAsNonRoot,
        runAsUser: args.runAsUser,
        runAsGroup: args.runAsGroup,
        fsGroup: args.fsGroup,
        seccompProfile: (args.seccompRuntimeDefault ?? RESTRICTED_SECURITY.seccompRuntimeDefault) ? { type: "RuntimeDefault" } : undefined,
    });
}

export function containerSecurityContext(args: SecurityArgs = {}): Record<string, unknown> {
    const add = args.addCapabilities ?? [];
    return compact({
        runAsNonRoot: args.runAsNonRoot ?? RESTRICTED_SECURITY.runAsNonRoot,
        allowPrivilegeEscalation: args.allowPrivilegeEscalation ?? RESTRICTED_SECURITY.allowPrivilegeEscalation,
        readOnlyRootFilesystem: args.readOnlyRootFilesystem ?? RESTRICTED_SECURITY.readOnlyRootFilesystem,
        capabilities: compact({
            drop: (args.dropAllCapabilities ?? RESTRICTED_SECURITY.dropAllCapabilities) ? ["ALL"] : undefined,
            add: add.length > 0 ? add : undefined,
        }),
    });
}

export function wantsTmpVolume(args: SecurityArgs = {}): boolean {
    return args.tmpVolume ?? RESTRICTED_SECURITY.tmpVolume;
}
