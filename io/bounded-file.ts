/**
 * Reading a file a user named (a stack file, a manifest, a policy config, a config file of an app) without trusting
 * what it is. A link to `/dev/zero` or `/dev/urandom` reports size 0 and never ends; a named pipe with no writer blocks
 * the open itself; a file may grow, or be replaced, between the moment it was measured and the read. So only a regular
 * file (symbolic links followed) is read, the pipe is opened non-blocking, and the read itself stops one byte past the
 * limit.
 */
import * as fs from "node:fs";

/** A file that was not read: `reason` says what it is and what is allowed; the message adds the file's name. */
export class FileReadError extends Error {
    override name = "FileReadError";

    constructor(readonly file: string, readonly reason: string) {
        super(`${file}: ${reason}`);
    }
}

function fileKind(stat: fs.Stats): string {
    if (stat.isDirectory()) return "a directory";
    if (stat.isFIFO()) return "a named pipe";
    if (stat.isCharacterDevice()) return "a character device";
    if (stat.isBlockDevice()) return "a block device";
    return stat.isSocket() ? "a socket" : "something else";
}

/** The bytes of `file`, refused with a FileReadError unless it is a regular file of at most `limit` bytes. */
export function readBoundedFile(file: string, limit: number): Buffer {
    const notRegular = (stat: fs.Stats) => new FileReadError(file, `${fileKind(stat)}, not a regular file; allowed: a regular file (symbolic links are followed)`);
    const tooBig = (size: string) => new FileReadError(file, `${size} bytes; allowed: at most ${limit}`);
    let fd: number;
    try {
        // Checked before the open too: opening a device can itself have effects.
        const before = fs.statSync(file);
        if (!before.isFile()) throw notRegular(before);
        fd = fs.openSync(file, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
    } catch (error) {
        if (error instanceof FileReadError) throw error;
        throw new FileReadError(file, `cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); allowed: a readable regular file`);
    }
    try {
        // The file opened may not be the one measured, if it was replaced in between.
        const stat = fs.fstatSync(fd);
        if (!stat.isFile()) throw notRegular(stat);
        if (stat.size > limit) throw tooBig(String(stat.size));
        // Sized for the file as measured (a check reads thousands of small files), grown if it grew, never past the limit.
        let buffer = Buffer.allocUnsafe(stat.size + 1);
        let length = 0;
        for (;;) {
            if (length === buffer.length) {
                if (length > limit) throw tooBig(`more than ${limit}`);
                const grown = Buffer.allocUnsafe(Math.min(buffer.length * 2, limit + 1));
                buffer.copy(grown, 0, 0, length);
                buffer = grown;
            }
            const read = fs.readSync(fd, buffer, length, buffer.length - length, null);
            if (read === 0) break;
            length += read;
        }
        if (length > limit) throw tooBig(`more than ${limit}`);
        return buffer.subarray(0, length);
    } finally {
        fs.closeSync(fd);
    }
}
