import {
  context,
  propagation,
  ROOT_CONTEXT,
  trace,
  type Context,
  type Span,
  type TextMapGetter,
  type Tracer,
} from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BatchSpanProcessor,
  SimpleSpanProcessor,
  TracerProvider,
  type SpanExporter,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace';
import { PrismaInstrumentation } from '@prisma/instrumentation';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';

/**
 * OpenTelemetry tracing for the whole process, instrumented by hand at the platform's own seams (the
 * kit's HTTP server, the gateway's subgraph calls, the outbox relay, the consumer runner) plus Prisma's
 * own tracing. No require hooks: they do not see modules loaded through jest's registry, and a seam we
 * own cannot be missed by a load-order mistake.
 */

/** Where spans go: the OTLP/HTTP endpoint when one is configured, else nowhere. */
export interface TelemetrySettings {
  /** `service.name` of every span this process records. */
  serviceName: string;
  /** The OTLP/HTTP traces URL (`…/v1/traces`) and its headers; null: nothing is exported. */
  otlp: { url: string; headers: Record<string, string> } | null;
}

export interface TelemetryOptions extends TelemetrySettings {
  /**
   * Further exporters, each behind a simple (unbatched) processor so a finished span reaches it at once:
   * tests' `InMemorySpanExporter`, a console exporter when debugging.
   */
  exporters?: readonly SpanExporter[];
}

export interface InstalledTelemetry {
  readonly serviceName: string;
  /** Where spans are exported over the network; null when nowhere. */
  readonly otlpUrl: string | null;
  /** How many span processors the provider has (0: spans are recorded for context only). */
  readonly processorCount: number;
  /** Exports what is buffered. */
  forceFlush(): Promise<void>;
  /** Flushes and uninstalls (the process's globals go back to no-ops). */
  shutdown(): Promise<void>;
}

let installed: InstalledTelemetry | null = null;

/**
 * Installs the process's tracer provider, the AsyncLocalStorage context manager, the W3C trace-context
 * propagator and Prisma's tracing, once per process: a later call answers the first installation.
 * Without `otlp` (and `exporters`) spans still exist — trace ids in logs and events, parents across
 * services — but leave the process nowhere.
 */
export function installTelemetry(options: TelemetryOptions): InstalledTelemetry {
  if (installed) return installed;
  const processors: SpanProcessor[] = [];
  if (options.otlp) {
    const exporter = new OTLPTraceExporter({ url: options.otlp.url, headers: options.otlp.headers });
    processors.push(new BatchSpanProcessor({ exporter }));
  }
  for (const exporter of options.exporters ?? []) processors.push(new SimpleSpanProcessor({ exporter }));
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: options.serviceName }),
    spanProcessors: processors,
  });
  const contextManager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(contextManager);
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(provider);
  // Prisma's client looks for a global tracing helper on each operation; enabling the instrumentation
  // sets it (PrismaInstrumentation's enable() installs no module hook).
  const prisma = new PrismaInstrumentation({ enabled: false });
  prisma.setTracerProvider(provider);
  prisma.enable();
  const telemetry: InstalledTelemetry = {
    serviceName: options.serviceName,
    otlpUrl: options.otlp?.url ?? null,
    processorCount: processors.length,
    forceFlush: () => provider.forceFlush(),
    async shutdown() {
      prisma.disable();
      await provider.shutdown();
      trace.disable();
      propagation.disable();
      context.disable();
      if (installed === telemetry) installed = null;
    },
  };
  installed = telemetry;
  return telemetry;
}

/** The installed telemetry, if any. */
export function installedTelemetry(): InstalledTelemetry | null {
  return installed;
}

/** The kit's tracer for a service's spans: the scope name says which service made them. */
export function tracerFor(service: string): Tracer {
  return trace.getTracer(service);
}

const headerGetter: TextMapGetter<Record<string, string | string[] | undefined>> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => carrier[key],
};

/** The trace context a caller sent in its `traceparent`/`tracestate` headers (root when none). */
export function contextFromHeaders(headers: Record<string, string | string[] | undefined>): Context {
  return propagation.extract(ROOT_CONTEXT, headers, headerGetter);
}

/** `traceparent` (and `tracestate`) of the active span, for a request or an event to carry. */
export function activeTraceHeaders(active: Context = context.active()): Record<string, string> {
  const carrier: Record<string, string> = {};
  propagation.inject(active, carrier);
  return carrier;
}

/** The active span's ids, for log lines; empty outside a recorded span. */
export function activeTraceIds(): { trace_id?: string; span_id?: string } {
  const span: Span | undefined = trace.getActiveSpan();
  const ids = span?.spanContext();
  if (!ids || !trace.isSpanContextValid(ids)) return {};
  return { trace_id: ids.traceId, span_id: ids.spanId };
}
