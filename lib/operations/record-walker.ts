import { type PathSegment, cachedPathScope, formatPath } from '../crypto/associated-data.js';
import { openPayload, sealPayload } from '../crypto/envelope-cipher.js';
import {
  isEnvelopeProblem,
  parseEnvelope,
  type ParsedEnvelope,
} from '../crypto/envelope-format.js';
import { buildPayload, PayloadError, splitPayload, ValueTag } from '../crypto/value-codec.js';
import type { DataKey } from '../keys/data-key.js';
import { fromHashText, toHashText } from '../repository/json-values.js';
import { shortenKey } from './entity-key.js';
import type { JobKeys } from './job-keys.js';
import { hashPlaintext, plaintextPayload } from './plaintext-adoption.js';
import type { PathNode } from './sealed-path-tree.js';
import { isObject, setOwn } from '../repository/json-values.js';
import type { ProblemReason, ValueTally } from './value-tally.js';

/**
 * `reencrypt` seals values again under `sealingKey` (and adopts plaintext when
 * asked); `count` only parses envelope headers; `verify` opens every value and
 * changes nothing.
 */
export type WalkMode =
  | {
      readonly action: 'reencrypt';
      readonly sealingKey: DataKey;
      /** Whether a value under this key id is already current (default: the sealing key's id). */
      readonly isCurrent: (keyId: string) => boolean;
      readonly adoptPlaintext: boolean;
    }
  | { readonly action: 'count' | 'verify' };

/** The record being walked: what its associated data binds its values to. */
export interface WalkTarget {
  readonly redisKey: string;
  readonly keyspace: string;
  readonly id: string;
  /** `recordScope(keyspace, id)`. */
  readonly scope: Buffer;
}

const NO_CHANGE = Symbol('no change');
type Visit = unknown;

/**
 * Walks the values of one record along a tree of sealed positions: opens each
 * envelope, walks the JSON inside `Declared` values, and (in `reencrypt` mode)
 * seals again what is not under the sealing key. Counts go to `tally`; values
 * that cannot be handled are reported there and left byte for byte as they were.
 */
export class RecordWalker {
  constructor(
    private readonly mode: WalkMode,
    private readonly keys: JobKeys,
    private readonly target: WalkTarget,
    private readonly tally: ValueTally,
  ) {}

  /** Walks the fields of a hash; returns `[field, text read, new text]` for each changed field. */
  hash(fields: Readonly<Record<string, string>>, tree: PathNode): [string, string, string][] {
    const changes: [string, string, string][] = [];
    for (const name of Object.keys(fields)) {
      const node = tree.property(name);
      if (node === undefined) continue;
      const text = fields[name]!;
      const next = this.hashField(text, node, [name]);
      if (next !== NO_CHANGE) changes.push([name, text, toHashText(next as never)]);
    }
    return changes;
  }

  /** Walks a JSON document; returns its new text, or `undefined` when nothing changed. */
  document(text: string, tree: PathNode): string | undefined {
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch {
      doc = undefined;
    }
    if (!isObject(doc)) {
      this.tally.unopened(this.problem('invalid-record', []));
      return undefined;
    }
    return this.inner(doc, tree, []) ? JSON.stringify(doc) : undefined;
  }

  private hashField(text: string, node: PathNode, path: PathSegment[]): Visit {
    if (node.sealed !== undefined) {
      const spec = node.sealed;
      return this.sealed(text, node, path, () => hashPlaintext(text, spec));
    }
    if (node.anyDepth) {
      const parsed = parseEnvelope(text);
      if (!isEnvelopeProblem(parsed)) return this.envelope(parsed, node, path);
    }
    if (!node.hasInner) return NO_CHANGE;
    const value = fromHashText(text);
    return typeof value === 'object' && value !== null && this.inner(value, node, path)
      ? value
      : NO_CHANGE;
  }

  private visit(value: unknown, node: PathNode, path: PathSegment[]): Visit {
    if (node.sealed !== undefined) return this.sealed(value, node, path, () => value);
    if (node.anyDepth && typeof value === 'string') {
      const parsed = parseEnvelope(value);
      return isEnvelopeProblem(parsed) ? NO_CHANGE : this.envelope(parsed, node, path);
    }
    return this.inner(value, node, path) ? value : NO_CHANGE;
  }

  /** Visits the elements or properties of a container in place; true when any changed. */
  private inner(value: unknown, node: PathNode, path: PathSegment[]): boolean {
    let changed = false;
    if (Array.isArray(value)) {
      const child = node.element();
      if (child === undefined) return false;
      for (let index = 0; index < value.length; index++) {
        const next = this.visit(value[index], child, [...path, index]);
        if (next !== NO_CHANGE) {
          setOwn(value, index, next);
          changed = true;
        }
      }
    } else if (isObject(value)) {
      for (const name of Object.keys(value)) {
        const child = node.property(name);
        if (child === undefined) continue;
        const next = this.visit(value[name], child, [...path, name]);
        if (next !== NO_CHANGE) {
          setOwn(value, name, next);
          changed = true;
        }
      }
    }
    return changed;
  }

  /** A value at a position the schema marks as sealed: an envelope, or legacy plaintext. */
  private sealed(
    stored: unknown,
    node: PathNode,
    path: PathSegment[],
    plain: () => unknown,
  ): Visit {
    if (typeof stored === 'string') {
      const parsed = parseEnvelope(stored);
      if (!isEnvelopeProblem(parsed)) return this.envelope(parsed, node, path);
      if (parsed.kind !== 'not-sealed') {
        this.tally.unopened(this.problem(parsed.kind, path));
        return NO_CHANGE;
      }
    }
    return this.plaintext(plain(), node, path);
  }

  private plaintext(value: unknown, node: PathNode, path: PathSegment[]): Visit {
    const spec = node.sealed!;
    const innerChanged = typeof value === 'object' && this.inner(value, node, path);
    if (this.mode.action !== 'reencrypt' || !this.mode.adoptPlaintext) {
      this.tally.clearValue(this.problem('plaintext', path));
      return innerChanged ? value : NO_CHANGE;
    }
    const payload = plaintextPayload(value, spec);
    if (payload === undefined) {
      this.tally.clearValue(this.problem('invalid-plaintext', path));
      return innerChanged ? value : NO_CHANGE;
    }
    const sealed = this.seal(this.mode.sealingKey, payload, cachedPathScope(path));
    payload.fill(0);
    this.tally.adopted++;
    return sealed;
  }

  private envelope(parsed: ParsedEnvelope, node: PathNode, path: PathSegment[]): Visit {
    this.tally.sawKeyId(parsed.keyId);
    const mode = this.mode;
    if (mode.action === 'count') return NO_CHANGE;
    const current = mode.action === 'reencrypt' && mode.isCurrent(parsed.keyId);
    if (current && !node.hasInner) {
      this.tally.current++;
      return NO_CHANGE;
    }
    const field = formatPath(path);
    const key = this.keys.lookup(parsed.keyId, {
      entity: this.target.keyspace,
      id: this.target.id,
      field,
    });
    if (typeof key === 'string') {
      this.tally.unopened(this.problem(key, path, parsed.keyId));
      return NO_CHANGE;
    }
    const at = cachedPathScope(path);
    const payload = openPayload(parsed, key, this.target.keyspace, this.target.scope, at);
    if (payload === undefined) {
      this.tally.unopened(this.problem('integrity', path, parsed.keyId));
      return NO_CHANGE;
    }
    let next = payload;
    try {
      const { tag, body } = splitPayload(payload);
      if (tag === ValueTag.Declared && node.hasInner) {
        const inner: unknown = JSON.parse(body.toString('utf8'));
        if (this.inner(inner, node, path)) next = this.repack(payload, inner, node);
      }
      if (mode.action !== 'reencrypt') return NO_CHANGE;
      if (current && next === payload) {
        this.tally.current++;
        return NO_CHANGE;
      }
      const sealed = this.seal(mode.sealingKey, next, at);
      this.tally.resealed++;
      return sealed;
    } catch (error) {
      if (!(error instanceof PayloadError) && !(error instanceof SyntaxError)) throw error;
      const reason = error instanceof PayloadError && error.kind === 'unsupported';
      this.tally.unopened(this.problem(reason ? 'unsupported' : 'malformed', path, parsed.keyId));
      return NO_CHANGE;
    } finally {
      payload.fill(0);
      if (next !== payload) next.fill(0);
    }
  }

  /**
   * The payload of a `Declared` value whose JSON changed. A padded value keeps
   * its bucket: the schema's padding, or else a multiple of its old length.
   */
  private repack(payload: Buffer, inner: unknown, node: PathNode): Buffer {
    const padded = (payload[0]! & 0x80) !== 0;
    const bucket = padded ? (node.sealed?.padding ?? payload.length) : undefined;
    return buildPayload(ValueTag.Declared, Buffer.from(JSON.stringify(inner), 'utf8'), bucket);
  }

  private seal(key: DataKey, payload: Buffer, pathBytes: Buffer): string {
    const { keyspace, scope } = this.target;
    return sealPayload(key, keyspace, scope, pathBytes, payload).toString('base64url');
  }

  private problem(reason: ProblemReason, path: PathSegment[], keyId?: string) {
    return {
      key: shortenKey(this.target.redisKey),
      field: formatPath(path),
      reason,
      ...(keyId === undefined ? {} : { keyId }),
    };
  }
}
