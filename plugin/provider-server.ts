// A Pulumi resource provider plugin as a gRPC server, around a provider object of plain async CRUD functions (the shape
// of a Pulumi dynamic provider). The engine starts the plugin, reads the port it prints, and calls the ResourceProvider
// service on it.
//
// Why not a dynamic provider: every preview of a stack with one serialized the provider's functions (parsing them with
// the TypeScript compiler), then waited for the engine to start a second Node.js process that loads the whole Pulumi
// SDK again before its first answer (0.6 s here). This server loads gRPC and the protocol's messages only, prebuilt
// with a V8 code cache (bin/load-bundle.js), and answers in about a quarter of that.
//
// Only what a provider of plain data needs: no secrets, unknowns, resource references or assets come in
// (ConfigureResponse says so, and the engine then strips secrets and sends no references), there is no provider
// config, and nothing happens during a preview: a previewed create answers with its inputs (the SDK shows every output
// as unknown), a previewed update with what the provider's previewUpdate computes, without doing anything.
import * as fs from "node:fs";
import * as grpc from "@grpc/grpc-js";
import { PluginInfo } from "@pulumi/pulumi/proto/plugin_pb";
import { ResourceProviderService, type IResourceProviderServer } from "@pulumi/pulumi/proto/provider_grpc_pb";
import {
    CheckResponse, ConfigureResponse, CreateResponse, DiffResponse, ReadResponse, UpdateResponse,
} from "@pulumi/pulumi/proto/provider_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";

/** What the provider says of a planned change. */
export interface ProviderDiff {
    changes: boolean;
    /** Input keys whose change needs a new resource. */
    replaces?: string[];
    /** Delete the old resource before creating its replacement (names that cannot exist twice). */
    deleteBeforeReplace?: boolean;
}

/** The CRUD functions a plugin serves; `I` are the resource's inputs, `O` its outputs (inputs included). */
export interface PluginProvider<I, O> {
    create(inputs: I): Promise<{ id: string; outs: O }>;
    /** An empty id: the resource is gone. */
    read(id: string, props: O): Promise<{ id: string; props: Partial<O> }>;
    diff(id: string, olds: O, news: I): Promise<ProviderDiff>;
    update(id: string, olds: O, news: I): Promise<{ outs: O }>;
    /**
     * The outputs an update to `news` will have, computed without doing anything, for previews. Without it the engine
     * previews an update with the new inputs as the outputs, so every output that is not an input (a cluster's
     * kubeconfig) reads as unknown, and so does everything that depends on it (every resource on that cluster).
     */
    previewUpdate?(id: string, olds: O, news: I): O;
    delete(id: string, props: O): Promise<void>;
}

/** The plugin: its version (what `pulumi about` and the state record) and its provider. */
export interface PluginDefinition<I, O> {
    version: string;
    provider: PluginProvider<I, O>;
}

type Unary<Req, Res> = grpc.handleUnaryCall<Req, Res>;

/** A protobuf Struct's fields as plain JavaScript (an absent Struct is empty). */
function plain<T>(struct: Struct | undefined): T {
    return (struct?.toJavaScript() ?? {}) as T;
}

/** A plain object as a protobuf Struct; undefined fields are left out (a Struct has no undefined). */
function struct(value: object): Struct {
    return Struct.fromJavaScript(JSON.parse(JSON.stringify(value)) as Record<string, never>);
}

/** Answers one call: the handler's result, or its error's message as the call's status (the engine shows it). */
function unary<Req, Res>(handler: (request: Req) => Res | Promise<Res>): Unary<Req, Res> {
    return (call, callback) => {
        Promise.resolve()
            .then(() => handler(call.request))
            .then(
                (response) => callback(null, response),
                (error: unknown) => callback({
                    code: grpc.status.UNKNOWN,
                    details: error instanceof Error ? error.message : String(error),
                }),
            );
    };
}

/** The ResourceProvider service's methods for `definition`; methods left out answer UNIMPLEMENTED (grpc-js). */
function providerService<I extends object, O extends object>(definition: PluginDefinition<I, O>): Partial<IResourceProviderServer> {
    const { provider } = definition;
    return {
        getPluginInfo: unary(() => new PluginInfo().setVersion(definition.version)),
        configure: unary(() => new ConfigureResponse()
            .setAcceptsecrets(false)
            .setAcceptresources(false)
            .setAcceptoutputs(false)
            .setSupportspreview(provider.previewUpdate !== undefined)),
        // No provider config: the config is always valid and never changes what the provider manages. The engine also
        // asks DiffConfig when a resource moves to this provider from another (a state written by an earlier version of
        // the plugin, or by the dynamic provider before it): no difference there is what lets the resource stay.
        checkConfig: unary((request) => new CheckResponse().setInputs(request.getNews())),
        diffConfig: unary(() => new DiffResponse().setChanges(DiffResponse.DiffChanges.DIFF_NONE)),
        check: unary((request) => new CheckResponse().setInputs(request.getNews())),
        diff: unary(async (request) => {
            const result = await provider.diff(request.getId(), plain<O>(request.getOlds()), plain<I>(request.getNews()));
            return new DiffResponse()
                .setChanges(result.changes ? DiffResponse.DiffChanges.DIFF_SOME : DiffResponse.DiffChanges.DIFF_NONE)
                .setReplacesList(result.replaces ?? [])
                .setDeletebeforereplace(result.deleteBeforeReplace ?? false);
        }),
        create: unary(async (request) => {
            // A planned resource's outputs are unknown until it exists: its inputs only, and no id.
            if (request.getPreview()) return new CreateResponse().setProperties(request.getProperties());
            const result = await provider.create(plain<I>(request.getProperties()));
            return new CreateResponse().setId(result.id).setProperties(struct(result.outs));
        }),
        read: unary(async (request) => {
            const result = await provider.read(request.getId(), plain<O>(request.getProperties()));
            return new ReadResponse().setId(result.id).setProperties(struct(result.props));
        }),
        update: unary(async (request) => {
            const [id, olds, news] = [request.getId(), plain<O>(request.getOlds()), plain<I>(request.getNews())];
            if (request.getPreview()) {
                // Only asked when previewUpdate exists (supportsPreview): the engine previews without us otherwise.
                if (provider.previewUpdate === undefined) throw new Error("this provider cannot preview an update");
                return new UpdateResponse().setProperties(struct(provider.previewUpdate(id, olds, news)));
            }
            const result = await provider.update(id, olds, news);
            return new UpdateResponse().setProperties(struct(result.outs));
        }),
        delete: unary(async (request) => {
            await provider.delete(request.getId(), plain<O>(request.getProperties()));
            return new Empty();
        }),
        cancel: unary(() => new Empty()),
    };
}

/** How often a plugin the engine started looks whether its parent is still the engine. */
const ENGINE_WATCH_INTERVAL_MS = 1000;

/**
 * Ends the plugin once the engine that started it is gone. An engine that ends normally stops its plugins (SIGINT,
 * then SIGKILL); one that is killed (a closed terminal, a cancelled CI job) cannot, and the plugin would serve nobody
 * for as long as the machine runs. (Pulumi's Go providers ask the engine's health endpoint every 5 minutes for this.)
 * - The engine gives the plugin a stdin pipe and holds its write end, never writing to it or closing it, for as long
 *   as it runs (Go's cmd.StdinPipe in the SDK's plugin launcher): the pipe's end is the engine's end, at once, also
 *   through a launcher that passes stdin on.
 * - A plugin whose stdin is no pipe (started by hand with /dev/null, or behind a launcher that keeps stdin to itself)
 *   looks every second whether its parent is still `enginePid`: the engine's death gives it a new parent.
 * A kind command still running goes on to its end, as when the plugin is killed: the next create finds what it left
 * (components/kind-cluster-provider.ts).
 */
function endWithEngine(server: grpc.Server, enginePid: number): void {
    const end = () => {
        server.forceShutdown();
        process.exit(0);
    };
    let stdin: fs.Stats | undefined;
    try {
        stdin = fs.fstatSync(0);
    } catch {
        stdin = undefined;
    }
    if (stdin?.isFIFO() || stdin?.isSocket()) process.stdin.once("end", end).once("error", end).resume();
    const watch = setInterval(() => {
        if (process.ppid !== enginePid) end();
    }, ENGINE_WATCH_INTERVAL_MS);
    // The watch alone keeps nothing running.
    watch.unref();
}

/**
 * Serves `definition` as a provider plugin: listens on a free local port and prints it, as the engine expects of a
 * plugin it starts. Its first argument is the engine's address, which a provider without callbacks does not need: its
 * presence says an engine started the plugin (without it, the plugin runs on its own, as in Pulumi's attach mode).
 * Resolves with the server, which runs until the engine stops the process or is gone (endWithEngine). `enginePid` is
 * the parent the process started with: read by the launcher before it loads (or rebuilds) the bundle, so that an
 * engine that dies meanwhile is still noticed.
 */
export async function servePlugin<I extends object, O extends object>(definition: PluginDefinition<I, O>, enginePid: number): Promise<grpc.Server> {
    // The engine's messages can be larger than gRPC's 4 MiB default (a kind config with many mounts, a large state).
    const server = new grpc.Server({ "grpc.max_receive_message_length": 400 * 1024 * 1024 });
    server.addService(ResourceProviderService, providerService(definition) as grpc.UntypedServiceImplementation);
    const port = await new Promise<number>((resolve, reject) => {
        server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound)));
    });
    if (process.argv.length > 2) endWithEngine(server, enginePid);
    process.stdout.write(`${port}\n`);
    return server;
}
