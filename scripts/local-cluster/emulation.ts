// What the local cluster's fake kubelets (KWOK) do with pods, and the labels that change it. KWOK runs no container:
// it writes pod status the way a kubelet would, following Stage objects. The stages below are KWOK's own defaults (read
// from its Go module, never copied), with two emulation switches of ours that the integration tests and users can set
// on a pod template through an app's `labels`.
import * as fs from "node:fs";
import * as path from "node:path";
import { parseAllDocuments } from "yaml";

/** Prefix of the labels that change what the emulated kubelet does with a pod. */
export const EMULATE_LABEL_PREFIX = "emulate.kube-appstack.io/";

/**
 * `emulate.kube-appstack.io/ready: "never"`: the pod starts (phase Running, containers started) but never passes its
 * readiness probe, as an app whose new version cannot serve would. Rollouts then stall exactly as on a real cluster.
 */
export const NEVER_READY_LABEL = `${EMULATE_LABEL_PREFIX}ready`;
export const NEVER_READY_VALUE = "never";

/**
 * `emulate.kube-appstack.io/completes: "true"`: a running pod finishes with exit code 0. KWOK only completes pods owned
 * by a Job; the storage provisioner's helper pods (which create and remove volume directories) carry this label so that
 * claims bind and volumes are released as on kind.
 */
export const COMPLETES_LABEL = `${EMULATE_LABEL_PREFIX}completes`;

/** KWOK's stage files used as they are, or as the base of ours, relative to its module's `kustomize/stage`. */
const KWOK_STAGE_FILES = [
    "node/fast/node-initialize.yaml",
    "node/heartbeat-with-lease/node-heartbeat-with-lease.yaml",
    "pod/fast/pod-ready.yaml",
    "pod/fast/pod-complete.yaml",
    "pod/fast/pod-delete.yaml",
];

type Stage = {
    metadata: { name: string };
    spec: { selector: { matchExpressions: Array<{ key: string; operator: string; values?: string[] }> } } & Record<string, unknown>;
} & Record<string, unknown>;

function labelKey(label: string): string {
    return `.metadata.labels["${label}"]`;
}

function readStages(kwokModuleDir: string): Map<string, Stage> {
    const stages = new Map<string, Stage>();
    for (const file of KWOK_STAGE_FILES) {
        for (const doc of parseAllDocuments(fs.readFileSync(path.join(kwokModuleDir, "kustomize", "stage", file), "utf8"))) {
            const stage = doc.toJS() as Stage;
            stages.set(stage.metadata.name, stage);
        }
    }
    return stages;
}

/** A pod that starts and never becomes ready: Running, containers started and not ready. */
function neverReadyStage(): Record<string, unknown> {
    return {
        apiVersion: "kwok.x-k8s.io/v1alpha1",
        kind: "Stage",
        metadata: { name: "kube-appstack-pod-never-ready" },
        spec: {
            resourceRef: { apiGroup: "v1", kind: "Pod" },
            selector: {
                matchExpressions: [
                    { key: ".metadata.deletionTimestamp", operator: "DoesNotExist" },
                    { key: ".status.phase", operator: "In", values: ["Pending"] },
                    { key: labelKey(NEVER_READY_LABEL), operator: "In", values: [NEVER_READY_VALUE] },
                ],
            },
            next: {
                statusTemplate: [
                    "{{ $now := Now }}",
                    "conditions:",
                    "- { type: Initialized, status: \"True\", lastTransitionTime: {{ $now | Quote }} }",
                    // The kubelet's own wording, which Pulumi's pod checker quotes.
                    "{{ $names := list }}{{ range .spec.containers }}{{ $names = append $names .name }}{{ end }}",
                    "{{ $unready := printf \"containers with unready status: [%s]\" ( join \" \" $names ) }}",
                    "- { type: Ready, status: \"False\", reason: ContainersNotReady, lastTransitionTime: {{ $now | Quote }}, message: {{ $unready | Quote }} }",
                    "- { type: ContainersReady, status: \"False\", reason: ContainersNotReady, lastTransitionTime: {{ $now | Quote }}, message: {{ $unready | Quote }} }",
                    "containerStatuses:",
                    "{{ range .spec.containers }}",
                    "- { name: {{ .name | Quote }}, image: {{ .image | Quote }}, ready: false, started: true, restartCount: 0,",
                    "    state: { running: { startedAt: {{ $now | Quote }} } } }",
                    "{{ end }}",
                    "{{ with NodeIPsWith .spec.nodeName }}",
                    "hostIP: {{ index . 0 | Quote }}",
                    "{{ end }}",
                    "{{ $podIPs := PodIPsWith .spec.nodeName ( or .spec.hostNetwork false ) ( or .metadata.uid \"\" ) " +
                        "( or .metadata.name \"\" ) ( or .metadata.namespace \"\" ) }}",
                    "{{ with $podIPs }}",
                    "podIP: {{ index . 0 | Quote }}",
                    "podIPs:",
                    "{{ range . }}",
                    "- ip: {{ . | Quote }}",
                    "{{ end }}",
                    "{{ end }}",
                    "phase: Running",
                    "startTime: {{ $now | Quote }}",
                ].join("\n"),
            },
        },
    };
}

/**
 * The Stage objects the local cluster's KWOK controller runs, given KWOK's module directory: KWOK's default node and
 * pod stages, with pods labelled never-ready held back from `pod-ready`, one stage that keeps them running unready, and
 * a copy of `pod-complete` for pods labelled to complete (instead of pods owned by a Job).
 */
export function localClusterStages(kwokModuleDir: string): Array<Record<string, unknown>> {
    const stages = readStages(kwokModuleDir);
    const get = (name: string): Stage => {
        const stage = stages.get(name);
        if (!stage) throw new Error(`KWOK's module at ${kwokModuleDir} has no stage "${name}"`);
        return stage;
    };
    const ready = structuredClone(get("pod-ready"));
    ready.spec.selector.matchExpressions.push({ key: labelKey(NEVER_READY_LABEL), operator: "DoesNotExist" });

    const complete = get("pod-complete");
    const completesByLabel = structuredClone(complete);
    completesByLabel.metadata.name = "kube-appstack-pod-complete-by-label";
    const ownerKind = completesByLabel.spec.selector.matchExpressions.findIndex((e) => e.key.startsWith(".metadata.ownerReferences"));
    if (ownerKind < 0) throw new Error("KWOK's pod-complete stage no longer selects pods by owner: review localClusterStages");
    completesByLabel.spec.selector.matchExpressions[ownerKind] = { key: labelKey(COMPLETES_LABEL), operator: "In", values: ["true"] };

    return [get("node-initialize"), get("node-heartbeat-with-lease"), ready, neverReadyStage(), complete, completesByLabel, get("pod-delete")];
}
