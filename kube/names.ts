// The name and label grammar of the Kubernetes API (k8s.io/apimachinery/pkg/util/validation), so a name or label the
// API server would refuse is refused before anything is deployed.

/** DNS-1123 label: Namespaces, Services, and every object name a component derives from an app's name. */
export const DNS_LABEL_MAX = 63;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN_MAX = 253;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_NAME_MAX = 63;
const LABEL_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

export const DNS_LABEL_HELP = `a DNS-1123 label: lowercase letters, digits and '-', starting and ending with a letter or digit, at most ${DNS_LABEL_MAX} characters`;
export const DNS_SUBDOMAIN_HELP = `a DNS-1123 subdomain: lowercase letters, digits, '-' and '.', starting and ending with a letter or digit, at most ${DNS_SUBDOMAIN_MAX} characters`;
export const LABEL_KEY_HELP = `[prefix/]name: a name of up to ${LABEL_NAME_MAX} letters, digits, '-', '_' and '.', starting and ending with a letter or digit; a prefix that is a DNS subdomain`;
export const LABEL_VALUE_HELP = `"" or up to ${LABEL_NAME_MAX} letters, digits, '-', '_' and '.', starting and ending with a letter or digit`;

export function isDnsLabel(value: string): boolean {
    return value.length <= DNS_LABEL_MAX && DNS_LABEL.test(value);
}

/** DNS-1035 label: Service names, which must also start with a letter. */
export const DNS_1035_HELP = `a DNS-1035 label: lowercase letters, digits and '-', starting with a letter and ending with a letter or digit, at most ${DNS_LABEL_MAX} characters`;

export function isDns1035Label(value: string): boolean {
    return isDnsLabel(value) && /^[a-z]/.test(value);
}

export function isDnsSubdomain(value: string): boolean {
    return value.length <= DNS_SUBDOMAIN_MAX && DNS_SUBDOMAIN.test(value);
}

/** The prefix of a qualified name (`example.com/tier` -> `example.com`), or undefined. */
export function labelKeyPrefix(key: string): string | undefined {
    const slash = key.lastIndexOf("/");
    return slash === -1 ? undefined : key.slice(0, slash);
}

export function isLabelKey(key: string): boolean {
    const prefix = labelKeyPrefix(key);
    const name = prefix === undefined ? key : key.slice(prefix.length + 1);
    return name.length <= LABEL_NAME_MAX && LABEL_NAME.test(name) && (prefix === undefined || isDnsSubdomain(prefix));
}

export function isLabelValue(value: string): boolean {
    return value === "" || (value.length <= LABEL_NAME_MAX && LABEL_NAME.test(value));
}

/** IANA_SVC_NAME (RFC 6335): the names of container and Service ports, which probes and Services refer to. */
export const PORT_NAME_MAX = 15;
export const PORT_NAME_HELP = `a port name: at most ${PORT_NAME_MAX} lowercase letters, digits and '-', with at least one letter, no "--" and no '-' at either end`;

export function isPortName(value: string): boolean {
    return value.length <= PORT_NAME_MAX && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(value) && /[a-z]/.test(value) && !value.includes("--");
}

/** A key of a ConfigMap or Secret (IsConfigMapKey), as a secretKeyRef names one. */
export const CONFIG_KEY_MAX = 253;
export const CONFIG_KEY_HELP = `a key of at most ${CONFIG_KEY_MAX} letters, digits, '-', '_' and '.', neither "." nor ".." nor starting with ".."`;

export function isConfigKey(value: string): boolean {
    return value.length <= CONFIG_KEY_MAX && /^[-._a-zA-Z0-9]+$/.test(value) && value !== "." && !value.startsWith("..");
}
