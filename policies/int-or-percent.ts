import { asNumber, asString } from "./kube-object";

/**
 * An IntOrString (`3` or `"25%"`) against a total, as Kubernetes' intstr.GetScaledValueFromIntOrPercent scales it:
 * the rounding is each caller's (Deployments round maxUnavailable down and maxSurge up; the disruption controller
 * rounds a PDB's both up). `undefined` for anything else.
 */
export function scaledIntOrPercent(value: unknown, total: number, roundUp: boolean): number | undefined {
    const count = asNumber(value);
    if (count !== undefined) return count;
    const percent = /^(\d+)%$/.exec(asString(value) ?? "");
    if (percent === null) return undefined;
    const exact = (Number(percent[1]) * total) / 100;
    return roundUp ? Math.ceil(exact) : Math.floor(exact);
}
