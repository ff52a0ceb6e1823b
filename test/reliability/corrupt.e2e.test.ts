import * as assert from 'node:assert';
import { startCollector, silentLogger, type RunningCollector } from '@burnrate/collector';
import { decodeStatus, decodeExportResponse, send, SPEC } from '../collector/fixture';
import { FUZZ_NOW_MS, validBody } from './fuzz-properties';
import { mutateBytes, mutateJsonDocument, mutateJsonText, Rng } from './mutate';
import {
  referenceJsonSpans,
  referenceProtoSpans,
  referenceTotals,
  totals,
  type RefSpan,
} from './otlp-reference';

/** Mutated bodies per encoding. */
const BODIES = 1000;

interface Tally {
  ok: number;
  partial: number;
  invalid: number;
  exact: number;
  bounded: number;
}

function delta(after: Array<[number, number]>, before: Array<[number, number]>) {
  return after.map(([g, b], i) => [g - before[i][0], b - before[i][1]] as [number, number]);
}

describe('reliability: corrupt input against a running collector', function () {
  this.timeout(120_000);
  let collector: RunningCollector;
  const clock = { now: () => FUZZ_NOW_MS };

  before(async () => {
    collector = await startCollector({
      spec: SPEC,
      host: '127.0.0.1',
      httpPort: 0,
      grpcPort: false,
      metricsPort: false,
      clock,
      logger: silentLogger,
    });
  });
  after(() => collector.close());

  for (const json of [false, true]) {
    const what = json ? 'JSON' : 'protobuf';
    it(`should answer ${BODIES} mutated ${what} bodies with 400 or 200 and count only their valid spans`, async () => {
      const tally: Tally = { ok: 0, partial: 0, invalid: 0, exact: 0, bounded: 0 };
      const contentType = json ? 'application/json' : 'application/x-protobuf';
      for (let seed = 1; seed <= BODIES; seed++) {
        const rng = new Rng(seed * 7919 + (json ? 1 : 0));
        const valid = validBody(rng, json);
        const body = json
          ? Buffer.from(
              rng.int(3) === 0
                ? mutateJsonText(valid.toString('utf8'), rng)
                : mutateJsonDocument(JSON.parse(valid.toString('utf8')), rng)
            )
          : mutateBytes(valid, rng);
        const before = totals(collector.engine);
        const seenBefore = collector.engine.spansSeen;
        const answer = await send(collector.httpPort!, 'POST', '/v1/traces', body, {
          'content-type': contentType,
        });
        const moved = delta(totals(collector.engine), before);
        const where = `seed ${seed} (${what}), body ${body.toString('base64').slice(0, 200)}`;
        if (answer.status === 400) {
          tally.invalid++;
          const status = json
            ? (JSON.parse(answer.body.toString('utf8')) as { code: number; message: string })
            : decodeStatus(answer.body);
          assert.strictEqual(status.code, 3, where);
          assert.ok(status.message.length > 0, where);
          assert.ok(
            moved.every(([g, b]) => g === 0 && b === 0),
            `a 400 moved the counters: ${where}`
          );
          continue;
        }
        assert.strictEqual(answer.status, 200, `${where}: ${answer.body.toString()}`);
        tally.ok++;
        const partial = json
          ? (
              JSON.parse(answer.body.toString('utf8')) as {
                partialSuccess?: { rejectedSpans: string };
              }
            ).partialSuccess
          : decodeExportResponse(answer.body);
        if (partial !== undefined && Number(partial.rejectedSpans) > 0) tally.partial++;
        let ref: RefSpan[] | undefined;
        try {
          ref = json ? referenceJsonSpans(body) : referenceProtoSpans(body);
        } catch {
          ref = undefined;
        }
        if (ref !== undefined) {
          tally.exact++;
          assert.deepStrictEqual(moved, referenceTotals(SPEC, ref, clock), where);
        } else {
          // protobufjs cannot read it (it is stricter on fields the collector skips):
          // every SLO moved by at most the spans the collector accepted
          tally.bounded++;
          const accepted = collector.engine.spansSeen - seenBefore;
          for (const [g, b] of moved) assert.ok(g >= 0 && b >= 0 && g + b <= accepted, where);
        }
      }
      const health = await send(collector.httpPort!, 'GET', '/healthz');
      assert.strictEqual(health.status, 200);
      // both kinds of outcome are well represented, and most accepted bodies are checked exactly
      assert.ok(tally.invalid > BODIES / 4 && tally.ok > BODIES / 20, JSON.stringify(tally));
      assert.ok(tally.partial > 0, JSON.stringify(tally));
      assert.ok(tally.exact > tally.bounded, JSON.stringify(tally));
      // a valid request after all that is counted in full
      const before = totals(collector.engine);
      const rng = new Rng(42);
      const valid = validBody(rng, json);
      const ok = await send(collector.httpPort!, 'POST', '/v1/traces', valid, {
        'content-type': contentType,
      });
      assert.strictEqual(ok.status, 200);
      const ref = json ? referenceJsonSpans(valid) : referenceProtoSpans(valid);
      assert.deepStrictEqual(
        delta(totals(collector.engine), before),
        referenceTotals(SPEC, ref, clock)
      );
      process.stdout.write(`      ${what}: ${JSON.stringify(tally)}\n`);
    });
  }
});
