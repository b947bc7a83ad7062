import {
  context,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Span,
} from '@opentelemetry/api';

/**
 * Trace context across the Kafka hop. An event carries the trace of the work that produced it in its
 * envelope (CloudEvents Distributed Tracing extension: `traceparent`, `tracestate`); the relay's
 * publish span and the consumer's processing span are children of that context, so a consumer's work
 * joins the producer's trace. Everything here goes through @opentelemetry/api: without an installed
 * SDK it is a no-op (no attributes are added, spans are not recorded).
 */

const tracer = trace.getTracer('@platform/events');

/** What an envelope carries of a trace. */
export interface EnvelopeTraceContext {
  traceparent?: string;
  tracestate?: string;
}

/** The active trace context as envelope attributes; empty when nothing is being traced. */
export function activeEnvelopeTraceContext(): EnvelopeTraceContext {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  const { traceparent, tracestate } = carrier;
  return {
    ...(traceparent ? { traceparent } : {}),
    ...(traceparent && tracestate ? { tracestate } : {}),
  };
}

/** The trace context an envelope carries (the root context when it carries none). */
export function envelopeContext(envelope: EnvelopeTraceContext): Context {
  if (!envelope.traceparent) return ROOT_CONTEXT;
  return propagation.extract(ROOT_CONTEXT, {
    traceparent: envelope.traceparent,
    ...(envelope.tracestate ? { tracestate: envelope.tracestate } : {}),
  });
}

/** Messaging attributes (OpenTelemetry semantic conventions) of a span about one Kafka topic. */
export function messagingAttributes(topic: string, operation: 'send' | 'process', extra: Attributes = {}) {
  return {
    'messaging.system': 'kafka',
    'messaging.destination.name': topic,
    'messaging.operation.type': operation,
    ...extra,
  } satisfies Attributes;
}

/**
 * Runs `work` in a span that is a child of `parent`, ending it when `work` settles; a rejection marks
 * the span failed and is passed on.
 */
export function inSpan<T>(
  name: string,
  kind: SpanKind,
  parent: Context,
  attributes: Attributes,
  work: (span: Span) => Promise<T>,
): Promise<T> {
  return tracer.startActiveSpan(name, { kind, attributes }, parent, async (span) => {
    try {
      return await work(span);
    } catch (error) {
      failSpan(span, error);
      throw error;
    } finally {
      span.end();
    }
  });
}

export function failSpan(span: Span, error: unknown): void {
  span.recordException(error instanceof Error ? error : String(error));
  span.setStatus({
    code: SpanStatusCode.ERROR,
    message: error instanceof Error ? error.message : String(error),
  });
}

/** Adds an event (a retry, say) to the span the caller runs in, if it is recorded. */
export function noteOnActiveSpan(name: string, attributes: Attributes): void {
  trace.getActiveSpan()?.addEvent(name, attributes);
}

export { SpanKind, SpanStatusCode };
