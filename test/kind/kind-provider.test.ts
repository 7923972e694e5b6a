import * as fs from "fs";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { KindClusterOutputs, kindClusterProvider as provider } from "../../components/kind-cluster-provider";
import { KIND_TEST_OWNER, KindTestEnv, kindInputs, useFakeKind } from "./kind-env";

let env: KindTestEnv;
beforeEach(() => {
    env = useFakeKind();
});
afterEach(() => {
    env.restore();
    vi.restoreAllMocks();
});

const tempFile = expect.stringMatching(new RegExp(`^${os.tmpdir()}/kube-appstack-kind-`));

async function created(args = {}): Promise<KindClusterOutputs> {
    return (await provider.create(kindInputs(args))).outs;
}

describe("create", () => {
    it("checks the name is free, creates the cluster from a config file into a private kubeconfig, then lists the nodes", async () => {
        const inputs = kindInputs({ waitTimeout: "5m" });
        const result = await provider.create(inputs);

        expect(env.fake.calls()).toEqual([
            ["get", "clusters"],
            ["create", "cluster", "--name", "dev", "--config", tempFile, "--kubeconfig", tempFile, "--wait", "5m"],
            ["get", "nodes", "--name", "dev"],
        ]);
        // kind gets our config with the create's random id as a label of the first control-plane node (see recovery below).
        const given = env.fake.configOf("dev") ?? "";
        expect(given).toMatch(/^ {2}- role: control-plane\n {4}labels:\n {6}kube-appstack\.io\/create-id: [0-9a-f-]{36}\n/m);
        expect(given.replace(/\n {4}labels:\n {6}kube-appstack\.io\/create-id: \S+/, "")).toBe(inputs.kindConfig);
        expect(result.id).toBe("dev");
        expect(result.outs).toMatchObject({
            ...inputs,
            contextName: "kind-dev",
            apiServerEndpoint: "https://127.0.0.1:40000",
            nodeNames: ["dev-control-plane", "dev-worker", "dev-worker2"],
        });
        expect(result.outs.kubeconfig).toContain("current-context: kind-dev");
        // The temporary config and kubeconfig are gone, and no interrupted-create marker is left.
        const [, create] = env.fake.calls();
        expect(fs.existsSync(create[5])).toBe(false);
        expect(fs.existsSync(create[7])).toBe(false);
        expect(fs.existsSync(env.marker("dev"))).toBe(false);
    });

    it("follows the node counts of the config", async () => {
        const outs = await created({ controlPlaneNodes: 3, workerNodes: 1 });
        expect(outs.nodeNames).toEqual(["dev-control-plane", "dev-control-plane2", "dev-control-plane3", "dev-worker"]);
    });
});

describe("read", () => {
    it("refreshes the kubeconfig and nodes of a cluster that exists", async () => {
        const outs = await created();
        const result = await provider.read("dev", outs);
        expect(result).toEqual({ id: "dev", props: outs });
        expect(env.fake.calls().slice(3)).toEqual([
            ["get", "clusters"],
            ["get", "kubeconfig", "--name", "dev"],
            ["get", "nodes", "--name", "dev"],
        ]);
    });

    it("reports a cluster deleted by hand as gone, so the next up creates it again", async () => {
        const outs = await created();
        env.fake.removeCluster("dev");
        expect(await provider.read("dev", outs)).toEqual({ id: "", props: {} });
    });
});

describe("diff", () => {
    it("reports no change for the same args, even with labels in another order", async () => {
        const outs = await created({ nodeLabels: { a: "1", b: "2" } });
        expect(await provider.diff("dev", outs, kindInputs({ nodeLabels: { b: "2", a: "1" } }))).toEqual({ changes: false });
    });

    it("replaces the cluster, deleting it first, on any change to its shape and says why in the preview", async () => {
        const outs = await created();
        const stderr = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
        const diff = await provider.diff("dev", outs, kindInputs({ workerNodes: 3 }));
        expect(diff).toEqual({ changes: true, replaces: ["workerNodes", "kindConfig"], deleteBeforeReplace: true });
        expect(stderr).toHaveBeenCalledWith(expect.stringMatching(
            /^kind cannot change a running cluster: kind cluster "dev" will be deleted and created again because workerNodes, kindConfig changed/,
        ));

        const moved = await provider.diff("dev", outs, kindInputs({ extraPortMappings: [{ containerPort: 30080, hostPort: 8081 }] }));
        expect(moved.replaces).toEqual(["extraPortMappings", "kindConfig"]);
        const image = "kindest/node:v1.32.5@sha256:e3b2327e3a5ab8c76f5ece68936e4cafaa82edf58486b769727ab0b3b97a5b0d";
        expect((await provider.diff("dev", outs, kindInputs({ nodeImage: image }))).replaces).toEqual(["nodeImage", "kindConfig"]);
        expect((await provider.diff("dev", outs, kindInputs({ name: "dev2" }))).replaces).toEqual(["name", "kindConfig"]);
    });

    it("updates in place when only the wait timeout changes: it matters only while creating", async () => {
        const outs = await created();
        const news = kindInputs({ waitTimeout: "10m" });
        expect(await provider.diff("dev", outs, news)).toEqual({ changes: true });
        const callsBefore = env.fake.calls().length;
        expect(await provider.update("dev", outs, news)).toEqual({ outs: { ...outs, waitTimeout: "10m" } });
        expect(env.fake.calls()).toHaveLength(callsBefore);
    });
});

describe("delete", () => {
    it("deletes the cluster without touching the user's kubeconfig, and succeeds when it is already gone", async () => {
        const outs = await created();
        await provider.delete("dev", outs);
        expect(env.fake.calls().at(-1)).toEqual(["delete", "cluster", "--name", "dev", "--kubeconfig", tempFile]);
        expect(env.fake.clusters()).toEqual([]);
        await expect(provider.delete("dev", outs)).resolves.toBeUndefined();
    });
});

describe("errors say what to do and carry kind's stderr", () => {
    it("kind not on PATH", async () => {
        const empty = fs.mkdtempSync(path.join(os.tmpdir(), "no-kind-"));
        process.env.PATH = empty;
        const message = /^kind is not on PATH \(the `kind` command was not found\)\. .*install kind v0\.29\.0 or newer/;
        await expect(provider.create(kindInputs())).rejects.toThrow(message);
        await expect(provider.read("dev", {} as KindClusterOutputs)).rejects.toThrow(message);
        await expect(provider.delete("dev", {} as KindClusterOutputs)).rejects.toThrow(message);
        fs.rmSync(empty, { recursive: true });
    });

    it("Docker not running", async () => {
        const stderr = "ERROR: failed to list clusters: command \"docker ps -a --filter label=io.x-k8s.kind.cluster\" failed with error: exit status 1\n" +
            "Command Output: Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?\n";
        env.fake.failNext({ command: "get clusters", stderr });
        const error = await provider.create(kindInputs()).catch((e: Error) => e);
        expect(error).toBeInstanceOf(Error);
        expect((error as Error).message.split("\n")).toEqual([
            "Docker is not running, so kind cannot create or inspect cluster \"dev\": start Docker (Docker Desktop, or " +
            "`sudo systemctl start docker` on Linux), check that `docker ps` works, then run `pulumi up` again.",
            "`kind get clusters` exited with code 1.",
            "kind's stderr:",
            ...stderr.trim().split("\n"),
        ]);
        expect(env.fake.calls()).toEqual([["get", "clusters"]]);
    });

    it("Docker not installed, or not allowed for this user", async () => {
        env.fake.failNext({ command: "get clusters", stderr: "ERROR: failed to list clusters: exec: \"docker\": executable file not found in $PATH\n" });
        await expect(provider.create(kindInputs())).rejects.toThrow(/^kind found no container engine: install Docker/);
        env.fake.failNext({
            command: "get clusters",
            stderr: "permission denied while trying to connect to the Docker daemon socket at unix:///var/run/docker.sock\n",
        });
        await expect(provider.create(kindInputs())).rejects.toThrow(/^Docker refused the connection for this user: add the user to the docker group/);
    });

    it("a cluster name taken by a cluster this stack does not own: left alone", async () => {
        env.fake.addCluster("dev");
        await expect(provider.create(kindInputs())).rejects.toThrow(
            "A kind cluster named \"dev\" already exists and this Pulumi stack does not own it. Delete it with " +
            "`kind delete cluster --name dev` if you no longer need it, or give this stack's cluster another name",
        );
        expect(env.fake.calls()).toEqual([["get", "clusters"]]);
        expect(env.fake.clusters()).toEqual(["dev"]);
    });

    it("an invalid node image: the partial cluster is cleaned up", async () => {
        env.fake.failNext({
            command: "create cluster",
            stderr: "Creating cluster \"dev\" ...\n ✗ Ensuring node image (kindest/node:v9.9.9) 🖼\nERROR: failed to create cluster: failed to pull image " +
                "\"kindest/node:v9.9.9\": command \"docker pull kindest/node:v9.9.9\" failed with error: exit status 1\n" +
                "Command Output: Error response from daemon: manifest for kindest/node:v9.9.9 not found: manifest unknown: manifest unknown\n",
        });
        const error = (await provider.create(kindInputs({ nodeImage: "kindest/node:v9.9.9" })).catch((e: Error) => e)) as Error;
        expect(error.message).toMatch(/^kind could not pull the node image "kindest\/node:v9\.9\.9": set nodeImage to a kindest\/node image listed in the release notes/);
        expect(error.message).toContain("manifest for kindest/node:v9.9.9 not found");
        expect(error.message).toContain("The partial cluster \"dev\" was deleted.");
        expect(env.fake.calls().at(-1)).toEqual(["delete", "cluster", "--name", "dev", "--kubeconfig", tempFile]);
        expect(fs.existsSync(env.marker("dev"))).toBe(false);
    });

    it("a host port already in use on the laptop: refused before anything is created", async () => {
        const server = net.createServer();
        await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
        const port = (server.address() as net.AddressInfo).port;
        try {
            await expect(provider.create(kindInputs({ extraPortMappings: [{ containerPort: 30080, hostPort: port }] }))).rejects.toThrow(
                `Cannot create kind cluster "dev": extraPortMappings[0]: 127.0.0.1:${port}/TCP is already in use. Stop what listens there`,
            );
        } finally {
            server.close();
        }
        expect(env.fake.calls()).toEqual([["get", "clusters"]]);
    });

    it("a host port taken inside Docker (seen only by kind): the partial cluster is cleaned up", async () => {
        env.fake.failNext({
            command: "create cluster",
            partial: true,
            stderr: "ERROR: failed to create cluster: command \"docker run --name dev-control-plane ...\" failed with error: exit status 125\n" +
                "Command Output: docker: Error response from daemon: driver failed programming external connectivity on endpoint " +
                "dev-control-plane: Bind for 127.0.0.1:8080 failed: port is already allocated.\n",
        });
        const error = (await provider.create(kindInputs()).catch((e: Error) => e)) as Error;
        expect(error.message).toMatch(/^A host port in extraPortMappings is already in use \(by another kind cluster\? see `kind get clusters`\)/);
        expect(error.message).toContain("Bind for 127.0.0.1:8080 failed: port is already allocated.");
        expect(error.message).toContain("The partial cluster \"dev\" was deleted.");
        expect(env.fake.clusters()).toEqual([]);
    });

    it("an unrecognised failure still names the command and shows kind's stderr", async () => {
        env.fake.failNext({ command: "create cluster", exitCode: 2, stderr: "ERROR: something new went wrong\n" });
        await expect(provider.create(kindInputs())).rejects.toThrow(
            /^`kind create cluster --name dev --config \S+ --kubeconfig \S+ --wait 180s` exited with code 2\.\nkind's stderr:\nERROR: something new went wrong\nThe partial cluster "dev" was deleted\.$/,
        );
    });

    it("a half-made cluster that could not be cleaned up is recognised as ours and replaced on the next create", async () => {
        env.fake.failNext({ command: "create cluster", partial: true, stderr: "ERROR: failed to create cluster: interrupted\n" });
        env.fake.failNext({ command: "delete cluster", stderr: "ERROR: failed to delete cluster \"dev\": docker rm failed\n" });
        await expect(provider.create(kindInputs())).rejects.toThrow(
            "Deleting the partial cluster \"dev\" failed too; run `kind delete cluster --name dev` before the next `pulumi up`.",
        );
        expect(env.fake.clusters()).toEqual(["dev"]);
        expect(fs.existsSync(env.marker("dev"))).toBe(true);

        const outs = await created();
        expect(env.fake.calls().slice(-4)).toEqual([
            ["get", "clusters"],
            ["delete", "cluster", "--name", "dev", "--kubeconfig", tempFile],
            ["create", "cluster", "--name", "dev", "--config", tempFile, "--kubeconfig", tempFile, "--wait", "180s"],
            ["get", "nodes", "--name", "dev"],
        ]);
        expect(outs.contextName).toBe("kind-dev");
        expect(fs.existsSync(env.marker("dev"))).toBe(false);
    });

    it("an interrupted create's marker of another stack never lets create delete a same-named cluster", async () => {
        env.fake.addCluster("dev");
        fs.mkdirSync(path.dirname(env.marker("dev")), { recursive: true });
        fs.writeFileSync(env.marker("dev"), JSON.stringify({ owner: "other-project/dev", createId: "1" }));
        await expect(provider.create(kindInputs())).rejects.toThrow(/^A kind cluster named "dev" already exists and this Pulumi stack does not own it/);
        expect(env.fake.clusters()).toEqual(["dev"]);
        expect(env.fake.calls().map((argv) => argv[0])).not.toContain("delete");
    });

    it.each([
        ["this stack's marker, but a cluster without its create id", (id: string) => JSON.stringify({ owner: KIND_TEST_OWNER, createId: id })],
        ["a marker from an older version (no owner, no id)", () => "kind create cluster --name dev started by pid 1\n"],
    ])("%s: the cluster is left alone", async (_, marker) => {
        env.fake.addCluster("dev"); // made by hand: no create id of ours
        fs.mkdirSync(path.dirname(env.marker("dev")), { recursive: true });
        fs.writeFileSync(env.marker("dev"), marker("4c0ffee0-0000-4000-8000-000000000000"));
        const error = (await provider.create(kindInputs()).catch((e: Error) => e)) as Error;
        expect(error.message).toMatch(/already exists and this Pulumi stack does not own it/);
        expect(env.fake.clusters()).toEqual(["dev"]);
        expect(env.fake.calls().map((argv) => argv[0])).not.toContain("delete");
    });

    it("never puts kubeconfig credentials in an error", async () => {
        const outs = await created();
        env.fake.setKubeconfig("dev", "apiVersion: v1\nusers:\n- name: kind-dev\n  user:\n    client-key-data: S0VZLVNFQ1JFVA==\n    token: abc.def\n");
        const error = (await provider.read("dev", outs).catch((e: Error) => e)) as Error;
        expect(error.message).toMatch(/without a `server:` line/);
        expect(error.message).not.toMatch(/S0VZLVNFQ1JFVA|abc\.def/);
        env.fake.failNext({
            command: "create cluster",
            stderr: "ERROR: failed\n    client-key-data: S0VZLVNFQ1JFVA==\n-----BEGIN RSA PRIVATE KEY-----\nMIIEsecret\n-----END RSA PRIVATE KEY-----\n",
        });
        const failed = (await provider.create(kindInputs({ name: "other" })).catch((e: Error) => e)) as Error;
        expect(failed.message).toContain("client-key-data: <redacted>");
        expect(failed.message).toContain("<redacted PEM block>");
        expect(failed.message).not.toMatch(/S0VZLVNFQ1JFVA|MIIEsecret/);
    });

    it("a failing delete keeps the resource (Pulumi retries) and says why", async () => {
        const outs = await created();
        env.fake.failNext({ command: "delete cluster", stderr: "Cannot connect to the Docker daemon at unix:///var/run/docker.sock.\n" });
        await expect(provider.delete("dev", outs)).rejects.toThrow(/^Docker is not running, so kind cannot create or inspect cluster "dev"/);
        expect(env.fake.clusters()).toEqual(["dev"]);
    });
});
