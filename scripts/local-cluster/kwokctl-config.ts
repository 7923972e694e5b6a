// The configuration kwokctl starts the local control plane with: its binary runtime (every component a local process),
// each binary one that install-tools.sh built, loopback only, and nothing to download.

export interface LocalClusterBinaries {
    kubeApiserver: string;
    kubeControllerManager: string;
    kubeScheduler: string;
    kubectl: string;
    etcd: string;
    kwok: string;
    metricsServer: string;
}

/**
 * Pod IPs the emulated kubelets hand out: kind's default pod subnet. They are only written into pod status and
 * endpoints; nothing ever connects to them (no container runs), and the API server refuses loopback endpoint addresses.
 */
export const POD_CIDR = "10.244.0.1/16";

/** The control plane's components that elect a leader among their instances. */
export const SINGLE_INSTANCE_COMPONENTS = ["kube-controller-manager", "kube-scheduler"];

/** Every process kwokctl runs with this configuration, by the name of its PID and log files. */
export const CLUSTER_COMPONENTS = ["etcd", "kube-apiserver", ...SINGLE_INSTANCE_COMPONENTS, "kwok-controller", "metrics-server"];

/**
 * The KwokctlConfiguration document. `metricsServerManifests` points at metrics-server's own
 * kustomize base in its Go module (kwokctl builds it with our kubectl and rewrites it to reach the local process), so
 * kwokctl never downloads the release manifest.
 */
export function kwokctlConfiguration(binaries: LocalClusterBinaries, metricsServerManifests: string, cacheDir: string): Record<string, unknown> {
    return {
        apiVersion: "config.kwok.x-k8s.io/v1alpha1",
        kind: "KwokctlConfiguration",
        options: {
            runtime: "binary",
            // kwokctl's default is 0.0.0.0: every component would listen on the machine's network too.
            bindAddress: "127.0.0.1",
            kubeApiserverBinary: binaries.kubeApiserver,
            kubeControllerManagerBinary: binaries.kubeControllerManager,
            kubeSchedulerBinary: binaries.kubeScheduler,
            kubectlBinary: binaries.kubectl,
            etcdBinary: binaries.etcd,
            kwokControllerBinary: binaries.kwok,
            enableMetricsServer: true,
            metricsServerBinary: binaries.metricsServer,
            metricsServerManifests: [metricsServerManifests],
            cacheDir,
        },
        componentsPatches: [
            // A KwokConfiguration document would replace all of kwok's defaults; a flag changes only the pod range.
            { name: "kwok-controller", extraArgs: [{ key: "cidr", value: POD_CIDR }] },
            // One instance of each, and nothing restarts them: with leader election on (kwokctl's default), an API server
            // that stays unanswered for 10 s on a busy machine makes them give up their lease and exit for good, and every
            // rollout after that stalls. Measured: an API server stopped for 20 s ended both.
            ...SINGLE_INSTANCE_COMPONENTS.map((name) => ({ name, extraArgs: [{ key: "leader-elect", value: "false" }] })),
        ],
    };
}
