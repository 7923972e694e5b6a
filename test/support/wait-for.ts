/**
 * Polls `check` every `intervalMs` until it returns a value other than undefined or false, or fails after `timeoutMs` naming
 * `what` (and the last error `check` threw). A bound on something that happens elsewhere (a controller, a pipe, a
 * process ending), never a timing assertion.
 */
export async function waitFor<T>(what: string, timeoutMs: number, check: () => T | undefined | false, intervalMs = 1000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    let last: unknown;
    for (;;) {
        try {
            const value = check();
            if (value !== undefined && value !== false) return value;
        } catch (error) {
            last = error;
        }
        if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000}s waiting for ${what}${last ? `: ${String(last)}` : ""}`);
        await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
}
