import { isHpa, hpaMaxReplicas, hpaMinReplicas } from "../hpa";
import { defineObjectRule } from "../rule";

export const hpaBoundsValid = defineObjectRule({
    name: "hpa-bounds-valid",
    description: "A HorizontalPodAutoscaler has 1 <= minReplicas <= maxReplicas; other bounds are rejected or leave the workload unable to scale.",
    remediation: "Set minReplicas to at least 1 (2 or more for availability) and maxReplicas to at least minReplicas.",
    defaultLevel: "mandatory",
    parameters: {},
    checkObject(obj) {
        if (!isHpa(obj)) return [];
        const min = hpaMinReplicas(obj);
        const max = hpaMaxReplicas(obj);
        const problems: string[] = [];
        if (min < 1) problems.push(`minReplicas ${min} is below 1`);
        if (max === undefined) problems.push("sets no maxReplicas");
        else if (min > max) problems.push(`minReplicas ${min} is above maxReplicas ${max}`);
        return problems;
    },
});
