import { isIP } from "node:net";
import { z } from "zod";
import { dnsLabel, labelMap, serviceName, show } from "../../kube/schemas";
import { KubeObject } from "./kube-object";
import { selectorLabels } from "./labels";
import type { AppPort } from "./ports";

/** Where cluster DNS runs, by the labels every distribution (kubeadm, kind, EKS, GKE, AKS) gives CoreDNS or kube-dns. */
export const CLUSTER_DNS = { namespace: "kube-system", podLabels: { "k8s-app": "kube-dns" }, port: 53 } as const;

/** 4 or 6 for an address the API server takes, else 0. */
function ipFamily(text: string): number {
    // Node's isIP takes an IPv6 zone ("fe80::1%eth0"); the API server's parser (Go's net.ParseCIDR) does not.
    return text.includes("%") ? 0 : isIP(text);
}

function isCidr(value: string): boolean {
    const [address, bits, ...rest] = value.split("/");
    const family = ipFamily(address ?? "");
    const max = family === 4 ? 32 : 128;
    return family !== 0 && rest.length === 0 && /^\d{1,3}$/.test(bits ?? "") && Number(bits) <= max;
}

const CIDR_HELP = 'an IPv4 or IPv6 network such as "10.0.0.0/8" or "fd00::/8"';
const cidr = z.string().refine(isCidr, {
    error: (iss) => (String(iss.input).split("/")[0].includes("%")
        ? `${show(iss.input)} names an IPv6 zone (after "%"), which a CIDR cannot have; allowed: ${CIDR_HELP}, without a zone`
        : `${show(iss.input)} is not a CIDR; allowed: ${CIDR_HELP}`),
}).meta({ type: "CIDR" });

const peerSchema = z.union([
    z.strictObject({ app: serviceName.meta({ description: "An app of the same namespace, by name." }) }),
    z.strictObject({
        namespace: dnsLabel.meta({ description: "Every pod of this namespace (e.g. the ingress controller's, or `monitoring`)." }),
        podLabels: labelMap.optional().meta({ description: "Only the namespace's pods with these labels.", default: "every pod of the namespace" }),
    }),
    z.strictObject({
        cidr: cidr.meta({ description: "An IP network outside the cluster (ipBlock)." }),
        except: z.array(cidr).optional().meta({ description: "Parts of that network left out: each strictly inside it." }),
    }).superRefine((block, ctx) => {
        (block.except ?? []).forEach((part, i) => {
            // A network that is no CIDR has its own message.
            if (isCidr(part) && isCidr(block.cidr) && !strictlyInside(part, block.cidr)) {
                ctx.addIssue({ code: "custom", path: ["except", i], message: `${show(part)} is not strictly inside ${show(block.cidr)}; allowed: a smaller network within cidr (the API server refuses others)` });
            }
        });
    }),
], { error: () => 'allowed: { app: "<name>" }, { namespace: "<name>", podLabels?: {...} } or { cidr: "<network>", except?: [...] }' }).meta({ title: "Network peer" });

/** An address as a number and its width in bits, or undefined. */
function address(text: string): { value: bigint; bits: number } | undefined {
    const family = ipFamily(text);
    if (family === 4) return { value: text.split(".").reduce((n, part) => (n << 8n) + BigInt(part), 0n), bits: 32 };
    if (family !== 6) return undefined;
    // Expand `::` and an embedded IPv4 tail into eight groups.
    const halves = text.split("::");
    const groups = (part: string) => (part === "" ? [] : part.split(":").flatMap((g) => (g.includes(".") ? toV6Groups(g) : [g])));
    const left = groups(halves[0]);
    const right = halves.length === 2 ? groups(halves[1]) : [];
    const all = [...left, ...Array(8 - left.length - right.length).fill("0"), ...right];
    return { value: all.reduce((n, g) => (n << 16n) + BigInt(parseInt(g, 16)), 0n), bits: 128 };
}

function toV6Groups(v4: string): string[] {
    const [a, b, c, d] = v4.split(".").map(Number);
    return [((a << 8) | b).toString(16), ((c << 8) | d).toString(16)];
}

/** Whether network `inner` lies within `outer` and is smaller, as the API server requires of an ipBlock's except. */
function strictlyInside(inner: string, outer: string): boolean {
    const [innerAddress, innerPrefix] = inner.split("/");
    const [outerAddress, outerPrefix] = outer.split("/");
    const a = address(innerAddress);
    const b = address(outerAddress);
    if (a === undefined || b === undefined || a.bits !== b.bits || Number(innerPrefix) <= Number(outerPrefix)) return false;
    const shift = BigInt(a.bits - Number(outerPrefix));
    return a.value >> shift === b.value >> shift;
}

export type NetworkPeer = z.infer<typeof peerSchema>;

export const networkPolicySchema = z.strictObject({
    ingressFrom: z.array(peerSchema).meta({
        description: "Who may reach the app's ports (and its sidecars'): apps of the namespace, namespaces (an ingress controller's, `monitoring`), networks. `[]`: nothing may.",
    }),
    egressTo: z.array(peerSchema).optional().meta({
        description: "When given, the only places the app may connect to, besides cluster DNS (always allowed).",
        default: "egress not restricted by this policy",
    }),
}).meta({ title: "Network policy" });

export type NetworkPolicyArgs = z.infer<typeof networkPolicySchema>;

/** The egress rule that lets pods resolve names: UDP and TCP 53 to cluster DNS. */
export function clusterDnsEgress(): Record<string, unknown> {
    return {
        to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": CLUSTER_DNS.namespace } }, podSelector: { matchLabels: CLUSTER_DNS.podLabels } }],
        ports: [{ protocol: "UDP", port: CLUSTER_DNS.port }, { protocol: "TCP", port: CLUSTER_DNS.port }],
    };
}

function peer(p: NetworkPeer): Record<string, unknown> {
    if ("app" in p) return { podSelector: { matchLabels: selectorLabels(p.app) } };
    if ("namespace" in p) {
        return {
            namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": p.namespace } },
            ...(p.podLabels ? { podSelector: { matchLabels: p.podLabels } } : {}),
        };
    }
    return { ipBlock: p.except ? { cidr: p.cidr, except: p.except } : { cidr: p.cidr } };
}

/**
 * The app's NetworkPolicy, named like it: ingress only from the peers given and only to its pod's ports; with `egressTo`,
 * egress only to those peers and to cluster DNS (without which no name resolves). Needs a CNI that enforces
 * NetworkPolicy (kind's kindnet does since kind 0.24).
 */
export function networkPolicyObject(app: string, namespace: string, labels: Record<string, string>, ports: readonly AppPort[], args: NetworkPolicyArgs): KubeObject {
    const dns = clusterDnsEgress();
    return {
        apiVersion: "networking.k8s.io/v1",
        kind: "NetworkPolicy",
        metadata: { name: app, namespace, labels },
        spec: {
            podSelector: { matchLabels: selectorLabels(app) },
            policyTypes: args.egressTo ? ["Ingress", "Egress"] : ["Ingress"],
            // No peers: no ingress rule at all, which denies every connection.
            ingress: args.ingressFrom.length === 0 ? [] : [{ from: args.ingressFrom.map(peer), ports: ports.map((p) => ({ protocol: p.protocol, port: p.containerPort })) }],
            ...(args.egressTo ? { egress: [dns, ...(args.egressTo.length > 0 ? [{ to: args.egressTo.map(peer) }] : [])] } : {}),
        },
    };
}
