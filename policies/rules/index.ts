/** Every rule of the pack, in the order reports list them. */
import type { Rule } from "../rule";
import { dropAllCapabilities } from "./drop-all-capabilities";
import { hpaBoundsValid } from "./hpa-bounds-valid";
import { hpaReplicasUnset } from "./hpa-replicas-unset";
import { hpaTargetHasRequests } from "./hpa-target-has-requests";
import { imageTagPinned } from "./image-tag-pinned";
import { limitsNotBelowRequests } from "./limits-not-below-requests";
import { minReplicas } from "./min-replicas";
import { noHostNamespaces } from "./no-host-namespaces";
import { noPrivilegeEscalation } from "./no-privilege-escalation";
import { pdbRequired } from "./pdb-required";
import { protectStatefulResources } from "./protect-stateful-resources";
import { pvReclaimRetain } from "./pv-reclaim-retain";
import { readOnlyRootFilesystem } from "./read-only-root-filesystem";
import { readinessProbeRequired } from "./readiness-probe-required";
import { resourceLimitsRequired } from "./resource-limits-required";
import { resourceRequestsRequired } from "./resource-requests-required";
import { rollingUpdateSafe } from "./rolling-update-safe";
import { runAsNonRoot } from "./run-as-non-root";
import { serviceSelectorMatches } from "./service-selector-matches";
import { statefulsetPvcRetained } from "./statefulset-pvc-retained";

export const rules: readonly Rule[] = [
    resourceRequestsRequired,
    resourceLimitsRequired,
    limitsNotBelowRequests,
    imageTagPinned,
    readinessProbeRequired,
    rollingUpdateSafe,
    minReplicas,
    pdbRequired,
    hpaTargetHasRequests,
    hpaReplicasUnset,
    hpaBoundsValid,
    serviceSelectorMatches,
    runAsNonRoot,
    noPrivilegeEscalation,
    readOnlyRootFilesystem,
    dropAllCapabilities,
    noHostNamespaces,
    pvReclaimRetain,
    statefulsetPvcRetained,
    protectStatefulResources,
];
