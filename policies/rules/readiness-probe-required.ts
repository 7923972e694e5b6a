import { requireProbe } from "../probe-required";

export const readinessProbeRequired = requireProbe(
    "readiness-probe-required",
    "readinessProbe",
    "so Services only route to pods that can answer and a rollout stops at the first pod that cannot.",
    "Add a readinessProbe (httpGet, tcpSocket, grpc or exec) to every app container; a named port must be one the container declares.",
);
