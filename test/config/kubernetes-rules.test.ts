// Config the API server would refuse (or take over silently) is refused before anything is deployed, with one message
// naming the key path, the value and what is allowed.
import { describe, expect, it } from "vitest";
import { StackConfigError } from "../../config/load-stack-config";
import { validateStackConfig } from "../../config/validate-stack";

const resources = { requests: { cpu: "250m", memory: "128Mi" }, limits: { cpu: "500m", memory: "256Mi" } };
const web = (extra: Record<string, unknown> = {}) => ({ name: "web", type: "stateless", image: "nginxinc/nginx-unprivileged:1.27.3-alpine", resources, ...extra });
const db = (extra: Record<string, unknown> = {}) => ({ name: "db", type: "stateful", image: "redis:7.4.1-alpine", resources, storage: { size: "1Gi" }, ...extra });

function problems(apps: unknown[], more: Record<string, unknown> = {}): string[] {
    const raw = { cluster: { kubeconfig: { context: "c" } }, namespace: { name: "apps" }, apps, ...more };
    try {
        validateStackConfig("test", raw, ["kube-appstack:token"]);
    } catch (error) {
        expect(error).toBeInstanceOf(StackConfigError);
        return (error as StackConfigError).problems;
    }
    return [];
}

describe("what the API server refuses", () => {
    it("accepts the apps the cases below start from", () => {
        expect(problems([web(), db()])).toEqual([]);
    });

    const cases: Array<[string, unknown[], Record<string, unknown>, RegExp]> = [
        ["a negative quantity", [web({ resources: { ...resources, requests: { cpu: "-1", memory: "128Mi" } } })], {},
            /^kube-appstack:apps\[0\]\.resources\.requests\.cpu: "-1" is not a valid quantity; allowed: .*no sign/],
        ["a quantity with a space", [web({ resources: { ...resources, limits: { cpu: "500m", memory: " 256Mi" } } })], {},
            /^kube-appstack:apps\[0\]\.resources\.limits\.memory: " 256Mi" is not a valid quantity/],
        ["a quantity with a huge exponent", [db({ storage: { size: "1e999999999" } })], {},
            /^kube-appstack:apps\[0\]\.storage\.size: "1e999999999" is not a valid quantity; allowed: .*up to e30/],
        ["maxSurge 0 with the default maxUnavailable 0", [web({ rollout: { maxSurge: 0 } })], {},
            /^kube-appstack:apps\[0\]\.rollout\.maxSurge: maxSurge 0 and maxUnavailable 0 are both zero/],
        ["maxSurge 0% with maxUnavailable 0", [web({ rollout: { maxSurge: "0%", maxUnavailable: 0 } })], {}, /are both zero/],
        ["two volumes with one name", [web({ volumes: [{ name: "a", mountPath: "/a" }, { name: "a", mountPath: "/b" }] })], {},
            /^kube-appstack:apps\[0\]\.volumes\[1\]\.name: "a" is already used by volumes\[0\]/],
        ["two volumes on one path", [web({ volumes: [{ name: "a", mountPath: "/a" }, { name: "b", mountPath: "/a" }] })], {},
            /^kube-appstack:apps\[0\]\.volumes\[1\]\.mountPath: "\/a" is already used by volumes\[0\]/],
        ["a volume on /tmp beside the scratch volume", [web({ volumes: [{ name: "scratch", mountPath: "/tmp" }] })], {},
            /^kube-appstack:apps\[0\]\.volumes\[0\]\.mountPath: "\/tmp" is already used by security\.tmpVolume/],
        ["a volume named like the stateful data volume", [db({ volumes: [{ name: "data", mountPath: "/x" }] })], {},
            /^kube-appstack:apps\[0\]\.volumes\[0\]\.name: "data" is already used by storage/],
        ["a secretKeyRef key a Secret cannot have (found by the conformance test)", [web({ secretEnv: { A: { secretName: "s", key: "a/b" } } })], {},
            /^kube-appstack:apps\[0\]\.secretEnv\.A\.key: "a\/b" is not a valid key; allowed: a key of at most 253 letters, digits, '-', '_' and '\.'/],
        ["an env name with =", [web({ env: { "A=B": "1" } })], {},
            /^kube-appstack:apps\[0\]\.env\["A=B"\]: "A=B" is not a valid environment variable name/],
        ["an env var also set by secretConfig", [web({ env: { TOKEN: "x" }, secretConfig: { TOKEN: "token" } })], {},
            /^kube-appstack:apps\[0\]\.secretConfig\.TOKEN: is already declared in env/],
        ["an invalid label key", [web({ labels: { "team name": "a" } })], {},
            /^kube-appstack:apps\[0\]\.labels\["team name"\]: "team name" is not a valid label key/],
        ["an invalid nodeSelector value", [web({ scheduling: { nodeSelector: { pool: "a b" } } })], {},
            /^kube-appstack:apps\[0\]\.scheduling\.nodeSelector\.pool: "a b" is not a valid label value/],
        ["an upper-case digest", [web({ image: `redis@sha256:${"A".repeat(64)}` })], {},
            /^kube-appstack:apps\[0\]\.image: "redis@sha256:A+" is not an image reference/],
        ["a stateful name whose pods' revision label would pass 63 characters", [db({ name: "d".repeat(53) })], {},
            /^kube-appstack:apps\[0\]\.name: "d{53}" has 53 characters; allowed: at most 52 for a stateful app/],
        ["a stateless app named like a stateful app's headless Service", [db({ name: "cache" }), web({ name: "cache-headless" })], {},
            /^kube-appstack:apps\[1\]\.name: makes Service apps\/cache-headless, which apps\[0\] makes too/],
        ["a storage entry named like a stateful app's first claim", [db()], { storage: [{ name: "data-db-0", size: "1Gi", hostPath: "/d" }] },
            /^kube-appstack:storage\[0\]\.name: makes PersistentVolumeClaim apps\/data-db-0, which apps\[0\] makes too/],
        ["one nodePort for two apps", [web({ service: { type: "NodePort", nodePort: 30080 } }), web({ name: "api", service: { type: "NodePort", nodePort: 30080 } })], {},
            /^kube-appstack:apps\[1\]: nodePort 30080 is already taken by apps\[0\]/],
        ["a LimitRange defaultRequest above its default", [web()], {
            namespace: { name: "apps", limitRange: { defaultRequest: { cpu: "2", memory: "128Mi" }, default: { cpu: "1", memory: "256Mi" } } },
        }, /^kube-appstack:namespace\.limitRange\.default\.cpu: "1" is below defaultRequest\.cpu \("2"\)/],
        ["a PDB minAvailable that reaches the app's most replicas", [web({ replicas: 2, disruption: { minAvailable: 2 } })], {},
            /^kube-appstack:apps\[0\]\.disruption\.minAvailable: 2 reaches the most replicas the app runs \(2\), .*allowed: at most 1$/],
        ["replicas beside autoscaling", [web({ replicas: 3, autoscaling: { maxReplicas: 5 } })], {},
            /^kube-appstack:apps\[0\]\.replicas: 3 is set together with autoscaling/],
        ["a __proto__ key, which a JavaScript map would swallow", [web({ env: JSON.parse('{"__proto__": "x"}') })], {},
            /^kube-appstack:apps\[0\]\.env\.__proto__: "__proto__" cannot be used as a key/],
        ["an app named like a metrics-server object in its namespace", [web({ name: "metrics-server" })], {
            cluster: { kind: { name: "dev" } }, namespace: { name: "kube-system", podSecurity: "privileged" },
        }, /^kube-appstack:apps\[0\]\.name: makes ServiceAccount kube-system\/metrics-server and Deployment kube-system\/metrics-server and Service kube-system\/metrics-server, which cluster\.metricsServer makes too/],
        ["one pull Secret named twice", [web({ imagePullSecrets: ["y", "y"] })], {},
            /^kube-appstack:apps\[0\]\.imagePullSecrets: \["y","y"\] names a Secret twice; allowed: each Secret once/],
        ["an RBAC rule with a wildcard verb", [web({ serviceAccount: { rules: [{ apiGroups: [""], resources: ["pods"], verbs: ["*"] }] } })], {},
            /^kube-appstack:apps\[0\]\.serviceAccount\.rules\[0\]\.verbs\[0\]: Invalid option: expected one of "get"\|"list"\|"watch".*; given: "\*"$/],
        ["an RBAC rule on every resource", [web({ serviceAccount: { rules: [{ apiGroups: [""], resources: ["*"], verbs: ["get"] }] } })], {},
            /^kube-appstack:apps\[0\]\.serviceAccount\.rules\[0\]\.resources\[0\]: "\*" is a wildcard; allowed: resources named one by one/],
        ["an RBAC rule on every API group", [web({ serviceAccount: { rules: [{ apiGroups: ["*"], resources: ["pods"], verbs: ["get"] }] } })], {},
            /^kube-appstack:apps\[0\]\.serviceAccount\.rules\[0\]\.apiGroups\[0\]: "\*" is a wildcard/],
        ["an empty list of RBAC rules", [web({ serviceAccount: { rules: [] } })], {}, /^kube-appstack:apps\[0\]\.serviceAccount\.rules: /],
        ["an annotation key the API server refuses", [db({ serviceAccount: { annotations: { "bad key": "x" } } })], {},
            /^kube-appstack:apps\[0\]\.serviceAccount\.annotations(\.|\[)"?bad key"?\]?: "bad key" is not a valid annotation key/],
        ["an annotation Pulumi's provider reads, on any object's annotations", [db({ serviceAccount: { annotations: { "pulumi.com/skipAwait": "true" } } })], {},
            /^kube-appstack:apps\[0\]\.serviceAccount\.annotations\["pulumi\.com\/skipAwait"\]: is read by Pulumi's Kubernetes provider, whose annotations the stack sets; allowed: an annotation outside pulumi\.com\/$/],
        ["a pull secret that is no valid name", [web({ imagePullSecrets: ["Registry_Cred"] })], {},
            /^kube-appstack:apps\[0\]\.imagePullSecrets\[0\]: "Registry_Cred" is not a valid name/],
        ["a secret file whose config key is not set", [web({ secretFiles: { "/etc/tls/tls.key": "tlsKey" } })], {},
            /^kube-appstack:apps\[0\]\.secretFiles\["\/etc\/tls\/tls\.key"\]: config key "kube-appstack:tlsKey" is not set; allowed: a key set with `pulumi config set --secret tlsKey <value>`$/],
        ["a secret file on a config file's path", [web({ configFiles: { "/etc/app.conf": { content: "x" } }, secretFiles: { "/etc/app.conf": "token" } })], {},
            /^kube-appstack:apps\[0\]\.secretFiles\["\/etc\/app\.conf"\]: "\/etc\/app\.conf" is already used by configFiles\["\/etc\/app\.conf"\]/],
        ["a secret file at a relative path", [web({ secretFiles: { "tls.key": "token" } })], {}, /^kube-appstack:apps\[0\]\.secretFiles.*"tls\.key" is not an absolute path/],
        ["a registry credential whose config key is not set", [web({ registryCredentials: [{ server: "ghcr.io", username: "bot", passwordSecret: "ghcrToken" }] })], {},
            /^kube-appstack:apps\[0\]\.registryCredentials\[0\]\.passwordSecret: config key "kube-appstack:ghcrToken" is not set/],
        ["one registry twice", [web({ registryCredentials: [{ server: "ghcr.io", username: "a", passwordSecret: "token" }, { server: "ghcr.io", username: "b", passwordSecret: "token" }] })], {},
            /^kube-appstack:apps\[0\]\.registryCredentials\[1\]\.server: "ghcr\.io" is already given; allowed: each registry once/],
        ["a registry user name with a colon", [db({ registryCredentials: [{ server: "ghcr.io", username: "a:b", passwordSecret: "token" }] })], {},
            /^kube-appstack:apps\[0\]\.registryCredentials\[0\]\.username: "a:b" contains ":"/],
        ["a registry given as a URL", [web({ registryCredentials: [{ server: "https://ghcr.io", username: "a", passwordSecret: "token" }] })], {},
            /^kube-appstack:apps\[0\]\.registryCredentials\[0\]\.server: "https:\/\/ghcr\.io" is not a registry host/],
        // Found by the conformance test against the live API server (test/integration/conformance.test.ts):
        ["a StorageClass name that is no DNS subdomain", [web()], { storage: [{ name: "d", size: "1Gi", hostPath: "/d", storageClassName: "Fast_SSD" }] },
            /^kube-appstack:storage\[0\]\.storageClassName: "Fast_SSD" is not a valid name; allowed: a DNS-1123 subdomain/],
        ["ReadWriteOncePod with another access mode", [db({ storage: { size: "1Gi", accessModes: ["ReadWriteOncePod", "ReadWriteOnce"] } })], {},
            /^kube-appstack:apps\[0\]\.storage\.accessModes: .* combines ReadWriteOncePod with other modes/],
        ["an access mode named twice", [web()], { storage: [{ name: "d", size: "1Gi", hostPath: "/d", accessModes: ["ReadWriteOnce", "ReadWriteOnce"] }] },
            /^kube-appstack:storage\[0\]\.accessModes: .* names a mode twice/],
        ["an empty list of scaling policies", [web({ autoscaling: { maxReplicas: 3, behavior: { scaleUp: { policies: [] } } } })], {},
            /^kube-appstack:apps\[0\]\.autoscaling\.behavior\.scaleUp\.policies: \[\] is empty; allowed: at least one policy, or no policies key$/],
        ["a progress deadline not above minReadySeconds", [web({ rollout: { minReadySeconds: 30, progressDeadlineSeconds: 30 } })], {},
            /^kube-appstack:apps\[0\]\.rollout\.progressDeadlineSeconds: progressDeadlineSeconds 30 is not above minReadySeconds 30/],
        ["a fractional pod quota", [web()], { namespace: { name: "apps", quota: { pods: "1500m" } } },
            /^kube-appstack:namespace\.quota\.pods: "1500m" is not a whole number/],
        ["an affinity term naming an invalid namespace", [web({ scheduling: { affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: "kubernetes.io/hostname", namespaces: ["Apps"] }] } } } })], {},
            /podAntiAffinity\.requiredDuringSchedulingIgnoredDuringExecution\[0\]\.namespaces\[0\]: "Apps" is not a valid name/],
        ["a local volume on a node name that is no label value", [web()], { storage: [{ name: "d", size: "1Gi", local: { path: "/d", nodeNames: ["node one"] } }] },
            /^kube-appstack:storage\[0\]\.local\.nodeNames\[0\]: "node one" is not a valid label value/],
        ["a node affinity requirement without values for In", [web({ scheduling: { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: "zone", operator: "In" }] }] } } } } })], {},
            /matchExpressions\[0\]\.values: 0 value\(s\) with operator In; allowed: at least one value/],
        ["a toleration with an unknown field", [web({ scheduling: { tolerations: [{ key: "gpu", operator: "Exists", effect: "NoSchedule", seconds: 5 }] } })], {},
            /^kube-appstack:apps\[0\]\.scheduling\.tolerations\[0\]\.seconds: unknown key/],
        ["tolerationSeconds without NoExecute", [web({ scheduling: { tolerations: [{ key: "gpu", operator: "Exists", effect: "NoSchedule", tolerationSeconds: 5 }] } })], {},
            /tolerations\[0\]\.tolerationSeconds: is set with effect "NoSchedule"; allowed: only with effect NoExecute/],
        ["an app name starting with a digit, which no Service may have", [web({ name: "1e9" })], {},
            /^kube-appstack:apps\[0\]\.name: "1e9" is not a valid name; allowed: a DNS-1035 label/],
        ["a storage size of zero", [web()], { storage: [{ name: "d", size: "0", hostPath: "/d" }] },
            /^kube-appstack:storage\[0\]\.size: "0" is not above zero/],
        ["a quota key that is no resource name", [web()], { namespace: { name: "apps", quota: { "requests cpu": "4" } } },
            /^kube-appstack:namespace\.quota\["requests cpu"\]: "requests cpu" is not a valid resource name/],
        // Found by a hostile-input review:
        ["a nodePort on a Service of the default type ClusterIP", [web({ service: { nodePort: 30080 } })], {},
            /^kube-appstack:apps\[0\]\.service\.nodePort: 30080 is set on a Service of type ClusterIP \(the default\), which has no node port; allowed: nodePort with type NodePort or LoadBalancer, or no nodePort$/],
        ["a nodePort on a stateful app's ClusterIP client Service", [db({ clientService: { type: "ClusterIP", nodePort: 30081 } })], {},
            /^kube-appstack:apps\[0\]\.clientService\.nodePort: 30081 is set on a Service of type ClusterIP, which has no node port; allowed: nodePort with type NodePort or LoadBalancer, or no nodePort$/],
        ["a stateful data volume on /tmp beside the scratch volume", [db({ storage: { size: "1Gi", mountPath: "/tmp" } })], {},
            /^kube-appstack:apps\[0\]\.storage\.mountPath: "\/tmp" is already used by security\.tmpVolume; allowed: a mountPath unique within the app$/],
        ["a rollout maxUnavailable above 100%", [web({ rollout: { maxUnavailable: "150%" } })], {},
            /^kube-appstack:apps\[0\]\.rollout\.maxUnavailable: "150%" is above 100%; allowed: an integer >= 0 or a percentage from "0%" to "100%"$/],
        ["a PDB minAvailable above 100%", [web({ disruption: { minAvailable: "150%" } })], {},
            /^kube-appstack:apps\[0\]\.disruption\.minAvailable: "150%" is above 100%; allowed: /],
        ["a PDB maxUnavailable above 100%", [db({ replicas: 3, disruption: { maxUnavailable: "101%" } })], {},
            /^kube-appstack:apps\[0\]\.disruption\.maxUnavailable: "101%" is above 100%; allowed: /],
        ["a quota key with a typo, which no quota resource has", [web()], { namespace: { name: "apps", quota: { "limits.memroy": "8Gi" } } },
            /^kube-appstack:namespace\.quota\["limits\.memroy"\]: "limits\.memroy" is not a quota resource \(did you mean "limits\.memory"\?\); allowed: one of "cpu", .*"requests\.hugepages-<size>", or a qualified name with a "\/" such as "count\/deployments\.apps"$/],
        ["a quota key the API server knows for containers but not for quotas", [web()], { namespace: { name: "apps", quota: { storage: "1Ti" } } },
            /^kube-appstack:namespace\.quota\.storage: "storage" is not a quota resource/],
        ["a fractional quota of an extended resource", [web()], { namespace: { name: "apps", quota: { "nvidia.com/gpu": "500m" } } },
            /^kube-appstack:namespace\.quota\["nvidia\.com\/gpu"\]: "500m" is not a whole number; allowed: a whole number of nvidia\.com\/gpu$/],
        ["an image name with two separators in a row", [web({ image: "x..y:1" })], {},
            /^kube-appstack:apps\[0\]\.image: "x\.\.y:1" is not an image reference/],
        ["an app label the stack sets itself", [web({ labels: { "app.kubernetes.io/name": "other" } })], {},
            /^kube-appstack:apps\[0\]\.labels\["app\.kubernetes\.io\/name"\]: "app\.kubernetes\.io\/name" is a label the stack sets itself; allowed: any label key but "app\.kubernetes\.io\/name", "app\.kubernetes\.io\/instance", "app\.kubernetes\.io\/component", "app\.kubernetes\.io\/part-of", "app\.kubernetes\.io\/managed-by", "kube-appstack\.io\/metrics", "backup\.kube-appstack\.io\/app", "backup\.kube-appstack\.io\/claim"$/],
        ["a monitoring label the stack sets itself", [web({ monitoring: { prometheusOperator: true, labels: { "app.kubernetes.io/managed-by": "helm" } } })], {},
            /^kube-appstack:apps\[0\]\.monitoring\.labels\["app\.kubernetes\.io\/managed-by"\]: "app\.kubernetes\.io\/managed-by" is a label the stack sets itself/],
    ];
    it("accepts what the API server takes next to what it refuses", () => {
        expect(problems([
            web({ service: { type: "NodePort", nodePort: 30080 }, rollout: { maxSurge: "200%", maxUnavailable: "100%" }, disruption: { maxUnavailable: "100%" }, labels: { team: "a", "app.kubernetes.io/version": "1" } }),
            db({ clientService: { type: "LoadBalancer", nodePort: 30081 }, storage: { size: "1Gi", mountPath: "/tmp/data" }, disruption: { minAvailable: "100%" } }),
        ], { namespace: { name: "apps", quota: {
            "limits.memory": "8Gi", "hugepages-2Mi": "1Gi", "requests.hugepages-1Gi": "2Gi", "count/deployments.apps": "10", "requests.nvidia.com/gpu": "500m",
            "gold.storageclass.storage.k8s.io/requests.storage": "500Gi", "example.com/foo": "2",
        } } })).toEqual([]);
    });

    it("refuses a stack whose name makes no valid default kind cluster name", () => {
        const raw = { cluster: { kind: {} }, namespace: { name: "apps" }, apps: [web()] };
        expect(() => validateStackConfig("Dev_Laptop", raw, [])).toThrow(
            /kube-appstack:cluster\.kind\.name: not set, and the default "kube-appstack-Dev_Laptop" \(from the stack name\) is not a valid kind cluster name/,
        );
        expect(validateStackConfig("Dev_Laptop", { ...raw, cluster: { kind: { name: "dev" } } }, []).cluster.kind?.name).toBe("dev");
    });

    it.each(cases)("refuses %s", (_, apps, more, message) => {
        const found = problems(apps, more);
        expect(found).toHaveLength(1);
        expect(found[0]).toMatch(message);
    });
});
