// The real kind CLI (built by install-tools.sh at the version the README asks for) reads the kind configs KindCluster
// generates. kind asks the container runtime (`docker info`, `docker ps`) before it reads its config, and this machine has
// no Docker engine, so a stand-in `docker` answers exactly those two and refuses everything else: kind then validates
// the config for real, and a good config fails only later, when kind asks the runtime for the node image.
import { execFile, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { withCreateId } from "../../components/kind-cluster-provider";
import { KindClusterArgs, kindClusterArgsProblems, renderKindConfig, resolveKindClusterArgs } from "../../components/kind-config";
import { tool } from "../../scripts/local-cluster/cluster";

/** What `docker info` reports on a usual Linux laptop; the fields kind reads before it looks at its config. */
const DOCKER_INFO = {
    CgroupDriver: "systemd",
    CgroupVersion: "2",
    MemoryLimit: true,
    PidsLimit: true,
    CPUShares: true,
    SecurityOptions: ["name=seccomp,profile=builtin", "name=cgroupns"],
};

/** The marker of kind's step after config validation: reaching it means kind accepted the config. */
const PAST_VALIDATION = "Ensuring node image";

let dir: string;
let env: NodeJS.ProcessEnv;

beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "kind-cli-"));
    const bin = path.join(dir, "bin");
    fs.mkdirSync(bin);
    fs.writeFileSync(path.join(bin, "docker"), [
        "#!/bin/sh",
        `case "$1" in`,
        `  info) echo '${JSON.stringify(DOCKER_INFO)}' ;;`,
        "  ps) ;;",
        `  *) echo "stand-in docker: '$1' is not available (no Docker engine on this machine)" >&2; exit 1 ;;`,
        "esac",
        "",
    ].join("\n"), { mode: 0o755 });
    env = { PATH: `${bin}:/usr/bin:/bin`, HOME: dir, KIND_EXPERIMENTAL_PROVIDER: "docker" };
});

afterAll(() => {
    fs.rmSync(dir, { recursive: true, force: true });
});

/**
 * `kind create cluster` with the config KindCluster generates for `args`, bypassing our own validation. kind retries the
 * image pull for about 10 s before it gives up, so the cases run concurrently.
 */
function kindCreate(args: KindClusterArgs): Promise<{ code: number | null; output: string }> {
    const resolved = resolveKindClusterArgs(args, { defaultName: "kind-cli-test", projectDir: dir });
    const config = fs.mkdtempSync(path.join(dir, "config-")) + "/kind.yaml";
    // As the provider hands it to kind: with the create id on the first control-plane node.
    fs.writeFileSync(config, withCreateId(renderKindConfig(resolved), "0b9d7c1e-5f0a-4c3e-9a51-3d2f8e6b7a40"));
    return new Promise((resolve) => {
        execFile(tool("kind"), ["create", "cluster", "--config", config, "--retain=false"], { env, timeout: 120_000 }, (error, stdout, stderr) => {
            resolve({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, output: `${stdout}${stderr}` });
        });
    });
}

describe.concurrent("the real kind CLI and the configs KindCluster generates", () => {
    it("is the kind version the README asks for", () => {
        const version = spawnSync(tool("kind"), ["version"], { env, encoding: "utf8" }).stdout;
        expect(version).toMatch(/^kind v0\.29\.0 /);
        expect(fs.readFileSync(path.join(__dirname, "..", "..", "README.md"), "utf8")).toContain("kind v0.29.0");
    });

    const good: Array<[string, KindClusterArgs]> = [
        ["the defaults (1 control plane, 2 workers, pinned node image)", {}],
        ["the dev stack's cluster", {
            name: "kube-appstack-dev",
            extraPortMappings: [{ containerPort: 30080, hostPort: 8080 }],
            extraMounts: [{ hostPath: ".kind-data", containerPath: "/kube-appstack-data" }],
        }],
        ["three control planes and no workers", { controlPlaneNodes: 3, workerNodes: 0 }],
        ["port mappings on two addresses, UDP and SCTP", {
            extraPortMappings: [
                { containerPort: 30080, hostPort: 8080 },
                { containerPort: 30080, hostPort: 8080, listenAddress: "127.0.0.2" },
                { containerPort: 30053, hostPort: 5353, protocol: "UDP" },
                { containerPort: 30054, hostPort: 5354, protocol: "SCTP", listenAddress: "::1" },
            ],
        }],
        ["read-only mounts and worker labels", {
            extraMounts: [{ hostPath: "/srv/seed", containerPath: "/seed", readOnly: true }],
            nodeLabels: { "example.com/pool": "apps", "node.kubernetes.io/exclude-from-external-load-balancers": "" },
        }],
    ];
    it.each(good)("accepts %s: kind gets past its validation to the node image", async (_, args) => {
        expect(kindClusterArgsProblems(args, "cluster.kind")).toEqual([]);
        const result = await kindCreate(args);
        expect(result.code).not.toBe(0);
        expect(result.output).toContain(PAST_VALIDATION);
        expect(result.output).toContain("stand-in docker");
    });

    // Each of these is refused by our validation before anything runs, and by kind itself had it been given the config.
    const bad: Array<[string, KindClusterArgs, RegExp, RegExp]> = [
        ["no control-plane node", { controlPlaneNodes: 0 }, /controlPlaneNodes: 0 is out of range/, /must have at least one control-plane node/],
        ["an upper-case cluster name", { name: "Dev" }, /cluster\.kind\.name: "Dev" is not a valid cluster name/, /'Dev' is not a valid cluster name/],
        ["a host port above 65535", { extraPortMappings: [{ containerPort: 80, hostPort: 70000 }] }, /hostPort: 70000 is out of range/, /invalid port number: 70000/],
        ["one host port twice on one address", {
            extraPortMappings: [{ containerPort: 80, hostPort: 8080 }, { containerPort: 81, hostPort: 8080 }],
        }, /is already taken: .* listens on 127\.0\.0\.1:8080\/TCP/, /port mapping with same listen address, port and protocol already configured/],
        ["a wildcard address beside a specific one", {
            extraPortMappings: [{ containerPort: 80, hostPort: 8080 }, { containerPort: 81, hostPort: 8080, listenAddress: "0.0.0.0" }],
        }, /is already taken: .* listens on 127\.0\.0\.1:8080\/TCP/, /port mapping with same listen address, port and protocol already configured/],
    ];
    it.each(bad)("rejects %s, as kind does", async (_, args, ours, kinds) => {
        expect(kindClusterArgsProblems(args, "cluster.kind").join("\n")).toMatch(ours);
        const result = await kindCreate(args);
        expect(result.code).not.toBe(0);
        expect(result.output).toMatch(kinds);
        expect(result.output).not.toContain(PAST_VALIDATION);
    });

    // Stricter than kind on purpose (docs/kind.md and docs/reference/configuration.md: caps and kubelet label rules); kind would create these clusters.
    const stricter: Array<[string, KindClusterArgs, RegExp]> = [
        ["21 workers (a typo's worth of containers on a laptop)", { workerNodes: 21 }, /workerNodes: 21 is out of range/],
        ["a label the kubelet may not set on its own node", { nodeLabels: { "kubernetes.io/role": "db" } }, /may not set labels under kubernetes\.io\//],
        ["a random host port (0)", { extraPortMappings: [{ containerPort: 80, hostPort: 0 }] }, /hostPort: 0 is out of range/],
    ];
    it.each(stricter)("rejects %s, which kind would accept", async (_, args, ours) => {
        expect(kindClusterArgsProblems(args, "cluster.kind").join("\n")).toMatch(ours);
        const result = await kindCreate(args);
        expect(result.output).toContain(PAST_VALIDATION);
    });
});
