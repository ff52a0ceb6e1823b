import * as assert from 'node:assert';
import * as path from 'node:path';
import { CompiledSlo, loadSpec, Outcome, parseSpec, SpanFacts, type SpanView } from '../../src';
import { http, span } from '../span-view';

const spec = loadSpec(path.join(__dirname, '..', '..', '..', 'test', 'fixtures', 'design.yaml'));
const [availability, latency, payload] = spec.slos.map(d => new CompiledSlo(d));

function classify(slo: CompiledSlo, view: SpanView): Outcome {
  const facts = new SpanFacts();
  facts.reset(view);
  return slo.classify(facts);
}

function compile(sli: string, extra = ''): CompiledSlo {
  return new CompiledSlo(
    parseSpec(`slos:\n  - name: x\n    objective: 99\n    window: 28d\n${extra}    sli:\n${sli}`)
      .slos[0]
  );
}

describe('CompiledSlo', () => {
  describe('eligibility', () => {
    it('should select by METHOD and route', () => {
      assert.strictEqual(classify(availability, http('POST /api/orders', 200)), Outcome.GOOD);
      assert.strictEqual(classify(availability, http('GET /api/orders', 200)), Outcome.INELIGIBLE);
      assert.strictEqual(classify(availability, http('GET /api/orders/:id', 200)), Outcome.GOOD);
    });

    it('should select by service.name', () => {
      assert.strictEqual(
        classify(availability, http('POST /api/orders', 200, { serviceName: 'other' })),
        Outcome.INELIGIBLE
      );
      assert.strictEqual(
        classify(availability, http('POST /api/orders', 200, { serviceName: undefined })),
        Outcome.INELIGIBLE
      );
    });

    it('should select server spans by default', () => {
      assert.strictEqual(
        classify(availability, http('POST /api/orders', 200, { kind: 2 })),
        Outcome.INELIGIBLE
      );
    });

    it('should read the old HTTP attribute names', () => {
      const old = span({
        attributes: { 'http.method': 'POST', 'http.route': '/api/orders', 'http.status_code': 503 },
      });
      assert.strictEqual(classify(availability, old), Outcome.BAD);
    });

    it('should match globs and method-less routes', () => {
      const slo = compile(
        '      spans: { routes: ["/api/*", "DELETE /admin/*"] }\n      good: { status: ok }\n'
      );
      assert.strictEqual(classify(slo, http('GET /api/anything/deep', 200)), Outcome.GOOD);
      assert.strictEqual(classify(slo, http('DELETE /admin/x', 200)), Outcome.GOOD);
      assert.strictEqual(classify(slo, http('GET /admin/x', 200)), Outcome.INELIGIBLE);
      assert.strictEqual(classify(slo, http('GET /apix', 200)), Outcome.INELIGIBLE);
    });

    it('should exclude probes by route and by attribute', () => {
      const slo = compile(
        '      spans:\n        exclude:\n          - routes: ["/healthz"]\n          - attributes: { "user_agent.original": { regex: "^kube-probe" } }\n      good: { status: ok }\n'
      );
      assert.strictEqual(classify(slo, http('GET /healthz', 200)), Outcome.INELIGIBLE);
      assert.strictEqual(
        classify(
          slo,
          http('GET /ready', 200, { attributes: { 'user_agent.original': 'kube-probe/1.29' } })
        ),
        Outcome.INELIGIBLE
      );
      assert.strictEqual(
        classify(slo, http('GET /ready', 200, { attributes: { 'user_agent.original': 'curl/8' } })),
        Outcome.GOOD
      );
    });

    it('should select RPC spans by service and method', () => {
      const slo = compile(
        '      spans: { rpc: ["shop.Checkout/*"] }\n      good: { status: ok }\n'
      );
      const rpc = (svc: string, code: number | string, kind = 1) =>
        span({
          kind,
          attributes: {
            'rpc.service': svc,
            'rpc.method': 'PlaceOrder',
            'rpc.grpc.status_code': code,
          },
        });
      assert.strictEqual(classify(slo, rpc('shop.Checkout', 0)), Outcome.GOOD);
      assert.strictEqual(classify(slo, rpc('shop.Cart', 0)), Outcome.INELIGIBLE);
    });
  });

  describe('status', () => {
    it('should count 5xx and span ERROR as bad and 4xx as good', () => {
      assert.strictEqual(classify(availability, http('POST /api/orders', 500)), Outcome.BAD);
      assert.strictEqual(classify(availability, http('POST /api/orders', 404)), Outcome.GOOD);
      assert.strictEqual(
        classify(availability, http('POST /api/orders', 200, { statusCode: 2 })),
        Outcome.BAD
      );
    });

    it('should count 4xx as bad when the SLO says so, and extra bad codes', () => {
      const slo = compile('      good: { status: { clientErrors: bad } }\n', '');
      assert.strictEqual(classify(slo, http('GET /x', 404)), Outcome.BAD);
      const codes = compile('      good: { status: { badCodes: [429] } }\n');
      assert.strictEqual(classify(codes, http('GET /x', 429)), Outcome.BAD);
      assert.strictEqual(classify(codes, http('GET /x', 404)), Outcome.GOOD);
    });

    it('should apply the gRPC server error set to server spans and every error to client spans', () => {
      const slo = compile('      spans: { kind: any }\n      good: { status: ok }\n');
      const rpc = (code: number | string, kind: number) =>
        span({ kind, attributes: { 'rpc.grpc.status_code': code } });
      assert.strictEqual(classify(slo, rpc(14, 1)), Outcome.BAD); // UNAVAILABLE
      assert.strictEqual(classify(slo, rpc(5, 1)), Outcome.GOOD); // NOT_FOUND is the caller's
      assert.strictEqual(classify(slo, rpc(5, 2)), Outcome.BAD);
      const named = (code: string) => span({ kind: 1, attributes: { 'rpc.status_code': code } });
      assert.strictEqual(classify(slo, named('DEADLINE_EXCEEDED')), Outcome.BAD);
      assert.strictEqual(classify(slo, named('INVALID_ARGUMENT')), Outcome.GOOD);
      assert.strictEqual(classify(slo, named('13')), Outcome.BAD);
      assert.strictEqual(classify(slo, named('constructor')), Outcome.GOOD);
    });
    it("should let a server span's protocol status decide when it says the caller erred, as the gRPC instrumentation sets ERROR for every code", () => {
      const slo = compile('      spans: { kind: any }\n      good: { status: ok }\n');
      const rpc = (code: number, kind: number) =>
        span({ kind, statusCode: 2, attributes: { 'rpc.grpc.status_code': code } });
      assert.strictEqual(classify(slo, rpc(5, 1)), Outcome.GOOD); // NOT_FOUND, server
      assert.strictEqual(classify(slo, rpc(3, 1)), Outcome.GOOD); // INVALID_ARGUMENT, server
      assert.strictEqual(classify(slo, rpc(14, 1)), Outcome.BAD); // UNAVAILABLE, server
      assert.strictEqual(classify(slo, rpc(0, 1)), Outcome.BAD); // OK but ERROR: the span says so
      assert.strictEqual(classify(slo, rpc(5, 3)), Outcome.BAD); // NOT_FOUND, client
      assert.strictEqual(classify(slo, http('GET /x', 404, { statusCode: 2 })), Outcome.GOOD);
      assert.strictEqual(
        classify(slo, http('GET /x', 404, { statusCode: 2, kind: 3 })),
        Outcome.BAD
      );
      assert.strictEqual(classify(slo, http('GET /x', 200, { statusCode: 2 })), Outcome.BAD);
      assert.strictEqual(classify(slo, span({ statusCode: 2 })), Outcome.BAD);
      const strict = compile('      good: { status: { clientErrors: bad } }\n');
      assert.strictEqual(classify(strict, http('GET /x', 404, { statusCode: 2 })), Outcome.BAD);
    });
  });

  describe('latency', () => {
    it('should use the per-route threshold and the default otherwise', () => {
      assert.strictEqual(
        classify(latency, http('GET /api/search', 200, { durationMs: 1200 })),
        Outcome.GOOD
      );
      assert.strictEqual(
        classify(latency, http('GET /api/search', 200, { durationMs: 1201 })),
        Outcome.BAD
      );
      assert.strictEqual(
        classify(latency, http('GET /api/orders/:id', 200, { durationMs: 300 })),
        Outcome.GOOD
      );
      assert.strictEqual(
        classify(latency, http('GET /api/orders/:id', 200, { durationMs: 301 })),
        Outcome.BAD
      );
    });

    it('should count a NaN duration as bad, never good', () => {
      assert.strictEqual(
        classify(latency, http('GET /api/search', 200, { durationMs: NaN })),
        Outcome.BAD
      );
    });
  });

  describe('attributes', () => {
    it('should require the payload attribute', () => {
      const ok = { attributes: { 'app.payload.valid': true } };
      assert.strictEqual(classify(payload, http('POST /api/orders', 201, ok)), Outcome.GOOD);
      assert.strictEqual(
        classify(
          payload,
          http('POST /api/orders', 201, { attributes: { 'app.payload.valid': false } })
        ),
        Outcome.BAD
      );
      assert.strictEqual(classify(payload, http('POST /api/orders', 201)), Outcome.BAD);
      assert.strictEqual(classify(payload, http('POST /api/orders', 502, ok)), Outcome.BAD);
    });

    it('should apply numeric bounds, oneOf, exists and regex', () => {
      const slo = compile(
        '      good:\n        attributes:\n          n: { gte: 1, lt: 5 }\n          t: { oneOf: [a, b] }\n          e: { exists: true }\n          r: { regex: "^v[0-9]+$" }\n'
      );
      const base = { n: 3, t: 'a', e: 'x', r: 'v12' };
      const at = (over: Record<string, unknown>) =>
        classify(slo, span({ attributes: { ...base, ...over } as never }));
      assert.strictEqual(at({}), Outcome.GOOD);
      assert.strictEqual(at({ n: 5 }), Outcome.BAD);
      assert.strictEqual(at({ n: '3' }), Outcome.BAD);
      assert.strictEqual(at({ n: 4n }), Outcome.GOOD);
      assert.strictEqual(at({ t: 'c' }), Outcome.BAD);
      assert.strictEqual(at({ e: undefined }), Outcome.BAD);
      assert.strictEqual(at({ r: 'v' }), Outcome.BAD);
    });
  });
});
