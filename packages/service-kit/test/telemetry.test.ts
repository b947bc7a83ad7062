/**
 * The process's telemetry: nothing leaves the process unless an OTLP endpoint is configured, spans
 * reach a configured collector over OTLP/HTTP (a local one here), and log lines written inside a span
 * carry its trace id.
 */
import { spawn } from 'node:child_process';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { Writable } from 'node:stream';
import { trace } from '@opentelemetry/api';
import {
  createLogger,
  createServiceMetrics,
  installTelemetry,
  installedTelemetry,
  serviceEnvironmentSchema,
  telemetrySettings,
} from '../src';
import { metricValue, parseMetrics, recordSpans } from '../src/testing';

const REQUIRED = { INTERNAL_CONTEXT_PUBLIC_JWK: '{"kty":"OKP","crv":"Ed25519","x":"AA"}' };
const crmEnvironment = (variables: Record<string, string>) =>
  serviceEnvironmentSchema('crm', 4002).parse({ ...REQUIRED, ...variables });

describe('telemetry settings', () => {
  it('export nothing unless an OTLP endpoint is configured', () => {
    expect(telemetrySettings(crmEnvironment({}), 'crm')).toEqual({ serviceName: 'crm', otlp: null });
  });

  it('send traces to <endpoint>/v1/traces, or to the traces endpoint itself, with the configured headers', () => {
    expect(
      telemetrySettings(
        crmEnvironment({
          OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector.internal:4318/',
          OTEL_EXPORTER_OTLP_HEADERS: 'x-api-key=secret%3D1, x-tenant = ops',
          OTEL_SERVICE_NAME: 'crm-eu',
        }),
        'crm',
      ),
    ).toEqual({
      serviceName: 'crm-eu',
      otlp: {
        url: 'http://collector.internal:4318/v1/traces',
        headers: { 'x-api-key': 'secret=1', 'x-tenant': 'ops' },
      },
    });
    expect(
      telemetrySettings(
        crmEnvironment({
          OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector.internal:4318',
          OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://traces.internal/otlp/traces',
          OTEL_EXPORTER_OTLP_HEADERS: 'a=1,b=2',
          OTEL_EXPORTER_OTLP_TRACES_HEADERS: 'b=3',
        }),
        'crm',
      )?.otlp,
    ).toEqual({ url: 'http://traces.internal/otlp/traces', headers: { a: '1', b: '3' } });
  });

  it('turn tracing off with OTEL_SDK_DISABLED and refuse malformed values', () => {
    expect(telemetrySettings(crmEnvironment({ OTEL_SDK_DISABLED: 'true' }), 'crm')).toBeNull();
    expect(() => crmEnvironment({ OTEL_EXPORTER_OTLP_ENDPOINT: 'not a url' })).toThrow();
    expect(() => crmEnvironment({ OTEL_EXPORTER_OTLP_HEADERS: 'no-separator' })).toThrow('key=value pairs');
  });
});

describe('installed telemetry', () => {
  afterEach(async () => {
    await installedTelemetry()?.shutdown();
  });

  it('has no exporter at all when none is configured: spans exist for context only', () => {
    const settings = telemetrySettings(crmEnvironment({}), 'crm');
    if (!settings) throw new Error('telemetry is not disabled here');
    const telemetry = installTelemetry(settings);
    expect(telemetry).toMatchObject({ otlpUrl: null, processorCount: 0 });
    // Spans are still real (their ids go into logs and events), they just go nowhere.
    const span = trace.getTracer('test').startSpan('work');
    expect(trace.isSpanContextValid(span.spanContext())).toBe(true);
    span.end();
    // Installing again answers the first installation.
    expect(
      installTelemetry({ serviceName: 'other', otlp: { url: 'http://127.0.0.1:1/v1/traces', headers: {} } }),
    ).toBe(telemetry);
  });

  it('exports spans to the configured OTLP/HTTP endpoint, from a real process', async () => {
    const received: Array<{ path: string | undefined; headers: IncomingHttpHeaders; body: string }> = [];
    const collector = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        received.push({
          path: request.url,
          headers: request.headers,
          body: Buffer.concat(chunks).toString(),
        });
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end('{}');
      });
    });
    await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = collector.address() as AddressInfo;
      const configured = await runExportingProcess({
        OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`,
        OTEL_EXPORTER_OTLP_HEADERS: 'x-api-key=local',
      });
      expect(configured).toEqual({ otlpUrl: `http://127.0.0.1:${port}/v1/traces`, processorCount: 1 });
      expect(received).toHaveLength(1);
      expect(received[0]).toMatchObject({ path: '/v1/traces', headers: { 'x-api-key': 'local' } });
      expect(received[0]?.body).toContain('exported work');

      // The same process without an endpoint: no exporter, and the collector hears nothing more.
      expect(await runExportingProcess({})).toEqual({ otlpUrl: null, processorCount: 0 });
      expect(received).toHaveLength(1);
    } finally {
      await new Promise<void>((resolve) => collector.close(() => resolve()));
    }
  }, 30_000);
});

/** Runs test/fixtures/export-one-span.ts with only `variables` (and the required key) as its environment. */
async function runExportingProcess(
  variables: Record<string, string>,
): Promise<{ otlpUrl: string | null; processorCount: number }> {
  const child = spawn(
    process.execPath,
    [require.resolve('tsx/cli'), path.join(__dirname, 'fixtures', 'export-one-span.ts')],
    { env: { ...REQUIRED, ...variables }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  if (code !== 0) throw new Error(`the exporting process failed (${code}): ${stderr}`);
  return JSON.parse(stdout) as { otlpUrl: string | null; processorCount: number };
}

describe('log lines', () => {
  it('carry the trace and span id of the span they are written in', async () => {
    const recorder = recordSpans();
    try {
      const lines: Array<Record<string, unknown>> = [];
      const destination = new Writable({
        write(chunk: Buffer, _encoding, done) {
          for (const line of chunk.toString('utf8').split('\n')) {
            if (line.trim()) lines.push(JSON.parse(line) as Record<string, unknown>);
          }
          done();
        },
      });
      const logger = createLogger('crm', 'info', destination).child({ requestId: 'r-1' });
      const ids = trace.getTracer('test').startActiveSpan('handling', (span) => {
        logger.info('inside');
        span.end();
        return span.spanContext();
      });
      logger.info('outside');
      expect(lines).toHaveLength(2);
      expect(lines[0]).toMatchObject({
        msg: 'inside',
        service: 'crm',
        trace_id: ids.traceId,
        span_id: ids.spanId,
      });
      expect(lines[1]).toMatchObject({ msg: 'outside', service: 'crm' });
      expect(lines[1]).not.toHaveProperty('trace_id');
      expect(recorder.spans().map((span) => span.spanContext().traceId)).toEqual([ids.traceId]);
    } finally {
      await recorder.stop();
    }
  });
});

describe('service metrics', () => {
  it('label every series with the service, and collect process metrics only when asked', async () => {
    const plain = await createServiceMetrics('crm').exposition();
    expect(plain.contentType).toMatch(/^text\/plain/);
    expect(plain.body).toContain('# TYPE http_requests_total counter');
    expect(plain.body).not.toContain('process_cpu_user_seconds_total');

    const metrics = createServiceMetrics('billing', { processMetrics: true });
    metrics.recordHttpRequest({ route: '/graphql', method: 'BREW', status: 418, seconds: 0.02 });
    // The CPU counter counts from its creation, in the kernel's ticks: spend some CPU so it has one.
    for (const until = performance.now() + 60; performance.now() < until;);
    const samples = parseMetrics((await metrics.exposition()).body);
    expect(metricValue(samples, 'process_cpu_user_seconds_total', { service: 'billing' })).toBeGreaterThan(0);
    // A method nobody knows is one label value, whatever a client sends.
    const request = { service: 'billing', route: '/graphql', method: 'other' };
    expect(metricValue(samples, 'http_requests_total', { ...request, status: '418' })).toBe(1);
    expect(metricValue(samples, 'http_request_duration_seconds_bucket', { ...request, le: '0.01' })).toBe(0);
    expect(metricValue(samples, 'http_request_duration_seconds_bucket', { ...request, le: '0.025' })).toBe(1);
    expect(metricValue(samples, 'http_request_duration_seconds_sum', request)).toBeCloseTo(0.02);
  });
});
