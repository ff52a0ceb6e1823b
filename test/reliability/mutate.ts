/**
 * Seeded mutations of valid inputs, for fuzzing and corrupt-input tests: the
 * same seed gives the same mutant, so a failure is reproducible from its seed.
 */

/** A seeded pseudo-random generator (mulberry32). */
export class Rng {
  private _s: number;
  constructor(seed: number) {
    this._s = seed >>> 0;
  }
  /** A float in [0, 1). */
  next(): number {
    let t = (this._s = (this._s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  /** One element of `items`. */
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }
}

const INTERESTING_BYTES = [0x00, 0x01, 0x02, 0x7f, 0x80, 0xff, 0x0a, 0x12, 0x08, 0x09, 0x39, 0x41];

/** One to four byte-level mutations of `input` (bit flips, byte sets, truncation, insertion, deletion, duplication). */
export function mutateBytes(input: Uint8Array, rng: Rng): Buffer {
  let b = Buffer.from(input);
  const rounds = 1 + rng.int(4);
  for (let r = 0; r < rounds; r++) {
    if (b.length === 0) b = Buffer.from([rng.int(256)]);
    const at = rng.int(b.length);
    switch (rng.int(8)) {
      case 0:
        b[at] ^= 1 << rng.int(8);
        break;
      case 1:
        b[at] = rng.pick(INTERESTING_BYTES);
        break;
      case 2:
        b = b.subarray(0, at);
        break;
      case 3: {
        const extra = Buffer.alloc(1 + rng.int(8));
        for (let i = 0; i < extra.length; i++) extra[i] = rng.int(256);
        b = Buffer.concat([b.subarray(0, at), extra, b.subarray(at)]);
        break;
      }
      case 4:
        b = Buffer.concat([
          b.subarray(0, at),
          b.subarray(Math.min(b.length, at + 1 + rng.int(16))),
        ]);
        break;
      case 5: {
        const from = rng.int(b.length);
        const len = 1 + rng.int(Math.min(64, b.length - from));
        b = Buffer.concat([b.subarray(0, at), b.subarray(from, from + len), b.subarray(at)]);
        break;
      }
      case 6:
        // a length or varint byte made long: continuation bit set
        b[at] |= 0x80;
        break;
      default:
        b[at] = rng.int(256);
    }
  }
  return b;
}

const JSON_TOKENS = [
  '"',
  '{',
  '}',
  '[',
  ']',
  ',',
  ':',
  'null',
  '-1',
  '1e999',
  '"x"',
  '\\',
  '0',
  'true',
];

/** One to three character-level mutations of JSON text (mostly invalid JSON). */
export function mutateJsonText(text: string, rng: Rng): string {
  let s = text;
  const rounds = 1 + rng.int(3);
  for (let r = 0; r < rounds; r++) {
    const at = rng.int(s.length + 1);
    switch (rng.int(4)) {
      case 0:
        s = s.slice(0, at) + rng.pick(JSON_TOKENS) + s.slice(at);
        break;
      case 1:
        s = s.slice(0, at) + s.slice(at + 1 + rng.int(8));
        break;
      case 2:
        s = s.slice(0, at);
        break;
      default:
        s = s.slice(0, at) + String.fromCharCode(rng.int(128)) + s.slice(at + 1);
    }
  }
  return s;
}

/** A value of a random JSON type, often one that OTLP/JSON does not allow where it lands. */
function randomJsonValue(rng: Rng): unknown {
  switch (rng.int(16)) {
    case 0:
      return null;
    case 1:
      return rng.int(2) === 0;
    case 2:
      return -1 - rng.int(1000);
    case 3:
      return 1.5;
    case 4:
      return 1e300;
    case 5:
      return '';
    case 6:
      return 'x'.repeat(1 + rng.int(300));
    case 7:
      return '18446744073709551616';
    case 8:
      return String(Date.now() * 1e6 + rng.int(1e6));
    case 9:
      return [];
    case 10:
      return {};
    case 11:
      return [{ key: 'http.route', value: { stringValue: '/fuzz' } }];
    case 12:
      return { stringValue: 5 };
    case 13:
      return 'SPAN_KIND_SERVER';
    case 14:
      return rng.int(7);
    default:
      return 'NaN';
  }
}

/**
 * One to three structural mutations of a JSON document: a random node (object
 * member or array element, at any depth) replaced by a value of a random type,
 * deleted, or duplicated. The result is valid JSON text.
 */
export function mutateJsonDocument(doc: unknown, rng: Rng): string {
  const copy = JSON.parse(JSON.stringify(doc)) as unknown;
  const rounds = 1 + rng.int(3);
  for (let r = 0; r < rounds; r++) {
    const slots: Array<{ parent: Record<string, unknown> | unknown[]; key: string | number }> = [];
    const walk = (v: unknown) => {
      if (Array.isArray(v)) {
        v.forEach((x, i) => {
          slots.push({ parent: v, key: i });
          walk(x);
        });
      } else if (typeof v === 'object' && v !== null) {
        for (const k of Object.keys(v)) {
          slots.push({ parent: v as Record<string, unknown>, key: k });
          walk((v as Record<string, unknown>)[k]);
        }
      }
    };
    walk(copy);
    if (slots.length === 0) break;
    const { parent, key } = rng.pick(slots);
    const op = rng.int(4);
    if (op === 0) {
      if (Array.isArray(parent)) parent.splice(key as number, 1);
      else delete parent[key as string];
    } else if (op === 1 && Array.isArray(parent)) {
      parent.push(JSON.parse(JSON.stringify(parent[key as number])));
    } else if (Array.isArray(parent)) parent[key as number] = randomJsonValue(rng);
    else parent[key as string] = randomJsonValue(rng);
  }
  return JSON.stringify(copy);
}
