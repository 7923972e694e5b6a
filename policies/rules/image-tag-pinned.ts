import { z } from "zod";
import { hasDigest, imageTag } from "../../kube/image";
import { asString } from "../kube-object";
import { defineObjectRule, parameter } from "../rule";
import { checkContainers } from "../workload";

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
            if (hasDigest(image)) return undefined;
            const tag = imageTag(image);
            if (tag === undefined || tag === "") return `uses image "${image}" without a tag`;
            return mutableTags.includes(tag) ? `uses image "${image}" with the mutable tag "${tag}"` : undefined;
        });
    },
});
