// The kube-appstack Pulumi program. Everything it does is in program/program.ts; this file is the entry point Pulumi
// runs (`main` in package.json), and its result becomes the stack outputs.
import { program } from "./program/program";

export = program;
