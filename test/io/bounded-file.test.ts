import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { FileReadError, readBoundedFile } from "../../io/bounded-file";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "bounded-file-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe("readBoundedFile", () => {
    it("reads a regular file through a symbolic link, at the limit exactly", () => {
        fs.writeFileSync(path.join(tmp, "ten.txt"), "0123456789");
        fs.symlinkSync("ten.txt", path.join(tmp, "link.txt"));
        expect(readBoundedFile(path.join(tmp, "link.txt"), 10).toString()).toBe("0123456789");
        expect(readBoundedFile(path.join(tmp, "ten.txt"), 1000).length).toBe(10);
        expect(() => readBoundedFile(path.join(tmp, "ten.txt"), 9)).toThrow(new FileReadError(path.join(tmp, "ten.txt"), "10 bytes; allowed: at most 9"));
    });

    it("stops at the limit whatever size the file claimed, as for a file that grows after it was measured", () => {
        // A /proc file claims 0 bytes and then has more.
        expect(fs.statSync("/proc/self/status").size).toBe(0);
        expect(() => readBoundedFile("/proc/self/status", 10)).toThrow(new FileReadError("/proc/self/status", "more than 10 bytes; allowed: at most 10"));
        expect(readBoundedFile("/proc/self/status", 1024 * 1024).toString()).toMatch(/^Name:/);
    });

    it("refuses a device, a named pipe with no writer and a directory without reading them, and names a missing file", () => {
        fs.symlinkSync("/dev/zero", path.join(tmp, "zero.yaml"));
        expect(spawnSync("mkfifo", [path.join(tmp, "pipe.yaml")]).status).toBe(0);
        const refused = (file: string) => {
            try {
                readBoundedFile(path.join(tmp, file), 1024);
            } catch (error) {
                return (error as FileReadError).reason;
            }
            return "read";
        };
        const notRegular = "not a regular file; allowed: a regular file (symbolic links are followed)";
        expect(refused("zero.yaml")).toBe(`a character device, ${notRegular}`);
        expect(refused("pipe.yaml")).toBe(`a named pipe, ${notRegular}`);
        expect(refused(".")).toBe(`a directory, ${notRegular}`);
        expect(refused("missing.yaml")).toBe("cannot be read (ENOENT); allowed: a readable regular file");
    });
});
