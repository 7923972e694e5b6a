import { z } from "zod";
import { asString } from "../kube-object";
import { defineObjectRule, parameter } from "../rule";
import { checkContainers } from "../workload";

/** `@<algorithm>:<hex>` at the end of an image reference, as in `app@sha256:4f1c...`. */
const DIGEST = /@[a-z0-9]+(?:[+._-][a-z0-9]+)*:[0-9a-fA-F]{32,}$/;

/** The tag of an image reference without a digest, `undefined` when it has none. */
function tagOf(image: string): string | undefined {
    const name = image.split("@")[0];
    const colon = name.indexOf(":", name.lastIndexOf("/") + 1);
    // A colon before the last slash belongs to a registry port (`registry:5000/app`), not a tag.
    return colon >= 0 ? name.slice(colon + 1) : undefined;
}

export const imageTagPinned = defineObjectRule({
    name: "image-tag-pinned",
    description:
        "Every container image names a fixed tag or digest: an untagged or `latest` image changes under a running app, so restarts and rollbacks run code nobody reviewed.",
    remediation: "Reference images by a version tag (app:1.4.2) or, better, by digest (app@sha256:...).",
    defaultLevel: "advisory",
    parameters: {
        /** Tags that move and therefore do not pin an image. @default ["latest"] */
        mutableTags: parameter(z.array(z.string().min(1)), ["latest"], "Tags that move and therefore do not pin an image."),
    },
    checkObject(obj, { mutableTags }) {
        return checkContainers(obj, (container) => {
            const image = asString(container.fields.image);
            if (image === undefined) return undefined;
            if (DIGEST.test(image)) return undefined;
            const tag = tagOf(image);
            if (tag === undefined || tag === "") return `uses image "${image}" without a tag`;
            return mutableTags.includes(tag) ? `uses image "${image}" with the mutable tag "${tag}"` : undefined;
        });
    },
});
