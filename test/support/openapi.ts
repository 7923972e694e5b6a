import { KubeObject } from "../../components/specs/kube-object";
import { isCustomResource, validateAgainstCrd } from "./crd-schema";

interface Model { validate(): void }
type ModelClass = new (data: unknown) => Model;

/**
 * Validates a Kubernetes object against the Kubernetes OpenAPI schema, through the maintained `kubernetes-models`
 * package (generated from the upstream OpenAPI spec). Throws with the schema error and the object's identity.
 * Note: upstream schemas allow unknown fields, so this catches wrong types, missing required fields and bad enums,
 * not misspelled optional fields. Custom resources (ServiceMonitor, ...) are checked against their CRDs (crd-schema.ts).
 */
export function validateAgainstOpenApi(object: KubeObject): void {
    // Custom resources have no upstream OpenAPI model here: their CRDs' own schemas check them.
    if (isCustomResource(object)) return validateAgainstCrd(object);
    const [group, version] = object.apiVersion.includes("/") ? object.apiVersion.split("/") : [undefined, object.apiVersion];
    const modulePath = ["kubernetes-models", group, version, object.kind].filter(Boolean).join("/");
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const exported = require(modulePath) as Record<string, ModelClass>;
    const model = new exported[object.kind](object);
    try {
        model.validate();
    } catch (error) {
        throw new Error(`${object.apiVersion} ${object.kind} ${object.metadata.namespace ?? ""}/${object.metadata.name} is invalid: ${(error as Error).message}`);
    }
}
