/**
 * Waivers: an annotation `ignore.kube-appstack.io/<policy>: "<reason>"` on an object waives that one policy for that
 * one object, in `kube-appstack check` and under CrossGuard alike. The reason is required: a waiver nobody can explain
 * later is not one. Waived findings are still listed (with the reason), never silently dropped.
 */
import { asFields, asString, fieldAt, type KubeObject } from "./kube-object";

export const WAIVER_PREFIX = "ignore.kube-appstack.io/";

export type Waiver = { readonly reason: string } | { readonly missingReason: true };

/** The waiver `object` carries for `policy`, if any. */
export function waiverOf(object: KubeObject, policy: string): Waiver | undefined {
    const annotations = asFields(fieldAt(object, "metadata", "annotations"));
    if (annotations === undefined || !(`${WAIVER_PREFIX}${policy}` in annotations)) return undefined;
    const reason = asString(annotations[`${WAIVER_PREFIX}${policy}`])?.trim() ?? "";
    return reason === "" ? { missingReason: true } : { reason };
}

/** A message saying why a waiver without a reason did not count. */
export const MISSING_REASON = `(a ${WAIVER_PREFIX}<policy> annotation without a reason waives nothing: give the reason as its value)`;
