import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import {
    DEFAULT_KIND_NODE_IMAGE, hostPathProblems, KindClusterArgs, kindClusterArgsProblems, realHostPath, renderKindConfig, resolveKindClusterArgs,
} from "../../components/kind-config";

interface KindNode {
    role: string;
    image: string;
    labels?: Record<string, string>;
    extraPortMappings?: Record<string, unknown>[];
    extraMounts?: Record<string, unknown>[];
}
interface KindConfig {
    kind: string;
    apiVersion: string;
    name: string;
    nodes: KindNode[];
}

function render(args: KindClusterArgs): KindConfig {
    return parse(renderKindConfig(resolveKindClusterArgs(args, { defaultName: "dev", projectDir: "/home/me/stack" }))) as KindConfig;
}

describe("renderKindConfig", () => {
    it("renders a v1alpha4 Cluster with one control plane and two workers by default, all on the pinned image", () => {
        const config = render({});
        expect(config).toMatchObject({ kind: "Cluster", apiVersion: "kind.x-k8s.io/v1alpha4", name: "dev" });
        expect(config.nodes.map((n) => n.role)).toEqual(["control-plane", "worker", "worker"]);
        expect(new Set(config.nodes.map((n) => n.image))).toEqual(new Set([DEFAULT_KIND_NODE_IMAGE]));
        expect(DEFAULT_KIND_NODE_IMAGE).toMatch(/^kindest\/node:v1\.33\.1@sha256:[a-f0-9]{64}$/);
        // No empty lists or maps: kind's strict decoder would accept them, but they are noise in the file.
        expect(config.nodes.every((n) => !("extraPortMappings" in n) && !("extraMounts" in n) && !("labels" in n))).toBe(true);
    });

    it("follows the requested node counts and image", () => {
        const image = "kindest/node:v1.32.5@sha256:e3b2327e3a5ab8c76f5ece68936e4cafaa82edf58486b769727ab0b3b97a5b0d";
        const config = render({ name: "ha", controlPlaneNodes: 3, workerNodes: 0, nodeImage: image });
        expect(config.name).toBe("ha");
        expect(config.nodes.map((n) => n.role)).toEqual(["control-plane", "control-plane", "control-plane"]);
        expect(config.nodes.every((n) => n.image === image)).toBe(true);
    });

    it("puts port mappings on the first control plane only, with the safe listen address by default", () => {
        const config = render({
            controlPlaneNodes: 2,
            extraPortMappings: [
                { containerPort: 30080, hostPort: 8080 },
                { containerPort: 30053, hostPort: 5353, listenAddress: "0.0.0.0", protocol: "UDP" },
            ],
        });
        expect(config.nodes[0].extraPortMappings).toEqual([
            { containerPort: 30080, hostPort: 8080, listenAddress: "127.0.0.1", protocol: "TCP" },
            { containerPort: 30053, hostPort: 5353, listenAddress: "0.0.0.0", protocol: "UDP" },
        ]);
        expect(config.nodes.slice(1).some((n) => n.extraPortMappings)).toBe(false);
    });

    it("mounts every extra mount into every node, resolving relative host paths against the project directory", () => {
        const config = render({
            extraMounts: [
                { hostPath: ".data/pv", containerPath: "/var/local-data" },
                { hostPath: "/srv/seed", containerPath: "/seed", readOnly: true },
            ],
        });
        for (const node of config.nodes) {
            expect(node.extraMounts).toEqual([
                { hostPath: "/home/me/stack/.data/pv", containerPath: "/var/local-data", readOnly: false },
                { hostPath: "/srv/seed", containerPath: "/seed", readOnly: true },
            ]);
        }
        // Written out in full per node, not as YAML aliases that a reader has to chase.
        expect(renderKindConfig(resolveKindClusterArgs({ extraMounts: [{ hostPath: "/a", containerPath: "/a" }] },
            { defaultName: "dev", projectDir: "/" }))).not.toMatch(/[&*]a\d/);
    });

    it("labels worker nodes only", () => {
        const config = render({ nodeLabels: { "example.com/pool": "apps" } });
        expect(config.nodes.map((n) => n.labels)).toEqual([undefined, { "example.com/pool": "apps" }, { "example.com/pool": "apps" }]);
    });
});

describe("kindClusterArgsProblems", () => {
    it("accepts the defaults and a full valid config", () => {
        expect(kindClusterArgsProblems(undefined, "cluster.kind")).toEqual([]);
        expect(kindClusterArgsProblems({}, "cluster.kind")).toEqual([]);
        expect(kindClusterArgsProblems({
            name: "kube-appstack-dev",
            nodeImage: DEFAULT_KIND_NODE_IMAGE,
            controlPlaneNodes: 1,
            workerNodes: 2,
            extraPortMappings: [{ containerPort: 30080, hostPort: 8080 }, { containerPort: 30080, hostPort: 8080, protocol: "UDP" }],
            extraMounts: [{ hostPath: "./.data", containerPath: "/var/local-data", readOnly: false }],
            nodeLabels: { "example.com/pool": "apps", "node.kubernetes.io/role": "" },
            waitTimeout: "2m30s",
        }, "cluster.kind")).toEqual([]);
        expect(kindClusterArgsProblems({ nodeImage: "localhost:5000/kindest/node:v1.33.1" }, "cluster.kind")).toEqual([]);
    });

    const cases: [string, Record<string, unknown>, RegExp][] = [
        ["unknown key", { workerNode: 2 }, /^cluster\.kind\.workerNode: unknown key \(did you mean "workerNodes"\?\); allowed keys here: name, nodeImage, /],
        ["negative workers", { workerNodes: -1 }, /^cluster\.kind\.workerNodes: -1 is out of range; allowed: an integer from 0 to 20$/],
        ["fractional workers", { workerNodes: 1.5 }, /^cluster\.kind\.workerNodes: 1\.5 is out of range; /],
        ["workers as a string", { workerNodes: "2" }, /^cluster\.kind\.workerNodes: .*expected number.*; given: "2"$/],
        ["no control plane", { controlPlaneNodes: 0 }, /^cluster\.kind\.controlPlaneNodes: 0 is out of range; allowed: an integer from 1 to 7$/],
        ["upper-case name", { name: "Dev" }, /^cluster\.kind\.name: "Dev" is not a valid cluster name; allowed: 1-40 lowercase letters/],
        ["name starting with a dash", { name: "-dev" }, /^cluster\.kind\.name: "-dev" is not a valid cluster name/],
        ["untagged image", { nodeImage: "kindest/node" }, /^cluster\.kind\.nodeImage: "kindest\/node" is not pinned; allowed: a tag other than "latest"/],
        ["latest image", { nodeImage: "kindest/node:latest" }, /^cluster\.kind\.nodeImage: "kindest\/node:latest" is not pinned/],
        ["short digest", { nodeImage: "kindest/node@sha256:abc" }, /^cluster\.kind\.nodeImage: "kindest\/node@sha256:abc" is not an image reference; allowed: /],
        ["upper-case digest", { nodeImage: `kindest/node@sha256:${"A".repeat(64)}` }, /^cluster\.kind\.nodeImage: "kindest\/node@sha256:A+" is not an image reference/],
        ["untagged image from a registry with a port", { nodeImage: "localhost:5000/kindest/node" },
            /^cluster\.kind\.nodeImage: "localhost:5000\/kindest\/node" is not pinned/],
        ["host port out of range", { extraPortMappings: [{ containerPort: 30080, hostPort: 70000 }] },
            /^cluster\.kind\.extraPortMappings\[0\]\.hostPort: 70000 is out of range; allowed: an integer from 1 to 65535$/],
        ["missing container port", { extraPortMappings: [{ hostPort: 8080 }] },
            /^cluster\.kind\.extraPortMappings\[0\]\.containerPort: required, but missing$/],
        ["bad protocol", { extraPortMappings: [{ containerPort: 1, hostPort: 1, protocol: "tcp" }] },
            /^cluster\.kind\.extraPortMappings\[0\]\.protocol: .*"TCP"\|"UDP"\|"SCTP"; given: "tcp"$/],
        ["bad listen address", { extraPortMappings: [{ containerPort: 1, hostPort: 1, listenAddress: "localhost" }] },
            /^cluster\.kind\.extraPortMappings\[0\]\.listenAddress: "localhost" is not an IP address; allowed: an IPv4 or IPv6 address/],
        ["port mapping typo", { extraPortMappings: [{ containerPort: 1, hostPort: 1, hostport: 2 }] },
            /^cluster\.kind\.extraPortMappings\[0\]\.hostport: unknown key \(did you mean "hostPort"\?\); allowed keys here: containerPort, hostPort, listenAddress, protocol$/],
        ["same host port twice", {
            extraPortMappings: [{ containerPort: 30080, hostPort: 8080 }, { containerPort: 30081, hostPort: 8080, listenAddress: "0.0.0.0" }],
        }, /^cluster\.kind\.extraPortMappings\[1\]\.hostPort: 8080 is already taken: extraPortMappings\[0\] listens on 127\.0\.0\.1:8080\/TCP/],
        ["home-relative mount", { extraMounts: [{ hostPath: "~/data", containerPath: "/data" }] },
            /^cluster\.kind\.extraMounts\[0\]\.hostPath: "~\/data" is not a usable path; allowed: an absolute laptop path, or one relative to the Pulumi project directory/],
        ["relative container path", { extraMounts: [{ hostPath: "/data", containerPath: "data" }] },
            /^cluster\.kind\.extraMounts\[0\]\.containerPath: "data" is not an absolute path/],
        ["container path twice", { extraMounts: [{ hostPath: "/a", containerPath: "/data" }, { hostPath: "/b", containerPath: "/data" }] },
            /^cluster\.kind\.extraMounts\[1\]\.containerPath: "\/data" is already mounted by extraMounts\[0\]/],
        ["readOnly as a string", { extraMounts: [{ hostPath: "/a", containerPath: "/a", readOnly: "yes" }] },
            /^cluster\.kind\.extraMounts\[0\]\.readOnly: .*expected boolean.*; given: "yes"$/],
        ["restricted label", { nodeLabels: { "node-role.kubernetes.io/worker": "" } },
            /^cluster\.kind\.nodeLabels\["node-role\.kubernetes\.io\/worker"\]: the kubelet may not set labels under node-role\.kubernetes\.io\//],
        ["invalid label key", { nodeLabels: { "pool!": "a" } }, /^cluster\.kind\.nodeLabels\["pool!"\]: "pool!" is not a valid label key/],
        ["invalid label value", { nodeLabels: { pool: "a b" } }, /^cluster\.kind\.nodeLabels\.pool: "a b" is not a valid label value; /],
        ["labels without workers", { workerNodes: 0, nodeLabels: { pool: "a" } },
            /^cluster\.kind\.nodeLabels: {"pool":"a"} is set while workerNodes is 0; allowed: no labels when workerNodes is 0/],
        ["timeout without unit", { waitTimeout: "180" }, /^cluster\.kind\.waitTimeout: "180" is not a duration; allowed: a Go duration/],
    ];
    it.each(cases)("rejects %s with one message naming the key, the value and what is allowed", (_case, args, message) => {
        const problems = kindClusterArgsProblems(args, "cluster.kind");
        expect(problems).toHaveLength(1);
        expect(problems[0]).toMatch(message);
    });

    it("lists every problem at once", () => {
        const problems = kindClusterArgsProblems({ workerNodes: -1, nodeImage: "kindest/node", waitTimeout: 5 }, "cluster.kind");
        expect(problems.map((p) => p.split(":")[0])).toEqual(["cluster.kind.nodeImage", "cluster.kind.workerNodes", "cluster.kind.waitTimeout"]);
    });

    it("rejects a section that is not a map", () => {
        expect(kindClusterArgsProblems("dev", "cluster.kind")).toEqual([
            expect.stringMatching(/^cluster\.kind: .*expected object.*; given: "dev"$/),
        ]);
    });
});

describe("hostPathProblems", () => {
    const project = "/home/me/stack";
    const mounts = (...hostPaths: string[]) => ({ extraMounts: hostPaths.map((hostPath, i) => ({ hostPath, containerPath: `/m${i}` })) });

    it("accepts paths inside the project and under allowHostPaths", () => {
        expect(hostPathProblems(mounts(".kind-data", "/home/me/stack/data", "/srv/disk/a"), project, "cluster.kind")).toEqual([
            expect.stringMatching(/^cluster\.kind\.extraMounts\[2\]\.hostPath: "\/srv\/disk\/a" \(\/srv\/disk\/a\) is outside the project directory \/home\/me\/stack; allowed: .*allowHostPaths$/),
        ]);
        expect(hostPathProblems({ ...mounts(".kind-data", "/srv/disk/a"), allowHostPaths: ["/srv/disk"] }, project, "cluster.kind")).toEqual([]);
    });

    it.each([
        ["the root", "/"],
        ["the root by a relative path", "../../../.."],
        ["Docker's socket", "/var/run/docker.sock"],
        ["a directory holding Docker's socket", "/run"],
        ["containerd's socket", "/run/containerd/containerd.sock"],
    ])("refuses %s, even when allowHostPaths names it", (_, hostPath) => {
        const problems = hostPathProblems({ ...mounts(hostPath), allowHostPaths: ["/srv"] }, project, "cluster.kind");
        expect(problems).toEqual([expect.stringMatching(/^cluster\.kind\.extraMounts\[0\]\.hostPath: .* would give the cluster's pods the whole laptop or its container runtime/)]);
    });

    it("judges a path where its symbolic links lead, as Docker mounts it", () => {
        // The project holds links "root" -> / and "sockets" -> /run.
        const realPath = (p: string) => p.replace(/^\/home\/me\/stack\/root$/, "/").replace(/^\/home\/me\/stack\/sockets(?=\/|$)/, "/run");
        expect(hostPathProblems(mounts("root", "sockets/containerd", "data"), project, "cluster.kind", realPath)).toEqual([
            'cluster.kind.extraMounts[0].hostPath: "root" (/) would give the cluster\'s pods the whole laptop or its container runtime; allowed: a data directory',
            'cluster.kind.extraMounts[1].hostPath: "sockets/containerd" (/run/containerd) would give the cluster\'s pods the whole laptop or its container runtime; allowed: a data directory',
        ]);
    });

    it("follows real symbolic links, also below a directory that does not exist yet", () => {
        const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "kind-links-")));
        try {
            fs.symlinkSync("/", path.join(dir, "root"));
            fs.symlinkSync("/var/run", path.join(dir, "run"));
            fs.symlinkSync(os.tmpdir(), path.join(dir, "tmp"));
            expect(realHostPath(path.join(dir, "root", "not-there", "x"))).toBe("/not-there/x");
            expect(hostPathProblems(mounts("root", "run", "./root/.", "tmp/x", "data"), dir, "cluster.kind")).toEqual([
                expect.stringMatching(/^cluster\.kind\.extraMounts\[0\]\.hostPath: "root" \(\/\) would give the cluster's pods the whole laptop/),
                expect.stringMatching(/^cluster\.kind\.extraMounts\[1\]\.hostPath: "run" \(\/(var\/)?run\) would give the cluster's pods the whole laptop/),
                expect.stringMatching(/^cluster\.kind\.extraMounts\[2\]\.hostPath: "\.\/root\/\." \(\/\) would give/),
                expect.stringMatching(/^cluster\.kind\.extraMounts\[3\]\.hostPath: "tmp\/x" \(\S+\) is outside the project directory/),
            ]);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("refuses the node's root as a containerPath, which Docker refuses", () => {
        expect(kindClusterArgsProblems({ extraMounts: [{ hostPath: "data", containerPath: "/" }, { hostPath: "data2", containerPath: "/x/.." }, { hostPath: "d3", containerPath: "/data" }] }, "cluster.kind")).toEqual([
            'cluster.kind.extraMounts[0].containerPath: "/" is the node\'s root directory, which Docker refuses to mount over; allowed: a directory below "/", such as "/data"',
            'cluster.kind.extraMounts[1].containerPath: "/x/.." is the node\'s root directory, which Docker refuses to mount over; allowed: a directory below "/", such as "/data"',
        ]);
    });

    it("refuses an allowHostPaths entry that is the root or holds a runtime socket", () => {
        expect(hostPathProblems({ allowHostPaths: ["/", "/var"] }, project, "cluster.kind")).toEqual([
            expect.stringMatching(/^cluster\.kind\.allowHostPaths\[0\]: "\/" would expose/),
            expect.stringMatching(/^cluster\.kind\.allowHostPaths\[1\]: "\/var" would expose/),
        ]);
    });

    it("bounds waitTimeout", () => {
        expect(kindClusterArgsProblems({ waitTimeout: "59m59s" }, "cluster.kind")).toEqual([]);
        expect(kindClusterArgsProblems({ waitTimeout: "2h" }, "cluster.kind")).toEqual([
            'cluster.kind.waitTimeout: "2h" is longer than 60m; allowed: a Go duration up to "60m"',
        ]);
    });
});
