// configFiles: a ConfigMap mounted file by file, read-only, with a content hash that rolls the pods; files read from the
// project by the config layer and by the components, with one clear error for each way a file can be wrong.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readConfigFiles } from "../../components/read-config-files";
import { CONFIG_FILES_HASH_ANNOTATION, MAX_CONFIG_FILES_BYTES } from "../../components/specs/config-files";
import { statefulAppObjects } from "../../components/specs/stateful-app";
import { statelessAppObjects, StatelessAppArgs } from "../../components/specs/stateless-app";
import { StackConfigError } from "../../config/load-stack-config";
import { validateStackConfig } from "../../config/validate-stack";
import { CONFIG_KEY_MAX, isConfigKey } from "../../kube/names";
import { validateAgainstOpenApi } from "../support/openapi";

/* eslint-disable @typescript-eslint/no-explicit-any */
const resources = { requests: { cpu: "250m", memory: "128Mi" }, limits: { cpu: "500m", memory: "256Mi" } };
const web = (extra: Partial<StatelessAppArgs> = {}): StatelessAppArgs => ({ namespace: "apps", image: "nginxinc/nginx-unprivileged:1.27.3-alpine", resources, ...extra });
const project = fs.mkdtempSync(path.join(os.tmpdir(), "config-files-"));
afterAll(() => fs.rmSync(project, { recursive: true, force: true }));

describe("configFiles in the pod", () => {
    const files = { "/etc/nginx/conf.d/default.conf": { content: "server { listen 8080; }\n" }, "/etc/app/app.yaml": { content: "level: info\n" } };

    it("puts the files in one ConfigMap and mounts each at its path, read-only, keeping the directory's other files", () => {
        const o = statelessAppObjects("web", web({ configFiles: files }));
        expect(o.configFiles).toEqual({
            apiVersion: "v1", kind: "ConfigMap", metadata: expect.objectContaining({ name: "web-config-files", namespace: "apps" }),
            data: { "0-app.yaml": "level: info\n", "1-default.conf": "server { listen 8080; }\n" },
        });
        const pod = (o.deployment as any).spec.template.spec;
        expect(pod.volumes).toContainEqual({ name: "config-files", configMap: { name: "web-config-files", defaultMode: 0o444 } });
        expect(pod.containers[0].volumeMounts).toEqual(expect.arrayContaining([
            { name: "config-files", mountPath: "/etc/app/app.yaml", subPath: "0-app.yaml", readOnly: true },
            { name: "config-files", mountPath: "/etc/nginx/conf.d/default.conf", subPath: "1-default.conf", readOnly: true },
        ]));
        for (const object of [o.configFiles!, o.deployment]) validateAgainstOpenApi(object);
    });

    it("changes the pod template's hash exactly when a file's content or path changes, so only a change rolls the pods", () => {
        const hash = (f: Record<string, { content: string }>) => (statelessAppObjects("web", web({ configFiles: f })).deployment as any).spec.template.metadata.annotations[CONFIG_FILES_HASH_ANNOTATION];
        expect(hash(files)).toMatch(/^[0-9a-f]{64}$/);
        expect(hash({ ...files })).toBe(hash(files));
        expect(hash({ ...files, "/etc/app/app.yaml": { content: "level: debug\n" } })).not.toBe(hash(files));
        expect(hash({ "/etc/app/other.yaml": files["/etc/app/app.yaml"], "/etc/nginx/conf.d/default.conf": files["/etc/nginx/conf.d/default.conf"] })).not.toBe(hash(files));
        expect((statelessAppObjects("web", web()).deployment as any).spec.template.metadata.annotations).toBeUndefined();
    });

    it("keeps every key a valid ConfigMap and Secret key, however long the file name (a file name may have 255 bytes)", () => {
        const long = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`/etc/app/${String.fromCharCode(97 + i).repeat(252)}`, { content: `${i}` }]));
        const o = statelessAppObjects("web", web({ configFiles: long, secretFilePaths: Object.keys(long) }));
        const keys = Object.keys(o.configFiles!.data as Record<string, string>);
        expect(keys).toHaveLength(12);
        for (const key of keys) expect(isConfigKey(key), key).toBe(true);
        expect(keys.filter((k) => k.length === CONFIG_KEY_MAX)).toHaveLength(12);
        expect(keys).toContain(`11-${"l".repeat(CONFIG_KEY_MAX - 3)}`);
        const mounts = (o.deployment as any).spec.template.spec.containers[0].volumeMounts as Array<{ mountPath: string; subPath?: string; name: string }>;
        expect(new Set(mounts.filter((m) => m.name === "secret-files").map((m) => m.subPath))).toEqual(new Set(keys));
        expect(mounts.find((m) => m.mountPath === `/etc/app/${"l".repeat(252)}` && m.name === "config-files")?.subPath).toBe(`11-${"l".repeat(CONFIG_KEY_MAX - 3)}`);
    });

    it("works the same for a stateful app", () => {
        const o = statefulAppObjects("db", { namespace: "apps", image: "redis:7.4.1-alpine", resources, storage: { size: "1Gi" }, configFiles: { "/etc/redis/redis.conf": { content: "save 60 1\n" } } });
        expect(o.configFiles?.metadata.name).toBe("db-config-files");
        expect((o.statefulSet as any).spec.template.spec.containers[0].volumeMounts).toContainEqual({ name: "config-files", mountPath: "/etc/redis/redis.conf", subPath: "0-redis.conf", readOnly: true });
    });
});

describe("configFiles in a stack config", () => {
    const app = (configFiles: unknown, extra: Record<string, unknown> = {}) => ({ name: "web", type: "stateless", image: "nginxinc/nginx-unprivileged:1.27.3-alpine", resources, configFiles, ...extra });
    const validate = (apps: unknown[]) => validateStackConfig("test", { cluster: { kubeconfig: { context: "c" } }, namespace: { name: "apps" }, apps }, [], project);
    const problems = (apps: unknown[]): string[] => {
        try {
            validate(apps);
            return [];
        } catch (error) {
            expect(error).toBeInstanceOf(StackConfigError);
            return (error as StackConfigError).problems;
        }
    };

    it("reads a file of the project into the config, for the program and render alike", () => {
        fs.mkdirSync(path.join(project, "app-config"), { recursive: true });
        fs.writeFileSync(path.join(project, "app-config", "default.conf"), "server { listen 8080; }\n");
        const config = validate([app({ "/etc/nginx/conf.d/default.conf": { file: "app-config/default.conf" } })]);
        expect(config.apps[0].configFiles).toEqual({ "/etc/nginx/conf.d/default.conf": { content: "server { listen 8080; }\n" } });
    });

    it("refuses, naming the key, a file that is missing, outside the project, not text or too large, and paths that collide", () => {
        fs.writeFileSync(path.join(project, "binary.bin"), Buffer.from([0xff, 0xfe, 0x00, 0x80]));
        fs.symlinkSync(os.tmpdir(), path.join(project, "escape"));
        const key = 'kube-appstack:apps[0].configFiles["/etc/x"].file';
        expect(problems([app({ "/etc/x": { file: "nope.conf" } })])).toEqual([`${key}: "nope.conf" does not exist in the project (${fs.realpathSync(project)}); allowed: a file of the project, relative to Pulumi.yaml`]);
        expect(problems([app({ "/etc/x": { file: "../secrets.txt" } })])).toEqual([`${key}: "../secrets.txt" is not a path inside the project; allowed: a relative path without ".." (e.g. "config/nginx.conf")`]);
        expect(problems([app({ "/etc/x": { file: "escape/anything" } })])[0]).toMatch(new RegExp(`^${key.replace(/[[\]().]/g, "\\$&")}: "escape/anything" (does not exist|leads outside the project)`));
        expect(problems([app({ "/etc/x": { file: "binary.bin" } })])).toEqual([`${key}: "binary.bin" is not UTF-8 text; allowed: text files (a ConfigMap's data is text)`]);
        expect(problems([app({ "/etc/x": { content: "x".repeat(MAX_CONFIG_FILES_BYTES + 1) } })])[0]).toMatch(/^kube-appstack:apps\[0\]\.configFiles: the files' content is 1048577 bytes; allowed: at most 1048576/);
        expect(problems([app({ "/tmp": { content: "x" } })])).toEqual(['kube-appstack:apps[0].configFiles["/tmp"]: "/tmp" is already used by security.tmpVolume; allowed: a mountPath unique within the app']);
        expect(problems([app({ "/etc/x": { content: "x" } }, { volumes: [{ name: "config-files", mountPath: "/data" }] })])).toEqual(['kube-appstack:apps[0].volumes[0].name: "config-files" is already used by configFiles; allowed: a name unique within the app']);
        expect(problems([app({ "etc/x": { content: "x" } })])[0]).toMatch(/^kube-appstack:apps\[0\]\.configFiles\.etc\/x|not an absolute path/);
        expect(problems([app({ "/etc/x": { content: "x", file: "y" } })])[0]).toContain('allowed: { content: "<text>" } or { file: "<path in the project>" }');
    });

    it("reads files outside a stack config the same way (the component adapter)", () => {
        const { contents, problems: found } = readConfigFiles({ "/etc/a": { file: "app-config/default.conf" }, "/etc/b": { content: "b" } }, project, "args.");
        expect(found).toEqual([]);
        expect(contents["/etc/a"].content).toBe("server { listen 8080; }\n");
        expect(readConfigFiles({ "/etc/a": { file: "missing" } }, project, "args.").problems).toEqual([`args.configFiles["/etc/a"].file: "missing" does not exist in the project (${fs.realpathSync(project)}); allowed: a file of the project, relative to Pulumi.yaml`]);
    });
});

describe("secret files in the pod", () => {
    it("mount each file read-only with mode 0400, and give the pod the fsGroup that may read them, unless it has one", () => {
        const o = statelessAppObjects("web", web({ secretFilePaths: ["/etc/tls/tls.key", "/etc/tls/tls.crt"] }));
        const pod = (o.deployment as any).spec.template.spec;
        expect(pod.volumes).toContainEqual({ name: "secret-files", secret: { secretName: "web-secret-files", defaultMode: 0o400 } });
        expect(pod.containers[0].volumeMounts).toEqual(expect.arrayContaining([
            { name: "secret-files", mountPath: "/etc/tls/tls.crt", subPath: "0-tls.crt", readOnly: true },
            { name: "secret-files", mountPath: "/etc/tls/tls.key", subPath: "1-tls.key", readOnly: true },
        ]));
        expect(pod.securityContext.fsGroup).toBe(2000);
        validateAgainstOpenApi(o.deployment);
        const own = statelessAppObjects("web", web({ secretFilePaths: ["/etc/tls/tls.key"], security: { fsGroup: 1000 } }));
        expect((own.deployment as any).spec.template.spec.securityContext.fsGroup).toBe(1000);
        expect((statelessAppObjects("web", web()).deployment as any).spec.template.spec.securityContext.fsGroup).toBeUndefined();
    });
});
