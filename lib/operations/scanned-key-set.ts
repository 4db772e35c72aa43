const EMPTY = 0;
const INITIAL_SLOTS = 1 << 12;

/** Two independent 32-bit FNV-1a hashes of a string, the second never zero. */
function fingerprint(text: string): [number, number] {
  let a = 0x811c9dc5;
  let b = 0x050c5d1f;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    a = Math.imul(a ^ code, 0x01000193);
    b = Math.imul(b ^ code, 0x01000193) ^ (b >>> 15);
  }
  return [a >>> 0, (b >>> 0) | 1];
}

/**
 * Remembers which keys a scan has already returned, in 8 bytes per key: SCAN
 * may return a key more than once, and a report counts each key once. It
 * stores 64-bit fingerprints, so in the rare event of a collision a key is
 * taken for one already seen; callers still process such keys and only skip
 * counting them.
 */
export class ScannedKeySet {
  #slots = new Uint32Array(INITIAL_SLOTS * 2);
  #size = 0;

  get size(): number {
    return this.#size;
  }

  /** Adds the key; returns false when it was already there. */
  add(key: string): boolean {
    const [high, low] = fingerprint(key);
    if (!this.#insert(this.#slots, high, low)) return false;
    this.#size++;
    if (this.#size * 4 > this.#slots.length) this.#grow();
    return true;
  }

  #insert(slots: Uint32Array, high: number, low: number): boolean {
    const mask = slots.length / 2 - 1;
    for (let slot = high & mask; ; slot = (slot + 1) & mask) {
      const storedLow = slots[slot * 2 + 1]!;
      if (storedLow === EMPTY) {
        slots[slot * 2] = high;
        slots[slot * 2 + 1] = low;
        return true;
      }
      if (storedLow === low && slots[slot * 2] === high) return false;
    }
  }

  #grow(): void {
    const old = this.#slots;
    const next = new Uint32Array(old.length * 2);
    for (let slot = 0; slot < old.length; slot += 2) {
      if (old[slot + 1] !== EMPTY) this.#insert(next, old[slot]!, old[slot + 1]!);
    }
    this.#slots = next;
  }
}
