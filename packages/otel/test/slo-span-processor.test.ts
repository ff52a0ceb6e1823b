import * as assert from 'node:assert';
import { context, metrics, propagation, SpanKind, trace } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { NodeSDK } from '@opentelemetry/sdk-node';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  TraceIdRatioBasedSampler,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { SpecError, validateSpec } from '@burnrate/core';
import { AlwaysRecordSampler, PROVIDER_CHECK_EVERY, SloSpanProcessor } from '../src';
import { points, TestReader, valueOf } from './metric-helpers';

const NOW = Date.UTC(2026, 0, 15, 12, 0, 0);
const clock = { now: () => NOW };

/** One SLO over every server span of any service: anything eligible is counted. */
const ANY_SERVER = {
  slos: [{ name: 'any-server', objective: 99, window: '28d', sli: { good: { status: 'ok' } } }],
};

/** A well-formed finished server span, as a plain object, to be broken field by field. */
function goodSpan(): Record<string, unknown> {
  const end = NOW - 1_000;
  return {
    name: 'GET',
    kind: SpanKind.SERVER,
    startTime: [Math.floor((end - 20) / 1000), ((end - 20) % 1000) * 1e6],
    endTime: [Math.floor(end / 1000), (end % 1000) * 1e6],
    duration: [0, 20e6],
    status: { code: 0 },
    attributes: { 'http.route': '/x', 'http.response.status_code': 200 },
    resource: { attributes: { 'service.name': 'svc' } },
  };
}

function end(processor: SloSpanProcessor, span: unknown): void {
  processor.onEnd(span as ReadableSpan);
}

function resetGlobals(): void {
  metrics.disable();
  trace.disable();
  context.disable();
  propagation.disable();
}

describe('SloSpanProcessor', () => {
  afterEach(resetGlobals);

  describe('constructor', () => {
    it('should accept a raw spec object, a validated spec and a path', () => {
      const meterProvider = new MeterProvider();
      for (const spec of [
        ANY_SERVER,
        validateSpec(ANY_SERVER),
        `${__dirname}/../../../../examples/checkout/burnrate.yaml`,
      ]) {
        const p = new SloSpanProcessor({ spec, meterProvider });
        assert.ok(p.engine.states.length >= 1);
        void p.shutdown();
      }
    });

    it('should throw SpecError naming the path of a bad spec', () => {
      assert.throws(
        () =>
          new SloSpanProcessor({
            spec: {
              slos: [{ name: 'a', objective: 120, window: '28d', sli: { good: { status: 'ok' } } }],
            },
          }),
        (e: unknown) => e instanceof SpecError && /slos\[0\]\.objective/.test(e.message)
      );
      assert.throws(
        () => new SloSpanProcessor({ spec: '/nonexistent/burnrate.yaml' }),
        (e: unknown) => e instanceof SpecError && /nonexistent/.test(e.message)
      );
    });
  });

  describe('.onEnd', () => {
    it('should count a well-formed span', () => {
      const p = new SloSpanProcessor({
        spec: ANY_SERVER,
        meterProvider: new MeterProvider(),
        clock,
      });
      end(p, goodSpan());
      const [s] = p.engine.snapshot();
      assert.strictEqual(s.good, 1);
      assert.strictEqual(s.bad, 0);
    });

    it('should never throw on malformed spans and count eligible ones as invalid drops', () => {
      const p = new SloSpanProcessor({
        spec: ANY_SERVER,
        meterProvider: new MeterProvider(),
        clock,
      });
      const eligibleButBroken = [
        { ...goodSpan(), endTime: [NaN, 0] },
        { ...goodSpan(), duration: [NaN, NaN] },
        { ...goodSpan(), endTime: undefined },
        { ...goodSpan(), duration: 'twenty' },
        { ...goodSpan(), endTime: [Infinity, 0] },
        { ...goodSpan(), duration: [-1, 0] },
      ];
      const throwing = new Proxy(
        {},
        {
          get() {
            throw new Error('boom');
          },
        }
      );
      const notEligible = [
        null,
        undefined,
        42,
        'span',
        {},
        { ...goodSpan(), kind: 'server' },
        { ...goodSpan(), kind: undefined },
      ];
      // Wrongly typed or missing attributes: still classified, never a throw.
      const oddAttributes = [
        { ...goodSpan(), attributes: null },
        { ...goodSpan(), attributes: undefined },
        { ...goodSpan(), attributes: { 'http.route': 42, 'http.response.status_code': 'abc' } },
        { ...goodSpan(), attributes: { 'http.response.status_code': [500] } },
        { ...goodSpan(), resource: undefined },
        { ...goodSpan(), resource: { attributes: { 'service.name': 7 } } },
        { ...goodSpan(), status: undefined },
      ];
      for (const span of [...eligibleButBroken, throwing, ...notEligible, ...oddAttributes]) {
        assert.doesNotThrow(() => end(p, span));
      }
      // Six eligible spans with broken times, and the proxy that throws on every read.
      assert.strictEqual(p.dropped.invalid, eligibleButBroken.length + 1);
      assert.strictEqual(p.dropped.too_old, 0);
      assert.strictEqual(p.dropped.future, 0);
      const [s] = p.engine.snapshot();
      // The odd-attribute spans are eligible server spans, good (no 5xx read, no ERROR).
      assert.strictEqual(s.good, oddAttributes.length);
      assert.strictEqual(s.bad, 0);
    });

    it('should count too-old and future spans as dropped with their reason', () => {
      const p = new SloSpanProcessor({
        spec: ANY_SERVER,
        meterProvider: new MeterProvider(),
        clock,
      });
      const late = NOW - 29 * 86_400_000;
      const future = NOW + 60_000;
      end(p, { ...goodSpan(), endTime: [late / 1000, 0] });
      end(p, { ...goodSpan(), endTime: [future / 1000, 0] });
      assert.strictEqual(p.dropped.too_old, 1);
      assert.strictEqual(p.dropped.future, 1);
    });

    it('should publish the drops as slo.spans.dropped by reason', async () => {
      const reader = new TestReader();
      const meterProvider = new MeterProvider({ readers: [reader] });
      const p = new SloSpanProcessor({ spec: ANY_SERVER, meterProvider, clock });
      end(p, { ...goodSpan(), duration: [NaN, 0] });
      end(p, { ...goodSpan(), endTime: [(NOW + 60_000) / 1000, 0] });
      end(p, { ...goodSpan(), endTime: [(NOW + 60_000) / 1000, 0] });
      const all = points((await reader.collect()).resourceMetrics);
      assert.strictEqual(valueOf(all, 'slo.spans.dropped', { 'slo.drop.reason': 'invalid' }), 1);
      assert.strictEqual(valueOf(all, 'slo.spans.dropped', { 'slo.drop.reason': 'future' }), 2);
      assert.strictEqual(valueOf(all, 'slo.spans.dropped', { 'slo.drop.reason': 'too_old' }), 0);
      await meterProvider.shutdown();
    });

    it('should count spans that are recorded but not sampled', () => {
      const p = new SloSpanProcessor({ spec: ANY_SERVER, meterProvider: new MeterProvider() });
      const exporter = new InMemorySpanExporter();
      const provider = new BasicTracerProvider({
        sampler: new AlwaysRecordSampler(new TraceIdRatioBasedSampler(0)),
        spanProcessors: [p, new SimpleSpanProcessor(exporter)],
      });
      const tracer = provider.getTracer('t');
      for (let i = 0; i < 10; i++) tracer.startSpan('GET', { kind: SpanKind.SERVER }).end();
      const [s] = p.engine.snapshot();
      assert.strictEqual(s.good, 10, 'every span counted');
      assert.strictEqual(exporter.getFinishedSpans().length, 0, 'none exported');
    });

    it('should see nothing of spans a sampler drops without AlwaysRecordSampler', () => {
      const p = new SloSpanProcessor({ spec: ANY_SERVER, meterProvider: new MeterProvider() });
      const provider = new BasicTracerProvider({
        sampler: new TraceIdRatioBasedSampler(0),
        spanProcessors: [p],
      });
      const tracer = provider.getTracer('t');
      for (let i = 0; i < 10; i++) tracer.startSpan('GET', { kind: SpanKind.SERVER }).end();
      assert.strictEqual(p.engine.snapshot()[0].eligible, 0);
    });
  });

  describe('.shutdown', () => {
    it('should run once, stop counting, and still report the final numbers at the last collection', async () => {
      const reader = new TestReader();
      const meterProvider = new MeterProvider({ readers: [reader] });
      const p = new SloSpanProcessor({ spec: ANY_SERVER, meterProvider, clock });
      end(p, goodSpan());
      const first = p.shutdown();
      assert.strictEqual(p.shutdown(), first);
      await first;
      end(p, goodSpan());
      assert.strictEqual(p.engine.snapshot()[0].good, 1);
      // the final collection (NodeSDK shuts the MeterProvider down at the same time) still has the numbers
      const last = points((await reader.collect()).resourceMetrics);
      assert.strictEqual(
        valueOf(last, 'slo.events', { 'slo.name': 'any-server', 'slo.outcome': 'good' }),
        1
      );
      // (the callback is removed after that collection; the SDK keeps exporting the
      // last cumulative values of a removed callback, so the next export looks the same)
      await p.forceFlush();
      await meterProvider.shutdown();
    });
  });

  describe('.forceFlush', () => {
    it('should resolve at once', async () => {
      const p = new SloSpanProcessor({ spec: ANY_SERVER, meterProvider: new MeterProvider() });
      const started = Date.now();
      await p.forceFlush();
      await p.forceFlush();
      assert.ok(Date.now() - started < 100);
    });
  });

  describe('registration', () => {
    it('should put its instruments on the MeterProvider of a NodeSDK it was given to before start()', async () => {
      const reader = new TestReader();
      const p = new SloSpanProcessor({ spec: ANY_SERVER });
      const sdk = new NodeSDK({
        serviceName: 'svc',
        spanProcessors: [p],
        metricReaders: [reader],
        instrumentations: [],
        autoDetectResources: false,
      });
      sdk.start();
      // Before any span: the processor follows the provider the SDK installed.
      await new Promise(resolve => setImmediate(resolve));
      assert.strictEqual(p.meterProvider, metrics.getMeterProvider());
      let all = points((await reader.collect()).resourceMetrics);
      assert.strictEqual(valueOf(all, 'slo.objective', { 'slo.name': 'any-server' }), 0.99);
      const tracer = trace.getTracer('t');
      for (let i = 0; i < 3; i++) tracer.startSpan('GET', { kind: SpanKind.SERVER }).end();
      tracer
        .startSpan('GET', {
          kind: SpanKind.SERVER,
          attributes: { 'http.response.status_code': 503 },
        })
        .end();
      all = points((await reader.collect()).resourceMetrics);
      assert.strictEqual(
        valueOf(all, 'slo.events', { 'slo.name': 'any-server', 'slo.outcome': 'good' }),
        3
      );
      assert.strictEqual(
        valueOf(all, 'slo.events', { 'slo.name': 'any-server', 'slo.outcome': 'bad' }),
        1
      );
      await sdk.shutdown();
    });

    it('should follow the global MeterProvider when it is replaced', async () => {
      const readerA = new TestReader();
      const readerB = new TestReader();
      const a = new MeterProvider({ readers: [readerA] });
      const b = new MeterProvider({ readers: [readerB] });
      metrics.setGlobalMeterProvider(a);
      const p = new SloSpanProcessor({ spec: ANY_SERVER });
      const provider = new BasicTracerProvider({ spanProcessors: [p] });
      provider.getTracer('t').startSpan('GET', { kind: SpanKind.SERVER }).end();
      assert.strictEqual(
        points((await readerA.collect()).resourceMetrics).filter(x => x.name === 'slo.events')
          .length,
        2
      );
      metrics.disable();
      metrics.setGlobalMeterProvider(b);
      // the processor re-checks every PROVIDER_CHECK_EVERY span starts
      for (let i = 0; i < PROVIDER_CHECK_EVERY; i++) {
        provider.getTracer('t').startSpan('GET', { kind: SpanKind.SERVER }).end();
      }
      const onB = points((await readerB.collect()).resourceMetrics);
      assert.strictEqual(
        valueOf(onB, 'slo.events', { 'slo.name': 'any-server', 'slo.outcome': 'good' }),
        1 + PROVIDER_CHECK_EVERY
      );
      // The old provider is no longer observed: its cumulative series keep their last value.
      const onA = points((await readerA.collect()).resourceMetrics);
      assert.strictEqual(
        valueOf(onA, 'slo.events', { 'slo.name': 'any-server', 'slo.outcome': 'good' }),
        1
      );
      await a.shutdown();
      await b.shutdown();
    });

    it('should work with a plain NodeTracerProvider', async () => {
      const reader = new TestReader();
      const meterProvider = new MeterProvider({ readers: [reader] });
      const p = new SloSpanProcessor({ spec: ANY_SERVER, meterProvider });
      const provider = new NodeTracerProvider({
        resource: resourceFromAttributes({ 'service.name': 'svc' }),
        spanProcessors: [p],
      });
      provider.register();
      const tracer = trace.getTracer('t');
      tracer.startSpan('GET', { kind: SpanKind.SERVER }).end();
      tracer.startSpan('query', { kind: SpanKind.CLIENT }).end();
      const all = points((await reader.collect()).resourceMetrics);
      assert.strictEqual(
        valueOf(all, 'slo.events', { 'slo.name': 'any-server', 'slo.outcome': 'good' }),
        1
      );
      await provider.shutdown();
      await meterProvider.shutdown();
    });
  });
});
