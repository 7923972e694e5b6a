import { z } from "zod";
import { defOf } from "./schema-problems";

// Reference tables generated from schemas: every key with its type, default and description, read from the `.meta()`
// each field carries. The docs under docs/reference/ are made from these, so a field documented nowhere else cannot
// drift from the schema that checks it.

/** What a field's `.meta()` may say: `description` and `default` (markdown) per field, `type` and `title` per schema. */
interface FieldMeta {
    description?: string;
    default?: string;
    /** How a refined primitive reads in a table (e.g. "integer, 1 to 65535"). */
    type?: string;
    /** A named type, documented once in its own section and linked from every field that uses it. */
    title?: string;
}

export interface ReferenceRow {
    readonly key: string;
    readonly type: string;
    readonly required: boolean;
    readonly default?: string;
    readonly description?: string;
}

export interface ReferenceSection {
    readonly title: string;
    readonly intro?: string;
    readonly rows: ReferenceRow[];
}

/** The keys of object schemas that every one of them declares with the very same field schema (spread from one shape). */
export function sharedKeys(schemas: readonly z.ZodType[]): string[] {
    const shapes = schemas.map((s) => defOf(s).shape ?? {});
    return Object.keys(shapes[0]).filter((key) => shapes.every((shape) => shape[key] === shapes[0][key]));
}

const metaOf = (schema: z.ZodType): FieldMeta => (z.globalRegistry.get(schema) ?? {}) as FieldMeta;

export const slug = (title: string): string => title.toLowerCase().replace(/[^a-z0-9 _-]/g, "").replace(/ /g, "-");

/** Collects sections: the schema's own, then one per named type it uses, each once. */
export class SchemaReference {
    readonly sections: ReferenceSection[] = [];
    private readonly named = new Set<string>();

    /** A section for the fields of an object schema (optionally only `keys`), titled `title`. */
    /**
     * A section for the fields of an object schema titled `title`: only `keys` when given, and without the nested keys
     * of the fields in `shallow` (documented in sections of their own).
     */
    add(title: string, schema: z.ZodType, options: { intro?: string; keys?: readonly string[]; shallow?: readonly string[] } = {}): void {
        const rows: ReferenceRow[] = [];
        this.sections.push({ title, intro: options.intro, rows });
        this.fields(schema, "", rows, options.keys, options.shallow ?? []);
    }

    private fields(schema: z.ZodType, prefix: string, rows: ReferenceRow[], keys?: readonly string[], shallow: readonly string[] = []): void {
        const def = defOf(schema);
        if (def.type === "optional" || def.type === "nullable") return this.fields(def.innerType!, prefix, rows, keys, shallow);
        if (def.type === "union") {
            for (const option of def.options!) this.fields(option, prefix, rows, keys, shallow);
            return;
        }
        for (const [key, field] of Object.entries(def.shape ?? {})) {
            if ((keys && !keys.includes(key)) || rows.some((r) => r.key === `${prefix}${key}`)) continue;
            this.field(field, `${prefix}${key}`, rows, !shallow.includes(key));
        }
    }

    private field(schema: z.ZodType, key: string, rows: ReferenceRow[], nest: boolean): void {
        const outer = metaOf(schema);
        const required = defOf(schema).type !== "optional";
        const inner = required ? schema : defOf(schema).innerType!;
        rows.push({ key, type: this.typeOf(inner), required, default: outer.default, description: outer.description ?? metaOf(inner).description });
        const nested = nest ? this.nestedObject(inner) : undefined;
        if (nested) this.fields(nested.schema, `${key}${nested.suffix}.`, rows);
    }

    /** An unnamed object inside a field (directly, in a list or in a map), documented as nested keys of that field. */
    private nestedObject(schema: z.ZodType): { schema: z.ZodType; suffix: string } | undefined {
        const def = defOf(schema);
        if (metaOf(schema).title) return undefined;
        if (def.type === "object" || (def.type === "union" && def.options!.every((o) => defOf(o).type === "object"))) return { schema, suffix: "" };
        if (def.type === "array") return this.nestedObject(def.element!) && { schema: def.element!, suffix: "[]" };
        if (def.type === "record") return this.nestedObject(def.valueType!) && { schema: def.valueType!, suffix: ".<name>" };
        return undefined;
    }

    private typeOf(schema: z.ZodType): string {
        const meta = metaOf(schema);
        if (meta.title) {
            if (!this.named.has(meta.title)) {
                this.named.add(meta.title);
                this.add(meta.title, schema, { intro: meta.description });
            }
            return `[${meta.title}](#${slug(meta.title)})`;
        }
        if (meta.type) return meta.type;
        const def = defOf(schema) as ReturnType<typeof defOf> & { entries?: Record<string, string>; values?: unknown[] };
        switch (def.type) {
            case "enum": return Object.values(def.entries!).map((v) => `\`${JSON.stringify(v)}\``).join(" or ");
            case "literal": return def.values!.map((v) => `\`${JSON.stringify(v)}\``).join(" or ");
            case "array": return `list of ${this.typeOf(def.element!)}`;
            case "record": return `map of ${this.typeOf(def.valueType!)}`;
            case "object": return "object";
            case "union": return [...new Set(def.options!.map((o) => this.typeOf(o)))].join(" or ");
            case "custom": return "Pulumi Input";
            case "unknown": return "any";
            default: return def.type;
        }
    }
}

const cell = (text: string): string => text.replace(/\|/g, "\\|").replace(/\n/g, " ");

export function sectionMarkdown(section: ReferenceSection, level = 2): string {
    const rows = section.rows.map((r) =>
        `| \`${r.key}\` | ${cell(r.type)} | ${r.required ? "**required**" : cell(r.default ?? "none")} | ${cell(r.description ?? "")} |`);
    return [
        `${"#".repeat(level)} ${section.title}`,
        "",
        ...(section.intro ? [section.intro, ""] : []),
        "| Key | Type | Default | Description |",
        "| --- | --- | --- | --- |",
        ...rows,
        "",
    ].join("\n");
}
