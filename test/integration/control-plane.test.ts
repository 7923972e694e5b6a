// The local cluster itself, under the load CI puts on it: a control plane whose API server stops answering for a while
// (a 2-core machine running the engine, the tests and etcd's disk writes at once) keeps every component, so later
// rollouts still finish. With leader election on, the controller manager and the scheduler exited after 10 s without
// an answer, and nothing restarts them.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { componentPids, stoppedComponents } from "../../scripts/local-cluster/cluster";
import { waitFor } from "../support/wait-for";
import { kubectl, requireLocalCluster } from "./live-stack";

const NAMESPACE = "it-control-plane";
/** Longer than the lease a leader must renew within (kube-controller-manager's and kube-scheduler's 10 s default). */
const UNANSWERED_MS = 20_000;

let apiserver: number | undefined;

beforeAll(() => {
    requireLocalCluster();
    apiserver = componentPids().get("kube-apiserver");
    // A namespace left by an earlier run may still be terminating: wait for it to go, then start afresh.
    kubectl(["delete", "namespace", NAMESPACE, "--ignore-not-found", "--wait=true", "--timeout=120s"]);
    kubectl(["create", "namespace", NAMESPACE]);
});

afterAll(() => {
    // Whatever happened during the test, the API server must not stay stopped.
    if (apiserver !== undefined) resume(apiserver);
    kubectl(["delete", "namespace", NAMESPACE, "--ignore-not-found", "--wait=false"]);
});

function resume(pid: number): void {
    try {
        process.kill(pid, "SIGCONT");
    } catch {
        // It has ended: requireLocalCluster of the next file says so.
    }
}

/** A small Deployment that only the controller manager, the scheduler and KWOK together make ready. */
function deployment(name: string, replicas: number): string {
    return JSON.stringify({
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name, namespace: NAMESPACE },
        spec: {
            replicas,
            selector: { matchLabels: { app: name } },
            template: {
                metadata: { labels: { app: name } },
                spec: { containers: [{ name, image: "registry.k8s.io/pause:3.10", resources: { requests: { cpu: "10m", memory: "16Mi" } } }] },
            },
        },
    });
}

function readyReplicas(name: string): number {
    return Number(kubectl(["get", "deployment", name, "-n", NAMESPACE, "-o", "jsonpath={.status.readyReplicas}"]) || 0);
}

describe("the local control plane", () => {
    it("keeps its controller manager and scheduler through an API server that does not answer for longer than a lease", async () => {
        kubectl(["apply", "-f", "-"], deployment("before", 2));
        await waitFor("the first Deployment to be ready", 60_000, () => readyReplicas("before") === 2);

        expect(apiserver).toBeGreaterThan(0);
        process.kill(apiserver!, "SIGSTOP");
        try {
            await new Promise((resolve) => setTimeout(resolve, UNANSWERED_MS));
        } finally {
            resume(apiserver!);
        }
        await waitFor("the API server to answer again", 60_000, () => kubectl(["get", "--raw", "/readyz"]).trim() === "ok");

        // The components ran on, and do their work: a new Deployment is scheduled and becomes ready. A component that
        // stopped fails the wait with its log's last lines.
        kubectl(["apply", "-f", "-"], deployment("after", 2));
        await waitFor("a Deployment created after the outage to be ready", 60_000, () => {
            const stopped = stoppedComponents();
            if (stopped.length > 0) throw new Error(stopped.join("\n"));
            return readyReplicas("after") === 2;
        });
        expect(stoppedComponents()).toEqual([]);
    });
});
