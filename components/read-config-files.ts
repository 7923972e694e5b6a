import * as fs from "node:fs";
import * as path from "node:path";
import { FileReadError, readBoundedFile } from "../io/bounded-file";
import { formatPath } from "../kube/schema-problems";
import { isWithin } from "../kube/paths";
import { InvalidArgsError } from "./component-args";
import { type ConfigFileContents, type ConfigFiles, MAX_CONFIG_FILES_BYTES } from "./specs/config-files";

/**
 * `configFiles` with every `{ file }` entry read from the project, or the problems that stop it, each keyed
 * `<keyPath>configFiles["<mount path>"].file` (`keyPath` ends as schema problems' roots do, e.g. `args.`): a file that does not exist, lies outside the project (also through a
 * symbolic link), is not UTF-8 text (a ConfigMap's `data` holds text), or makes the files larger than one ConfigMap
 * may be. The pure builders take only the result (components/specs/config-files.ts).
 */
export function readConfigFiles(files: ConfigFiles, projectDir: string, keyPath: string): { contents: ConfigFileContents; problems: string[] } {
    const problems: string[] = [];
    const contents: Record<string, { content: string }> = {};
    const root = fs.realpathSync(projectDir);
    let total = 0;
    for (const [mountPath, entry] of Object.entries(files)) {
        const where = formatPath(["configFiles", mountPath, "file"], keyPath);
        if ("content" in entry) {
            contents[mountPath] = entry;
            total += Buffer.byteLength(entry.content);
            continue;
        }
        const problem = (what: string) => problems.push(`${where}: ${JSON.stringify(entry.file)} ${what}`);
        let real: string;
        try {
            real = fs.realpathSync(path.resolve(root, entry.file));
        } catch {
            problem(`does not exist in the project (${root}); allowed: a file of the project, relative to Pulumi.yaml`);
            continue;
        }
        if (!isWithin(root, real)) {
            problem(`leads outside the project (to ${real}); allowed: a file of the project, relative to Pulumi.yaml`);
            continue;
        }
        const stat = fs.statSync(real);
        if (!stat.isFile()) {
            problem("is not a regular file; allowed: a file of the project");
            continue;
        }
        if (stat.size > MAX_CONFIG_FILES_BYTES) {
            problem(`is ${stat.size} bytes; allowed: at most ${MAX_CONFIG_FILES_BYTES} for all config files of the app (one ConfigMap)`);
            continue;
        }
        let bytes: Buffer;
        try {
            // Bounded again while reading: the file may have grown, or been replaced by a device, since it was measured.
            bytes = readBoundedFile(real, MAX_CONFIG_FILES_BYTES);
        } catch (error) {
            if (!(error instanceof FileReadError)) throw error;
            problem(`could not be read: ${error.reason}`);
            continue;
        }
        const content = bytes.toString("utf8");
        if (!Buffer.from(content, "utf8").equals(bytes)) {
            problem("is not UTF-8 text; allowed: text files (a ConfigMap's data is text)");
            continue;
        }
        contents[mountPath] = { content };
        total += bytes.length;
    }
    if (problems.length === 0 && total > MAX_CONFIG_FILES_BYTES) {
        problems.push(`${formatPath(["configFiles"], keyPath)}: the files are ${total} bytes; allowed: at most ${MAX_CONFIG_FILES_BYTES} in all (one ConfigMap)`);
    }
    return { contents, problems };
}

/** A component's args with their config files read from the working directory (Pulumi runs a program in its project). */
export function withConfigFileContents<T extends { configFiles?: ConfigFiles }>(component: string, name: string, args: T, projectDir = process.cwd()): T {
    if (args.configFiles === undefined) return args;
    const { contents, problems } = readConfigFiles(args.configFiles, projectDir, "args.");
    if (problems.length > 0) throw new InvalidArgsError(`${component} "${name}" has invalid args:\n  - ${problems.join("\n  - ")}`);
    return { ...args, configFiles: contents };
}
