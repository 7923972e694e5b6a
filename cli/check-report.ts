// What `kube-appstack check` found, as its JSON format prints it and its SARIF format translates it: apart from
// cli/check.ts so that a formatter reads the report without importing the command back.
import type { RuleFailure, WaivedViolation } from "../policies/check";
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

export type Located<T> = T & { readonly locations: readonly Location[] };

export interface CheckReport {
    readonly violations: ReadonlyArray<Located<Violation>>;
    /** Objects of kinds no policy covers. */
    readonly notChecked: ReadonlyArray<Located<ObjectRef>>;
    readonly waived: ReadonlyArray<Located<WaivedViolation>>;
    readonly inputErrors: readonly ManifestError[];
    readonly ruleFailures: readonly RuleFailure[];
    readonly summary: Readonly<Record<string, number>>;
}
