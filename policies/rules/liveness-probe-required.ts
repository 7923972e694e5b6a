import { requireProbe } from "../probe-required";

export const livenessProbeRequired = requireProbe(
    "liveness-probe-required",
    "livenessProbe",
    "so a process that hangs without exiting is restarted instead of holding its pod forever.",
    "Add a livenessProbe (httpGet, tcpSocket, grpc or exec) to every app container, on a port it declares (or a number), with a failureThreshold that tolerates slow moments.",
);
