import { describe, expect, it } from "vitest";
import { runProgram, stackConfigFile } from "../support/run-program";

const PVC = "kubernetes:core/v1:PersistentVolumeClaim";

/** Staging with one claim per app (`<app>-data`) plus one nobody mounts; `mounts` says which apps mount theirs. */
function config(mounts: Record<string, boolean>): Record<string, unknown> {
    const base = stackConfigFile("staging");
    const apps = (base["kube-appstack:apps"] as Array<Record<string, unknown>>).map((app) => ({
        ...app,
        ...(mounts[app.name as string] ? { volumes: [{ name: "shared", mountPath: "/srv/shared", claimName: `${app.name}-data` }] } : {}),
    }));
    const claim = (name: string) => ({ name, size: "1Gi", hostPath: `/mnt/${name}` });
    return { ...base, "kube-appstack:apps": apps, "kube-appstack:storage": [claim("web-data"), claim("cache-data"), claim("spare")] };
}

describe("apps and storage", () => {
    it("creates an app only after the claims it mounts, and waits for no other claim", async () => {
        const run = await runProgram("staging", config({ web: true, cache: true }));
        const claim = (name: string) => run.get(PVC, name).urn;
        const web = run.get("kubernetes:apps/v1:Deployment", "web").dependencies;
        const cache = run.get("kubernetes:apps/v1:StatefulSet", "cache").dependencies;
        expect(web).toContain(claim("web-data"));
        expect(web).not.toContain(claim("cache-data"));
        expect(cache).toContain(claim("cache-data"));
        expect(cache).not.toContain(claim("web-data"));
        for (const deps of [web, cache]) expect(deps).not.toContain(claim("spare"));
    });

    it("does not hold back an app that mounts no claim", async () => {
        const run = await runProgram("staging", config({ web: true }));
        const claims = run.ofType(PVC).map((r) => r.urn);
        expect(run.get("kubernetes:apps/v1:StatefulSet", "cache").dependencies.filter((d) => claims.includes(d))).toEqual([]);
    });
});
