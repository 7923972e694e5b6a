// Kubernetes runs init containers and sidecars (init containers with restartPolicy Always) as it runs the app's: every
// container rule checks them, and fires for one that breaks it while the app container complies.
import { describe, expect, it } from "vitest";
import { checkObjects } from "../../policies/check";
import { defaultPolicyConfig } from "../../policies/policy-config";
import { statelessAppObjects } from "../../components/specs/stateless-app";
import { compliantStack, container, deployment, messagesOf, withFields } from "./objects";

const INIT = "spec.template.spec.initContainers";
const init = (fields: Record<string, unknown> = {}) => withFields(container("migrate"), { readinessProbe: undefined, livenessProbe: undefined, ports: undefined, ...fields });
const sidecar = (fields: Record<string, unknown> = {}) => init({ name: "proxy", restartPolicy: "Always", ...fields });

const cases: Array<[rule: string, breaks: Record<string, unknown>, problem: string]> = [
    ["resource-requests-required", { "resources.requests": undefined }, "sets no cpu or memory request"],
    ["resource-limits-required", { "resources.limits": { cpu: "1" } }, "sets no memory limit"],
    ["limits-not-below-requests", { "resources.limits.memory": "64Mi" }, "limits memory to 64Mi, below its request of 128Mi"],
    ["image-tag-pinned", { image: "registry.example.com/shop/app:latest" }, 'uses image "registry.example.com/shop/app:latest" with the mutable tag "latest"'],
    ["run-as-non-root", { "securityContext.runAsUser": 0 }, "runs as root (runAsUser: 0)"],
    ["no-privilege-escalation", { "securityContext.allowPrivilegeEscalation": true }, "does not set allowPrivilegeEscalation: false"],
    ["read-only-root-filesystem", { "securityContext.readOnlyRootFilesystem": false }, "does not set readOnlyRootFilesystem: true"],
    ["drop-all-capabilities", { "securityContext.capabilities": { drop: ["ALL"], add: ["SYS_ADMIN"] } }, "adds capabilities SYS_ADMIN"],
    ["no-host-ports", { ports: [{ name: "admin", containerPort: 9901, hostPort: 9901 }] }, "binds host port 9901"],
];

describe("container rules on init containers and sidecars", () => {
    it("are quiet for compliant ones", () => {
        const [web, ...rest] = compliantStack();
        expect(checkObjects([withFields(web, { [INIT]: [sidecar(), init()] }), ...rest], defaultPolicyConfig())).toEqual([]);
    });

    it.each(cases)("%s fires for an init container and a sidecar that break it", (rule, breaks, problem) => {
        expect(messagesOf(rule, withFields(deployment(), { [INIT]: [init(breaks)] }))).toEqual([`init container "migrate" ${problem}`]);
        expect(messagesOf(rule, withFields(deployment(), { [INIT]: [sidecar(breaks)] }))).toEqual([`sidecar "proxy" ${problem}`]);
    });

    it("ask no sidecar or init container for probes: a sidecar's are optional, an init container's not allowed", () => {
        const web = withFields(deployment(), { [INIT]: [sidecar(), init()] });
        expect(messagesOf("readiness-probe-required", web)).toEqual([]);
        expect(messagesOf("liveness-probe-required", web)).toEqual([]);
    });

    it("pass the init containers and sidecars the builders make", () => {
        const resources = { requests: { cpu: "250m", memory: "128Mi" }, limits: { cpu: "500m", memory: "256Mi" } };
        const o = statelessAppObjects("web", {
            namespace: "shop", image: "nginxinc/nginx-unprivileged:1.27.3-alpine", resources,
            initContainers: [{ name: "migrate", image: "busybox:1.37.0" }],
            sidecars: [{ name: "proxy", image: "envoyproxy/envoy:v1.33.2", ports: [{ name: "admin", port: 9901 }] }],
        });
        const objects = Object.values(o).filter((x) => x !== undefined);
        expect(checkObjects(objects, defaultPolicyConfig())).toEqual([]);
    });
});
