"use strict";
const k8s = require("@pulumi/kubernetes");

new k8s.core.v1.ConfigMap("floor", { data: { greeting: "hello" } });
