import * as fs from "node:fs";
import * as path from "node:path";

/** The version of this checkout's package.json: the one users install and CI pins. */
export function packageVersion(): string {
    return (JSON.parse(fs.readFileSync(path.join(__dirname, "..", "package.json"), "utf8")) as { version: string }).version;
}
