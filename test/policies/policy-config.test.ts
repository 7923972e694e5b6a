import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { defaultPolicyConfig, loadPolicyConfig, parsePolicyConfig, PolicyConfigError } from "../../policies/policy-config";
import { rules } from "../../policies/rules";


const CONFIG_DIR = path.join(__dirname, "../../policies/config");
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "policy-config-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function writeConfig(name: string, text: string): string {
    const file = path.join(tmp, name);
    fs.writeFileSync(file, text);
    return file;
}

describe("the rule declarations", () => {
    it("name each rule once, in kebab case, matching its file in policies/rules/", () => {
        const names = rules.map((r) => r.name);
        expect(new Set(names).size).toBe(names.length);
        const files = fs.readdirSync(path.join(__dirname, "../../policies/rules")).map((f) => f.replace(/\.ts$/, ""));
        expect(files.filter((f) => f !== "index").sort()).toEqual([...names].sort());
        for (const name of names) {
            expect(name).toMatch(/^[a-z]+(-[a-z]+)*$/);
            expect(files, `policies/rules/${name}.ts`).toContain(name);
        }
    });

    it("are all reported, at least as advisory, by default", () => {
        for (const [name, setting] of defaultPolicyConfig()) expect([name, setting.level]).not.toEqual([name, "disabled"]);
    });

    it("give each parameter a description and a default its own schema accepts", () => {
        for (const rule of rules) {
            expect(rule.description.length, rule.name).toBeGreaterThan(20);
            expect(rule.remediation.length, rule.name).toBeGreaterThan(20);
            for (const [key, spec] of Object.entries(rule.parameters)) {
                expect(spec.description, `${rule.name}.${key}`).not.toBe("");
                expect(spec.schema.safeParse(spec.default).success, `${rule.name}.${key}`).toBe(true);
            }
        }
    });
});

describe("the shipped configs", () => {
    it.each(["dev", "staging", "prod"])("%s.json loads and states only what differs from the defaults", (stack) => {
        const file = path.join(CONFIG_DIR, `${stack}.json`);
        const raw = JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, unknown>;
        const full = loadPolicyConfig(file);
        expect(full.size).toBe(rules.length);
        // Each entry must change the outcome: dropping it gives another level or other parameters for its rule.
        for (const [name, entry] of Object.entries(raw)) {
            const without = parsePolicyConfig(Object.fromEntries(Object.entries(raw).filter(([n]) => n !== name)), file);
            const changed = name === "all"
                ? [...full].some(([rule, setting]) => without.get(rule)?.level !== setting.level)
                : JSON.stringify(without.get(name)) !== JSON.stringify(full.get(name));
            expect(changed, `${stack}.json: "${name}": ${JSON.stringify(entry)} repeats what applies without it`).toBe(true);
            if (typeof entry === "object" && entry !== null) {
                for (const [key, value] of Object.entries(entry)) {
                    const withoutKey = parsePolicyConfig({ ...raw, [name]: Object.fromEntries(Object.entries(entry).filter(([k]) => k !== key)) }, file);
                    expect(JSON.stringify(withoutKey.get(name)) !== JSON.stringify(full.get(name)), `${stack}.json: "${name}".${key}: ${JSON.stringify(value)} is the default`).toBe(true);
                }
            }
        }
    });

    it("make prod fully mandatory, protection included", () => {
        const prod = loadPolicyConfig(path.join(CONFIG_DIR, "prod.json"));
        expect([...prod.values()].every((setting) => setting.level === "mandatory")).toBe(true);
        expect(prod.get("image-tag-pinned")?.params).toEqual({ mutableTags: ["latest", "main", "master", "stable"] });
    });

    it("keep dev mostly advisory, without the protect and backup requirements (kind and KWOK have no snapshot controller)", () => {
        const dev = loadPolicyConfig(path.join(CONFIG_DIR, "dev.json"));
        const levelOf = (level: string) => [...dev].filter(([, s]) => s.level === level).map(([name]) => name).sort();
        expect(levelOf("mandatory")).toEqual([
            "hpa-bounds-valid", "hpa-target-has-requests", "limits-not-below-requests", "no-host-namespaces", "selector-matches-template",
            "service-selector-matches",
        ]);
        expect(levelOf("disabled")).toEqual(["protect-stateful-resources", "statefulset-backed-up"]);
        expect(levelOf("advisory")).toHaveLength(rules.length - 8);
    });

    it("make staging mandatory except the protect requirement, as docs/policies.md says", () => {
        const staging = loadPolicyConfig(path.join(CONFIG_DIR, "staging.json"));
        expect([...staging].filter(([, s]) => s.level !== "mandatory").map(([name, s]) => [name, s.level])).toEqual([["protect-stateful-resources", "advisory"]]);
    });
});

describe("parsePolicyConfig", () => {
    it("reads levels and parameters, filling in defaults", () => {
        const config = parsePolicyConfig({ "image-tag-pinned": "mandatory", "min-replicas": { enforcementLevel: "disabled", minReplicas: 3 }, "pdb-required": { minReplicas: 4 } }, "c.json");
        expect(config.get("image-tag-pinned")).toEqual({ level: "mandatory", params: { mutableTags: ["latest"] } });
        expect(config.get("min-replicas")).toEqual({ level: "disabled", params: { minReplicas: 3 } });
        expect(config.get("pdb-required")).toEqual({ level: "advisory", params: { minReplicas: 4 } });
        expect(config.get("no-host-namespaces")).toEqual({ level: "mandatory", params: {} });
    });

    it("applies `all` first, then single policies", () => {
        const config = parsePolicyConfig({ all: "disabled", "run-as-non-root": "advisory" }, "c.json");
        expect([...config].filter(([, s]) => s.level !== "disabled").map(([name]) => name)).toEqual(["run-as-non-root"]);
        expect(parsePolicyConfig({ all: { enforcementLevel: "mandatory" } }, "c.json").get("image-tag-pinned")?.level).toBe("mandatory");
    });

    it.each([
        [{ "min-replica": "mandatory" }, /^c\.json: unknown policy "min-replica"; known policies: resource-requests-required, /],
        [{ "min-replicas": "strict" }, /^c\.json: "min-replicas": enforcement level "strict" is not one of advisory, mandatory, disabled$/],
        [{ "min-replicas": "remediate" }, /"min-replicas": enforcement level "remediate" is not one of/],
        [{ "min-replicas": { enforcementLevel: 1 } }, /^c\.json: "min-replicas"\.enforcementLevel: enforcement level 1 is not one of/],
        [{ "min-replicas": { minReplica: 2 } }, /^c\.json: "min-replicas": unknown parameter "minReplica"; allowed: minReplicas$/],
        [{ "no-host-namespaces": { hostNetwork: true } }, /unknown parameter "hostNetwork"; no-host-namespaces has no parameters/],
        [{ "min-replicas": { constructor: 2 } }, /unknown parameter "constructor"; allowed: minReplicas/],
        [{ "min-replicas": { minReplicas: "two" } }, /^c\.json: "min-replicas": parameter "minReplicas" is invalid: .*expected number.* \(given "two"\)$/],
        [{ "min-replicas": { minReplicas: 0 } }, /parameter "minReplicas" is invalid: .*>=1/],
        [{ "drop-all-capabilities": { allowedCapabilities: ["NET_ADMIN", 7] } }, /parameter "allowedCapabilities\.1" is invalid: .*\(given 7\)$/],
        [{ "min-replicas": 3 }, /^c\.json: "min-replicas": expected an enforcement level \(advisory, mandatory, disabled\) or an object, given 3$/],
        [{ all: { enforcementLevel: "mandatory", minReplicas: 2 } }, /^c\.json: "all" may only set enforcementLevel/],
        [["mandatory"], /^c\.json: policy config must be a JSON object/],
    ])("rejects %j with an error naming the file and key", (raw, message) => {
        expect(() => parsePolicyConfig(raw, "c.json")).toThrow(PolicyConfigError);
        expect(() => parsePolicyConfig(raw, "c.json")).toThrow(message);
    });
});

describe("loadPolicyConfig", () => {
    it("names the file when it cannot be read or is not JSON", () => {
        const missing = path.join(tmp, "missing.json");
        expect(() => loadPolicyConfig(missing)).toThrow(`${missing}: policy config: cannot be read (ENOENT); allowed: a readable regular file`);
        const broken = writeConfig("broken.json", "{ not json");
        expect(() => loadPolicyConfig(broken)).toThrow(new RegExp(`^${broken}: policy config is not valid JSON`));
    });

    it("treats an empty file as no config, as CrossGuard does", () => {
        expect(loadPolicyConfig(writeConfig("empty.json", "\n"))).toEqual(defaultPolicyConfig());
    });
});
