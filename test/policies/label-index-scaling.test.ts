import { describe, expect, it, vi } from "vitest";

// Counts selector evaluations: a lookup that meets only the selectors able to match keeps cross-resource rules linear.
const evaluations = vi.hoisted(() => ({ count: 0 }));
vi.mock("../../policies/label-selector", async (importOriginal) => {
    const original = await importOriginal<typeof import("../../policies/label-selector")>();
    return {
        ...original,
        selectorMatches: (...args: Parameters<typeof original.selectorMatches>) => {
            evaluations.count++;
            return original.selectorMatches(...args);
        },
    };
});

import { SelectorIndex } from "../../policies/label-index";
import { type LabelSelector, parseLabelSelector } from "../../policies/label-selector";

const RELEASES = 2000;
const podLabels = (i: number) => ({ "app.kubernetes.io/name": "chart", "app.kubernetes.io/instance": `release-${i}`, tier: "web" });

function lookups(selector: (i: number) => unknown): number[][] {
    const index = new SelectorIndex<number>();
    for (let i = 0; i < RELEASES; i++) index.add("apps", parseLabelSelector(selector(i)) as LabelSelector, i);
    evaluations.count = 0;
    return Array.from({ length: RELEASES }, (_, i) => index.selecting("apps", podLabels(i)));
}

describe("SelectorIndex at scale", () => {
    // A chart installed many times: every PDB's first label is the chart's name, only the instance tells them apart.
    it("tests each pod template against one selector when the selectors' first label is shared by all", () => {
        const found = lookups((i) => ({ matchLabels: { "app.kubernetes.io/name": "chart", "app.kubernetes.io/instance": `release-${i}` } }));
        expect(found).toEqual(Array.from({ length: RELEASES }, (_, i) => [i]));
        expect(evaluations.count).toBe(RELEASES);
    });

    it("files a selector under its In values when they are rarer than its matchLabels", () => {
        const found = lookups((i) => ({
            matchLabels: { tier: "web" },
            matchExpressions: [{ key: "app.kubernetes.io/instance", operator: "In", values: [`release-${i}`] }],
        }));
        expect(found).toEqual(Array.from({ length: RELEASES }, (_, i) => [i]));
        expect(evaluations.count).toBe(RELEASES);
    });

    it("finds selectors added after a lookup", () => {
        const index = new SelectorIndex<string>();
        index.add("apps", parseLabelSelector({ matchLabels: { tier: "web" } }) as LabelSelector, "first");
        expect(index.selecting("apps", { tier: "web" })).toEqual(["first"]);
        index.add("apps", parseLabelSelector({ matchExpressions: [{ key: "tier", operator: "Exists" }] }) as LabelSelector, "second");
        expect(index.selecting("apps", { tier: "web" }).sort()).toEqual(["first", "second"]);
    });
});
