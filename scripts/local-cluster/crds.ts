// The CustomResourceDefinitions the local cluster installs, so the objects that app features create beyond the built-in
// API (routes, monitoring, volume snapshots) meet the API server's own validation in the live tests. Each comes from
// its upstream project's Go module, pinned in scripts/tools/crds/go.mod: the module zips carry the CRD YAML, so
// nothing here is hand-written or fetched from anywhere but the Go module proxy.
import * as fs from "node:fs";
import * as path from "node:path";

export interface CrdSource {
    /** The Go module whose zip carries the files. */
    readonly module: string;
    /** The folder of the CRD files, relative to the module. */
    readonly folder: string;
    /** Which files of that folder to install. */
    readonly files: RegExp;
    /** What the cluster gains, for the log line. */
    readonly provides: string;
}

export const CRD_SOURCES: readonly CrdSource[] = [
    {
        module: "sigs.k8s.io/gateway-api",
        folder: "config/crd/standard",
        // The standard channel, as the project's standard-install.yaml has it (its safe-upgrades admission policy included).
        files: /^gateway\.networking\.k8s\.io_.*\.yaml$/,
        provides: "Gateway API (standard channel)",
    },
    {
        module: "github.com/prometheus-operator/prometheus-operator",
        folder: "example/prometheus-operator-crd",
        // What an app's monitoring creates or a team adds beside it; Prometheus itself does not run on KWOK's nodes.
        files: /^monitoring\.coreos\.com_(servicemonitors|podmonitors|prometheusrules|probes)\.yaml$/,
        provides: "ServiceMonitor, PodMonitor, PrometheusRule, Probe",
    },
    {
        module: "github.com/kubernetes-csi/external-snapshotter/client/v8",
        folder: "config/crd",
        files: /^snapshot\.storage\.k8s\.io_.*\.yaml$/,
        provides: "VolumeSnapshot, VolumeSnapshotClass, VolumeSnapshotContent",
    },
];

/** The CRD files of one source, in a stable order, from the module's folder in Go's module cache. */
export function crdFiles(source: CrdSource, moduleDir: string): string[] {
    const folder = path.join(moduleDir, source.folder);
    const files = fs.readdirSync(folder).filter((name) => source.files.test(name)).sort();
    if (files.length === 0) throw new Error(`${source.module} has no files matching ${String(source.files)} in ${source.folder}`);
    return files.map((name) => path.join(folder, name));
}
