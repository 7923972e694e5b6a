import { PersistentStorageArgs } from "../components/specs/persistent-storage";
import { StatefulAppArgs } from "../components/specs/stateful-app";
import { StatelessAppArgs } from "../components/specs/stateless-app";
import { StatefulAppConfig, StatelessAppConfig, StorageConfig } from "./stack-config";

// Stack config entries mirror the component args field for field; these functions only drop the config-only fields
// (name, type, and the secret references secretConfig, secretFiles, registryCredentials) and add the namespace. The compile-time assignments prove the two never drift apart.

export function statelessAppArgs(app: StatelessAppConfig, namespace: string, previousReplicas?: number): StatelessAppArgs {
    const { name: _name, type: _type, secretConfig: _secretConfig, secretFiles: _secretFiles, registryCredentials: _registry, ...args } = app;
    return { ...args, namespace, previousReplicas };
}

export function statefulAppArgs(app: StatefulAppConfig, namespace: string, previousReplicas?: number): StatefulAppArgs {
    const { name: _name, type: _type, secretConfig: _secretConfig, secretFiles: _secretFiles, registryCredentials: _registry, ...args } = app;
    return { ...args, namespace, previousReplicas };
}

export function persistentStorageArgs(storage: StorageConfig, namespace: string): PersistentStorageArgs {
    const { name: _name, ...args } = storage;
    return { ...args, namespace };
}
