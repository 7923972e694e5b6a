import { compact } from "./kube-object";

/**
 * Pod and container security settings. The defaults meet the Kubernetes Pod Security Standards "restricted" profile;
 * every relaxation is an explicit opt-out here, never a silent default.
 */
export interface SecurityArgs {
    /** Refuse to start containers whose user is root. @default true */
    runAsNonRoot?: boolean;
    /** User ID of the container processes. @default unset: the image's own (numeric, non-root) user */
    runAsUser?: number;
    /** Primary group ID of the container processes. @default unset: the image's group */
    runAsGroup?: number;
    /** Group that owns mounted volumes, so a non-root process can write to its PersistentVolume. @default unset */
    fsGroup?: number;
    /** Mount the container's root filesystem read-only. @default true */
    readOnlyRootFilesystem?: boolean;
    /** Allow a process to gain more privileges than its parent (setuid binaries). @default false */
    allowPrivilegeEscalation?: boolean;
    /** Drop every Linux capability. @default true */
    dropAllCapabilities?: boolean;
    /** Capabilities added back after dropping (the restricted profile allows only NET_BIND_SERVICE). @default [] */
    addCapabilities?: string[];
    /** Use the container runtime's default seccomp profile. @default true */
    seccompRuntimeDefault?: boolean;
    /** Mount a writable emptyDir at /tmp (most programs need one when the root filesystem is read-only). @default true */
    tmpVolume?: boolean;
}

export function podSecurityContext(args: SecurityArgs = {}): Record<string, unknown> {
    return compact({
        runAsNonRoot: args.runAsNonRoot ?? true,
        runAsUser: args.runAsUser,
        runAsGroup: args.runAsGroup,
        fsGroup: args.fsGroup,
        seccompProfile: args.seccompRuntimeDefault === false ? undefined : { type: "RuntimeDefault" },
    });
}

export function containerSecurityContext(args: SecurityArgs = {}): Record<string, unknown> {
    const add = args.addCapabilities ?? [];
    return compact({
        runAsNonRoot: args.runAsNonRoot ?? true,
        allowPrivilegeEscalation: args.allowPrivilegeEscalation ?? false,
        readOnlyRootFilesystem: args.readOnlyRootFilesystem ?? true,
        capabilities: compact({
            drop: args.dropAllCapabilities === false ? undefined : ["ALL"],
            add: add.length > 0 ? add : undefined,
        }),
    });
}

export function wantsTmpVolume(args: SecurityArgs = {}): boolean {
    return args.tmpVolume ?? true;
}
