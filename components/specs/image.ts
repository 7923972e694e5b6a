// Container image references: `[registry[:port]/]repository[:tag][@sha256:<64 hex>]`.

const DIGEST = /@sha256:[a-f0-9]{64}$/;

/** The tag of an image reference, or undefined when it has none (a registry port is not a tag). */
export function imageTag(image: string): string | undefined {
    const withoutDigest = image.replace(/@.*$/, "");
    const lastSlash = withoutDigest.lastIndexOf("/");
    const lastColon = withoutDigest.lastIndexOf(":");
    return lastColon > lastSlash ? withoutDigest.slice(lastColon + 1) : undefined;
}

/** Pinned: a digest, or a tag other than `latest`. An unpinned image changes under a running app without a deploy. */
export function isPinnedImage(image: string): boolean {
    if (DIGEST.test(image)) return true;
    const tag = imageTag(image);
    return tag !== undefined && tag !== "" && tag !== "latest";
}
