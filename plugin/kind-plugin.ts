// The kube-appstack-kind provider plugin: the KindCluster component's clusters, served to the Pulumi engine.
// bin/pulumi-resource-kube-appstack-kind starts it from its prebuilt bundle (the `cli` set of scripts/build.js).
import { kindClusterProvider } from "../components/kind-cluster-provider";
import { version } from "../package.json";
import { servePlugin } from "./provider-server";

/** `enginePid`: the process that started the plugin (servePlugin). */
export function main(enginePid: number): Promise<unknown> {
    return servePlugin({ version, provider: kindClusterProvider }, enginePid);
}
