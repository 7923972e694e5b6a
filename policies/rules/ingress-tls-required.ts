import { asList, asString, fieldAt, isKind } from "../kube-object";
import { defineObjectRule } from "../rule";

/** Whether a TLS entry's host covers a rule's host: the same name, or a `*.` wildcard for one label below it. */
function covers(tlsHost: string, host: string): boolean {
    if (tlsHost === host) return true;
    if (!tlsHost.startsWith("*.") || host.startsWith("*.")) return false;
    const dot = host.indexOf(".");
    return dot > 0 && host.slice(dot) === tlsHost.slice(1);
}

export const ingressTlsRequired = defineObjectRule({
    name: "ingress-tls-required",
    description:
        "An Ingress that names its hosts serves them over HTTPS: a host no `spec.tls` entry covers is served in plain HTTP, so credentials and cookies cross the network readable. (Rules without a host are left alone: no certificate can name them.)",
    remediation: "Add the hosts to spec.tls with a certificate's Secret, or let cert-manager issue one (kube-appstack: `ingress.tls.clusterIssuer`). Where TLS ends before the ingress controller (a cloud load balancer), waive the rule on the object with the reason.",
    defaultLevel: "advisory",
    parameters: {},
    checkObject(obj) {
        if (!isKind(obj, "networking.k8s.io", "Ingress")) return [];
        const tlsHosts = asList(fieldAt(obj, "spec", "tls")).flatMap((entry) => asList(fieldAt(entry, "hosts")).map(asString)).filter((h): h is string => h !== undefined);
        const hosts = asList(fieldAt(obj, "spec", "rules")).map((rule) => asString(fieldAt(rule, "host"))).filter((h): h is string => h !== undefined && h !== "");
        const plain = [...new Set(hosts)].filter((host) => !tlsHosts.some((t) => covers(t, host)));
        return plain.length === 0 ? [] : [`serves ${plain.map((h) => JSON.stringify(h)).join(", ")} in plain HTTP: no spec.tls entry covers ${plain.length === 1 ? "it" : "them"}`];
    },
});
