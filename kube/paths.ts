/** Whether `path` is `directory` or lies under it (absolute, normalized paths; `/var/logs` is not under `/var/log`). */
export function isWithin(directory: string, path: string): boolean {
    return path === directory || path.startsWith(directory.endsWith("/") ? directory : `${directory}/`);
}
