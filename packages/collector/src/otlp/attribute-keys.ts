/**
 * The attribute keys the engine asks for, each with a small id, so that the
 * protobuf decoder can tag an attribute with its key's id while it walks the
 * bytes (a length-indexed lookup, then a byte compare), and a later
 * `attribute(key)` compares ints instead of bytes. Keys are registered the
 * first time they are asked for; the set is small and stable (the semantic
 * convention keys of the SLIs and the spec's attribute predicates).
 */
/** Longest key given an id, in UTF-8 bytes. */
export const MAX_KEY_LENGTH = 255;

/** Attribute keys with small ids (see the file comment). */
export class AttributeKeys {
  /** Registered keys; ids run from 1 to `count` (0 means "not a registered key"). */
  count = 0;
  private readonly _max: number;
  private readonly _strings: string[] = [''];
  private readonly _bytes: Buffer[] = [Buffer.alloc(0)];
  /** First id of each key length (lengths up to {@link MAX_KEY_LENGTH}), 0 when none. */
  private readonly _firstOfLength = new Int32Array(MAX_KEY_LENGTH + 1);
  /** Next id of the same length, 0 at the end. */
  private readonly _next: number[] = [0];
  private readonly _ids = new Map<string, number>();

  /** @param max keys given an id (the rest are compared as bytes); @default 64 */
  constructor(max = 64) {
    this._max = max;
  }

  /** The id of `key`, registering it when there is room; 0 when it has none. */
  idOf(key: string): number {
    const strings = this._strings;
    // the engine asks the same few keys (constants) over and over: identity first
    for (let id = 1; id < strings.length && id <= 16; id++) if (strings[id] === key) return id;
    const id = this._ids.get(key);
    if (id !== undefined) return id;
    return this._register(key);
  }

  /** UTF-8 bytes of a registered key. */
  bytesOf(id: number): Buffer {
    return this._bytes[id];
  }

  /** The id of the key whose UTF-8 bytes are `buf[start, end)`, 0 when it is not registered. */
  match(buf: Uint8Array, start: number, end: number): number {
    const len = end - start;
    if (len > MAX_KEY_LENGTH) return 0;
    let id = this._firstOfLength[len];
    while (id !== 0) {
      const k = this._bytes[id];
      let j = len - 1;
      while (j >= 0 && buf[start + j] === k[j]) j--;
      if (j < 0) return id;
      id = this._next[id];
    }
    return 0;
  }

  private _register(key: string): number {
    const bytes = Buffer.from(key, 'utf8');
    if (this.count >= this._max || bytes.length > MAX_KEY_LENGTH) return 0;
    const id = ++this.count;
    this._strings.push(key);
    this._bytes.push(bytes);
    this._next.push(this._firstOfLength[bytes.length]);
    this._firstOfLength[bytes.length] = id;
    this._ids.set(key, id);
    return id;
  }
}
