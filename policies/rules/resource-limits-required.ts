import { requireResources } from "../container-resources";

export const resourceLimitsRequired = requireResources(
    "resource-limits-required",
    "limits",
    "so one runaway pod cannot starve its neighbours on the node.",
);
