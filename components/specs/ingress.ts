import { z } from "zod";
import { annotationMap, code, dnsSubdomain } from "../../kube/schemas";
import { compact, KubeObject } from "./kube-object";
import { atLeastOne, hostnames, ingressPathProblem } from "./http-match";

export const INGRESS_PATH_TYPES = ["Prefix", "Exact"] as const;
export const DEFAULT_INGRESS_PATH = { path: "/", pathType: "Prefix" } as const;
/** The annotations cert-manager's ingress-shim reads to issue the certificate of an Ingress's TLS hosts. */
export const CERT_MANAGER_ANNOTATIONS = { clusterIssuer: "cert-manager.io/cluster-issuer", issuer: "cert-manager.io/issuer" } as const;
/** The API server refuses this annotation when it differs from ingressClassName: `className` says it once. */
const INGRESS_CLASS_ANNOTATION = "kubernetes.io/ingress.class";

/**
 * An Ingress holds one path entry per host and path. etcd keeps an object of at most 1.5 MiB, and the smallest entry
 * takes 23 bytes of it (protobuf: path "/", its type, the Service's name and port number): more can never be stored,
 * and a few kilobytes of config would otherwise build an object of gigabytes.
 */
export const MAX_INGRESS_PATH_ENTRIES = Math.floor(1.5 * 2 ** 20 / 23);

/** The Secret cert-manager keeps an app's certificate in when the stack asks it for one. */
export function ingressTlsSecretName(app: string): string {
    return `${app}-tls`;
}

const ingressPath = z.strictObject({
    path: z.string().superRefine((path, ctx) => {
        const problem = ingressPathProblem(path);
        if (problem !== undefined) ctx.addIssue({ code: "custom", message: problem });
    }).meta({ type: "URL path", description: 'The path requests start with (Prefix: by whole segments, "/api" matches "/api/x" but not "/apix") or are (Exact).' }),
    pathType: z.enum(INGRESS_PATH_TYPES).optional().meta({ description: "How the path matches.", default: code(DEFAULT_INGRESS_PATH.pathType) }),
}).meta({ title: "Ingress path" });

const tlsSchema = z.union([
    z.strictObject({ secretName: dnsSubdomain.meta({ description: "An existing `kubernetes.io/tls` Secret of the namespace holding the certificate and key." }) }),
    z.strictObject({ clusterIssuer: dnsSubdomain.meta({ description: `A cert-manager ClusterIssuer that issues the certificate (annotation \`${CERT_MANAGER_ANNOTATIONS.clusterIssuer}\`) into the Secret \`<app>-tls\`.` }) }),
    z.strictObject({ issuer: dnsSubdomain.meta({ description: `A cert-manager Issuer of the namespace that issues the certificate (annotation \`${CERT_MANAGER_ANNOTATIONS.issuer}\`) into the Secret \`<app>-tls\`.` }) }),
], { error: () => 'allowed: exactly one of { secretName: "<existing Secret>" }, { clusterIssuer: "<name>" } or { issuer: "<name>" }' }).meta({ title: "Ingress TLS" });

export const ingressSchema = z.strictObject({
    className: dnsSubdomain.optional().meta({
        description: "The IngressClass whose controller serves the Ingress (`spec.ingressClassName`), e.g. `nginx`.",
        default: "the cluster's default IngressClass",
    }),
    hosts: hostnames.min(1, atLeastOne("host name")).optional().meta({ description: 'Host names the app is served on (`"*.example.com"` for every name one level below).', default: "every host" }),
    paths: z.array(ingressPath).min(1, atLeastOne("path")).optional().meta({ description: "Paths routed to the app's Service, on every host.", default: `\`${DEFAULT_INGRESS_PATH.path}\` (${DEFAULT_INGRESS_PATH.pathType})` }),
    tls: tlsSchema.optional().meta({ description: "HTTPS for every host: from an existing Secret or from cert-manager.", default: "plain HTTP" }),
    annotations: annotationMap.optional().meta({ description: "Annotations for the ingress controller (e.g. `nginx.ingress.kubernetes.io/proxy-body-size`)." }),
}).superRefine((ingress, ctx) => {
    if (ingress.tls !== undefined && ingress.hosts === undefined) {
        ctx.addIssue({ code: "custom", path: ["tls"], message: "is set without hosts, so no certificate could name them; allowed: list the host names in hosts" });
    }
    const hosts = ingress.hosts?.length ?? 1;
    const paths = ingress.paths?.length ?? 1;
    if (hosts * paths > MAX_INGRESS_PATH_ENTRIES) {
        // Reported at the key the user wrote: with the default path only, the hosts are the many.
        const [at, what] = ingress.paths === undefined ? ["hosts", `${hosts} hosts with the default path each`] : ["paths", `${paths} paths on each of ${hosts} hosts`];
        ctx.addIssue({ code: "custom", path: [at], message: `${what} make ${hosts * paths} path entries; allowed: at most ${MAX_INGRESS_PATH_ENTRIES} (the most an object of 1.5 MiB, etcd's limit, can hold)` });
    }
    const reserved: Record<string, string> = {
        [INGRESS_CLASS_ANNOTATION]: "className",
        [CERT_MANAGER_ANNOTATIONS.clusterIssuer]: "tls.clusterIssuer",
        [CERT_MANAGER_ANNOTATIONS.issuer]: "tls.issuer",
    };
    for (const key of Object.keys(ingress.annotations ?? {})) {
        if (key in reserved) ctx.addIssue({ code: "custom", path: ["annotations", key], message: `is set by the stack from ${reserved[key]}; allowed: ${reserved[key]} instead` });
    }
}).meta({ title: "Ingress" });

export type IngressArgs = z.infer<typeof ingressSchema>;

/**
 * The app's Ingress, named like it: every path of every host to the app's Service, with TLS for all hosts from the
 * Secret given or from cert-manager (which reads the issuer annotation and keeps the certificate in `<app>-tls`).
 */
export function ingressObject(app: string, namespace: string, labels: Record<string, string>, servicePort: number, args: IngressArgs): KubeObject {
    const paths = (args.paths ?? [DEFAULT_INGRESS_PATH]).map((p) => ({
        path: p.path,
        pathType: p.pathType ?? DEFAULT_INGRESS_PATH.pathType,
        backend: { service: { name: app, port: { number: servicePort } } },
    }));
    const tls = args.tls;
    const issuer = tls && ("clusterIssuer" in tls ? { [CERT_MANAGER_ANNOTATIONS.clusterIssuer]: tls.clusterIssuer } : "issuer" in tls ? { [CERT_MANAGER_ANNOTATIONS.issuer]: tls.issuer } : {});
    const annotations = { ...args.annotations, ...issuer };
    return {
        apiVersion: "networking.k8s.io/v1",
        kind: "Ingress",
        metadata: compact({ name: app, namespace, labels, annotations: Object.keys(annotations).length > 0 ? annotations : undefined }),
        spec: compact({
            ingressClassName: args.className,
            // No hosts: one rule without a host, which matches requests for any host.
            rules: (args.hosts ?? [undefined]).map((host) => compact({ host, http: { paths } })),
            tls: tls && [{ hosts: args.hosts, secretName: "secretName" in tls ? tls.secretName : ingressTlsSecretName(app) }],
        }),
    };
}
