import { requireResources } from "../container-resources";

export const resourceRequestsRequired = requireResources(
    "resource-requests-required",
    "requests",
    "so the scheduler places pods where they fit and autoscalers can compute utilization.",
);
