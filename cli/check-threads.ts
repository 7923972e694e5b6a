/**
 * The inputs of `kube-appstack check`, read on several threads once they are large enough to be worth it.
 *
 * Reading (YAML parsing above all) and the per-object rules cost nearly all of a large check, and each file is judged
 * on its own, so worker threads take files from one shared counter while the main thread takes them too. A worker
 * hands each file back as JSON text: stringified there and parsed here, the objects cost less than a structured clone
 * of them (0.69 s against 0.98 s for the benchmark's 50k objects), and the main thread pays only the parse. It parses
 * them between files of its own, then puts every file back in the order given, so the report is the same whatever
 * thread read what. Cross-resource rules need every object together and run afterwards, on the main thread
 * (cli/check.ts).
 *
 * Small inputs never start a thread: the main thread reads alone until PARALLEL_AFTER_BYTES, and a worker's start
 * (about 50 ms, its bundle loaded) would cost a small check more than it saves.
 */
import * as os from "node:os";
import * as path from "node:path";
import type { MessagePort, Worker } from "node:worker_threads";
import type { EnabledRule } from "../policies/check";
import type { EnforcementLevel } from "../policies/rule";
import { STDIN } from "./check-report";
import { type ManifestInput, readManifestInput } from "./manifest-input";

/** Bytes the main thread reads alone before it starts worker threads. */
export const PARALLEL_AFTER_BYTES = 2 * 1024 * 1024;

/** Threads by default: one per CPU, at most this many (the main thread parses every worker's JSON). */
const MAX_DEFAULT_JOBS = 4;

export const defaultJobs = (): number => Math.min(os.availableParallelism(), MAX_DEFAULT_JOBS);

/** What a worker is given: the files, the shared counter of the next file to take, the enabled rules and its port. */
export interface WorkerData {
    readonly files: readonly string[];
    readonly next: Int32Array;
    readonly rules: ReadonlyArray<[name: string, level: Exclude<EnforcementLevel, "disabled">, params: Readonly<Record<string, unknown>>]>;
    readonly port: MessagePort;
}

/**
 * A worker's message: a batch of inputs, each as its own JSON text (`[index, ManifestInput | null]`, null for a file the
 * main thread must read itself), or DONE once it has taken its last file.
 */
export type Message = readonly string[] | typeof DONE;
export const DONE = "done";

/**
 * node:worker_threads, loaded only by a check that starts threads: loading it costs every start of the command about
 * 2 ms, a few percent of a one-file check.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const workerThreads = (): typeof import("node:worker_threads") => require("node:worker_threads");

/** Read through bin/check-worker.js, which loads the built check-worker bundle (from bin-out/ or cli/ alike). */
const WORKER_SCRIPT = path.join(__dirname, "..", "bin", "check-worker.js");

/** How the inputs were read: each in the order of `files`, and how many files each thread read (this one first). */
export interface ReadInputs {
    readonly inputs: ManifestInput[];
    /** Tests read it to make sure that every worker took part. */
    readonly filesPerThread: number[];
}

/** Where tests move the defaults: workers from the first file on, or a worker script that fails. */
export interface ThreadOptions {
    /** @default PARALLEL_AFTER_BYTES */
    readonly parallelAfterBytes?: number;
    /** @default bin/check-worker.js */
    readonly workerScript?: string;
}

/**
 * Every file read by readManifestInput, in the order of `files`, on up to `jobs` threads, once this thread has read
 * `parallelAfterBytes`.
 */
export async function readManifestInputs(
    files: readonly string[],
    enabled: readonly EnabledRule[],
    jobs: number,
    { parallelAfterBytes = PARALLEL_AFTER_BYTES, workerScript = WORKER_SCRIPT }: ThreadOptions = {},
): Promise<ReadInputs> {
    const results: Array<ManifestInput | undefined> = new Array(files.length);
    let read = 0;
    const readHere = (i: number): ManifestInput => {
        read++;
        return (results[i] = readManifestInput(files[i], enabled));
    };
    // Standard input can be read once, so no worker may take it: this thread reads it before any starts.
    files.forEach((file, i) => {
        if (file === STDIN) readHere(i);
    });
    const next = new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT));
    let workers: Workers | undefined;
    let bytes = 0;
    try {
        for (let i = Atomics.add(next, 0, 1); i < files.length; i = Atomics.add(next, 0, 1)) {
            if (results[i] !== undefined) continue;
            bytes += readHere(i).bytes;
            if (workers === undefined && jobs > 1 && bytes >= parallelAfterBytes && Atomics.load(next, 0) < files.length) {
                workers = new Workers(jobs - 1, workerScript, { files, next, rules: enabled.map(({ rule, level, params }) => [rule.name, level, params]) }, results);
            }
            workers?.take();
        }
        await workers?.finish();
    } catch (error) {
        workers?.stop();
        throw error;
    }
    // What a worker could not hand back (see cli/check-worker.ts) is read here.
    files.forEach((_, i) => {
        if (results[i] === undefined) readHere(i);
    });
    return { inputs: results as ManifestInput[], filesPerThread: [read, ...(workers?.filesRead ?? [])] };
}

interface Running {
    readonly worker: Worker;
    readonly port: MessagePort;
    /** Settles when the worker has ended: after its DONE it resolves, before it (or on an error) it rejects. */
    readonly ended: Promise<void>;
    done: boolean;
    read: number;
}

class Workers {
    private readonly running: Running[] = [];

    /** Starts `count` workers whose inputs go into `results`; if one cannot start, those already started are stopped. */
    constructor(count: number, script: string, data: Omit<WorkerData, "port">, private readonly results: Array<ManifestInput | undefined>) {
        const { MessageChannel, Worker } = workerThreads();
        try {
            for (let k = 0; k < count; k++) {
                const { port1: port, port2 } = new MessageChannel();
                const worker = new Worker(script, { workerData: { ...data, port: port2 } satisfies WorkerData, transferList: [port2] });
                const running: Running = { worker, port, done: false, read: 0, ended: this.watch(worker, port) };
                this.running.push(running);
            }
        } catch (error) {
            this.stop();
            throw error;
        }
    }

    /**
     * The worker's end, watched from its start: an error event with no listener would end the process, even after the
     * check has failed for another reason and stopped the workers.
     */
    private watch(worker: Worker, port: MessagePort): Promise<void> {
        const ended = new Promise<void>((resolve, reject) => {
            port.on("message", (message: Message) => this.receive(port, message));
            worker.once("error", (error) => reject(new Error(`a worker thread of the check failed: ${error.message} (--jobs 1 reads every file on the main thread)`, { cause: error })));
            worker.once("exit", (code) => {
                this.takeFrom(port);
                port.close();
                if (this.runningOn(port).done) resolve();
                else reject(new Error(`a worker thread of the check stopped (exit code ${code}) before it had read the files it took (--jobs 1 reads every file on the main thread)`));
            });
        });
        // Awaited by finish(); after stop() nobody awaits it, and its rejection must not count as unhandled.
        ended.catch(() => undefined);
        return ended;
    }

    get filesRead(): number[] {
        return this.running.map(({ read }) => read);
    }

    /** Puts every batch the workers have sent so far into the results, without waiting for more. */
    take(): void {
        for (const { port } of this.running) this.takeFrom(port);
    }

    private takeFrom(port: MessagePort): void {
        const { receiveMessageOnPort } = workerThreads();
        for (let message = receiveMessageOnPort(port); message !== undefined; message = receiveMessageOnPort(port)) {
            this.receive(port, message.message as Message);
        }
    }

    private runningOn(port: MessagePort): Running {
        return this.running.find((running) => running.port === port) as Running;
    }

    private receive(port: MessagePort, message: Message): void {
        const running = this.runningOn(port);
        if (message === DONE) {
            running.done = true;
            return;
        }
        for (const entry of message) {
            const [index, input] = JSON.parse(entry) as [number, ManifestInput | null];
            if (input === null) continue;
            this.results[index] = input;
            running.read++;
        }
    }

    /** Waits for every worker to end (after its last batch, and its code cache written); one that fails fails the check. */
    async finish(): Promise<void> {
        this.take();
        await Promise.all(this.running.map(({ ended }) => ended));
    }

    /** Stops every worker at once: the check failed, and what they read would go unused. */
    stop(): void {
        for (const { worker, port } of this.running) {
            port.close();
            void worker.terminate();
        }
    }
}
