import { readFile } from 'node:fs/promises';
import path from 'node:path';

import type * as SchemaEngineBindings from '@prisma/schema-engine-wasm/schema_engine_bg';

export type { SchemaEngine } from '@prisma/schema-engine-wasm/schema_engine_bg';
export type WasmBindings = typeof SchemaEngineBindings;

interface PanicRegistry {
  set_message(message: string): void;
}

declare global {
  // Read by the WASM module's panic hook (it calls `global.PRISMA_WASM_PANIC_REGISTRY.set_message`).
  var PRISMA_WASM_PANIC_REGISTRY: PanicRegistry | undefined;
}

const BINDINGS_MODULE = '@prisma/schema-engine-wasm/schema_engine_bg';

let lastPanicMessage: string | undefined;

/** The message of the last Rust panic inside the WASM engine, consumed once. */
export function takePanicMessage(): string | undefined {
  const message = lastPanicMessage;
  lastPanicMessage = undefined;
  return message;
}

/**
 * The part of the WebAssembly JS API used here. The workspace compiles against ES2023 + Node types
 * without DOM, where the `WebAssembly` global is not declared; Node has it at run time.
 */
interface WebAssemblyApi {
  instantiate(
    bytes: Uint8Array,
    imports: Record<string, Record<string, unknown>>,
  ): Promise<{ instance: { exports: Record<string, unknown> } }>;
  RuntimeError: abstract new (...args: never[]) => Error;
}

const webAssembly = (globalThis as unknown as { WebAssembly: WebAssemblyApi }).WebAssembly;

/** Whether an error is a WebAssembly trap (a Rust panic ends in `unreachable`). */
export function isWasmTrap(error: unknown): boolean {
  return error instanceof webAssembly.RuntimeError;
}

function isCallable(value: unknown): value is () => unknown {
  return typeof value === 'function';
}

/** The engine version hash, e.g. `59be4fda…` (the suffix of @prisma/schema-engine-wasm's version). */
export async function wasmEngineVersion(): Promise<string> {
  const packageJson = path.join(path.dirname(require.resolve(BINDINGS_MODULE)), 'package.json');
  const { version } = JSON.parse(await readFile(packageJson, 'utf8')) as { version: string };
  return /([0-9a-f]{40})$/.exec(version)?.[1] ?? version;
}

/**
 * Loads the WebAssembly schema engine. The package's entry point imports the `.wasm` file as an ES
 * module, which Node 20 cannot do; so the JS glue is loaded on its own, the `.wasm` is instantiated
 * with the glue as its import object, and the glue is then pointed at the instance — the same steps
 * the entry point performs, done by hand.
 */
export async function loadWasmEngine(): Promise<WasmBindings> {
  globalThis.PRISMA_WASM_PANIC_REGISTRY = {
    set_message(message: string) {
      lastPanicMessage = message;
    },
  };
  const bindings = await import('@prisma/schema-engine-wasm/schema_engine_bg');
  const wasmPath = path.join(path.dirname(require.resolve(BINDINGS_MODULE)), 'schema_engine_bg.wasm');
  const imports: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(bindings)) {
    if (typeof value === 'function') imports[name] = value;
  }
  const { instance } = await webAssembly.instantiate(await readFile(wasmPath), {
    './schema_engine_bg.js': imports,
  });
  bindings.__wbg_set_wasm(instance.exports);
  const start = instance.exports.__wbindgen_start;
  if (isCallable(start)) start();
  return bindings;
}
