// What `kube-appstack check` found, as its JSON format prints it and its SARIF format translates it: apart from
// cli/check.ts so that a formatter reads the report without importing the command back.
import type { RuleFailure } from "../policies/check";
import type { ObjectRef } from "../policies/kube-object";
import type { ManifestError } from "../policies/manifest";
import type { Violation } from "../policies/rule";

/** The path that names standard input. */
export const STDIN = "-";

/** Where an object was read: a file (or STDIN), the document in it and the line that document starts on, from 1. */
export interface Location {
    readonly file: string;
    readonly document: number;
    readonly line: number;
}

/** A finding or object with the place its object was read. */
export type Located<T> = T & Location;

export interface CheckReport {
    readonly violations: ReadonlyArray<Located<Violation>>;
    /** Objects of kinds no policy covers, and configuration files of other tools, each with the reason. */
    readonly notChecked: ReadonlyArray<Located<ObjectRef & { readonly reason: string }>>;
    readonly waived: ReadonlyArray<Located<Violation & { readonly reason: string }>>;
    /** Cross-resource findings not reported while an input could not be read (it may hold what they miss). */
    readonly heldBack: ReadonlyArray<Located<Violation>>;
    readonly inputErrors: readonly ManifestError[];
    /** What does not stop the check: unrendered templates, objects defined more than once. */
    readonly warnings: readonly ManifestError[];
    readonly ruleFailures: readonly RuleFailure[];
    readonly summary: Readonly<Record<string, number>>;
}
