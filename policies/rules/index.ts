/** Every rule of the pack, in the order reports list them. */
import type { Rule } from "../rule";
import { dropAllCapabilities } from "./drop-all-capabilities";
import { hpaBoundsValid } from "./hpa-bounds-valid";
import { hpaReplicasUnset } from "./hpa-replicas-unset";
import { hpaTargetExists } from "./hpa-target-exists";
import { hpaTargetHasRequests } from "./hpa-target-has-requests";
import { imageTagPinned } from "./image-tag-pinned";
import { ingressTlsRequired } from "./ingress-tls-required";
import { limitsNotBelowRequests } from "./limits-not-below-requests";
import { livenessProbeRequired } from "./liveness-probe-required";
import { minReplicas } from "./min-replicas";
import { noDefaultServiceAccount } from "./no-default-service-account";
import { noHostNamespaces } from "./no-host-namespaces";
import { noHostPath } from "./no-host-path";
import { noHostPorts } from "./no-host-ports";
import { noPrivilegeEscalation } from "./no-privilege-escalation";
import { pdbAllowsEviction } from "./pdb-allows-eviction";
import { pdbRequired } from "./pdb-required";
import { protectStatefulResources } from "./protect-stateful-resources";
import { pvReclaimRetain } from "./pv-reclaim-retain";
import { readOnlyRootFilesystem } from "./read-only-root-filesystem";
import { readinessProbeRequired } from "./readiness-probe-required";
import { resourceLimitsRequired } from "./resource-limits-required";
import { resourceRequestsRequired } from "./resource-requests-required";
import { rollingUpdateSafe } from "./rolling-update-safe";
import { runAsNonRoot } from "./run-as-non-root";
import { selectorMatchesTemplate } from "./selector-matches-template";
import { serviceSelectorMatches } from "./service-selector-matches";
import { statefulsetBackedUp } from "./statefulset-backed-up";
import { statefulsetPvcRetained } from "./statefulset-pvc-retained";
import { storageClassReclaimRetain } from "./storage-class-reclaim-retain";

export const rules: readonly Rule[] = [
    resourceRequestsRequired,
    resourceLimitsRequired,
    limitsNotBelowRequests,
    imageTagPinned,
    readinessProbeRequired,
    livenessProbeRequired,
    rollingUpdateSafe,
    minReplicas,
    pdbRequired,
    pdbAllowsEviction,
    hpaTargetHasRequests,
    hpaReplicasUnset,
    hpaBoundsValid,
    hpaTargetExists,
    serviceSelectorMatches,
    ingressTlsRequired,
    selectorMatchesTemplate,
    runAsNonRoot,
    noPrivilegeEscalation,
    readOnlyRootFilesystem,
    dropAllCapabilities,
    noHostNamespaces,
    noDefaultServiceAccount,
    noHostPorts,
    noHostPath,
    pvReclaimRetain,
    storageClassReclaimRetain,
    statefulsetPvcRetained,
    statefulsetBackedUp,
    protectStatefulResources,
];
