// Constructing a PolicyPack starts the gRPC server CrossGuard talks to, so nothing else may import this file.
import { PolicyPack } from "@pulumi/policy";
import { crossGuardPolicies } from "./crossguard";

new PolicyPack("kube-appstack", { policies: crossGuardPolicies() });
