// Container image references: `[registry[:port]/]repository[:tag][@<algorithm>:<hex>]`. Shared by the stack config
// schema, the kind cluster's node image check and the `image-tag-pinned` policy, so all three agree on "pinned".

/** `@<algorithm>:<hex>` at the end of an image reference, as in `app@sha256:4f1c...`. */
const DIGEST = /@[a-z0-9]+(?:[+._-][a-z0-9]+)*:[0-9a-fA-F]{32,}$/;

export function hasDigest(image: string): boolean {
    return DIGEST.test(image);
}

/** The tag of an image reference, or undefined when it has none (a colon before the last slash is a registry port). */
export function imageTag(image: string): string | undefined {
    const name = image.split("@")[0];
    const colon = name.indexOf(":", name.lastIndexOf("/") + 1);
    return colon >= 0 ? name.slice(colon + 1) : undefined;
}

/**
 * Pinned: a digest, or a tag that is not one of `mutableTags`. An unpinned image changes under a running app without
 * a deploy, so restarts and rollbacks run code nobody reviewed.
 */
export function isPinnedImage(image: string, mutableTags: readonly string[] = ["latest"]): boolean {
    if (hasDigest(image)) return true;
    const tag = imageTag(image);
    return tag !== undefined && tag !== "" && !mutableTags.includes(tag);
}

// [registry[:port]/]repository[:tag][@sha256:<digest>], the grammar of github.com/distribution/reference minus upper
// case, which that grammar only allows in a registry host name. Between the alphanumeric runs of a path component goes
// one separator: a period, one or two underscores, or any number of dashes (so "a..b", "a___b" and "a.-b" are no names).
const SEPARATOR = "(?:[._]|__|-+)";
const PATH_COMPONENT = `[a-z0-9]+(?:${SEPARATOR}[a-z0-9]+)*`;
const IMAGE_REFERENCE = new RegExp(
    `^${PATH_COMPONENT}(?::[0-9]+)?(?:/${PATH_COMPONENT})*(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$`,
);

/** Whether a container runtime can parse the reference at all. */
export function isImageReference(image: string): boolean {
    return IMAGE_REFERENCE.test(image);
}
