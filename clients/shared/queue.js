/**
 * The offline queue: Track and Set Regarding pressed while the server cannot be reached.
 *
 * Operations are kept in a key-value store (`storage.local` in the add-on) under one key, so a
 * restart of the mail client loses nothing. `flush` sends them oldest first, one at a time:
 * - sent: the operation leaves the queue (and the store) before the next one is tried;
 * - `Unreachable`: flushing stops, that operation and everything after it stay, in order;
 * - refused by the server (`ApiRefusal`): the operation leaves the queue and the refusal is
 *   reported through `onRefused`, because sending it again would be refused again. A refusal
 *   asking to sign in stops flushing instead and keeps the operation.
 * Only one flush runs at a time, so nothing is sent twice by two overlapping flushes; an
 * operation is removed by its sequence number, so one queued during a flush is kept.
 */

import { Unreachable } from "./api.js";

export const QUEUE_KEY = "queue";

export const OperationKind = Object.freeze({
  TRACK: "track",
  SET_REGARDING: "set-regarding",
});

export class TrackingQueue {
  /**
   * @param {{get(key: string): Promise<object>, set(items: object): Promise<void>}} store
   *   `browser.storage.local` or anything shaped like it.
   */
  constructor(store) {
    this.store = store;
    this.writing = Promise.resolve();
    this.flushing = null;
  }

  async read() {
    const stored = (await this.store.get(QUEUE_KEY))?.[QUEUE_KEY] ?? {};
    return { items: stored.items ?? [], nextSeq: stored.nextSeq ?? 1 };
  }

  /** Read-modify-write of the stored queue, one at a time (enqueue and removal interleave). */
  update(change) {
    const run = this.writing.then(async () => {
      const state = await this.read();
      const { state: next, result } = change(state);
      await this.store.set({ [QUEUE_KEY]: next });
      return result;
    });
    this.writing = run.catch(() => {});
    return run;
  }

  async operations() {
    await this.writing;
    return (await this.read()).items;
  }

  /** Append an operation; returns it with its sequence number. */
  enqueue(operation) {
    return this.update(({ items, nextSeq }) => {
      const queued = { ...operation, seq: nextSeq, queuedAt: new Date().toISOString() };
      return { state: { items: [...items, queued], nextSeq: nextSeq + 1 }, result: queued };
    });
  }

  remove(seq) {
    return this.update(({ items, nextSeq }) => ({
      state: { items: items.filter((op) => op.seq !== seq), nextSeq },
      result: undefined,
    }));
  }

  /** Queued operations about one message (for showing it as pending). */
  async pendingFor(messageKey) {
    return (await this.operations()).filter((op) => op.messageKey === messageKey);
  }

  /**
   * Send queued operations in order with `send(operation)`. A flush asked for while one runs
   * starts when that one ends (so it also sees what was queued meanwhile).
   * Returns `{sent: [...], refused: [...], stoppedBy: error | null}`.
   */
  flush(send, { onSent = () => {}, onRefused = () => {} } = {}) {
    const previous = this.flushing ?? Promise.resolve();
    const run = previous
      .catch(() => {})
      .then(() => this.sendAll(send, onSent, onRefused));
    this.flushing = run;
    run.finally(() => {
      if (this.flushing === run) this.flushing = null;
    }).catch(() => {});
    return run;
  }

  async sendAll(send, onSent, onRefused) {
    const outcome = { sent: [], refused: [], stoppedBy: null };
    for (;;) {
      const [next] = await this.operations();
      if (!next) return outcome;
      let result;
      try {
        result = await send(next);
      } catch (error) {
        if (error instanceof Unreachable || error?.signInNeeded) {
          outcome.stoppedBy = error;
          return outcome;
        }
        await this.remove(next.seq);
        outcome.refused.push({ operation: next, error });
        await onRefused(next, error);
        continue;
      }
      await this.remove(next.seq);
      outcome.sent.push({ operation: next, result });
      await onSent(next, result);
    }
  }
}

/** An in-memory store shaped like `storage.local` (for tests and for a page without storage). */
export class MemoryStore {
  constructor() {
    this.data = new Map();
  }

  async get(key) {
    return this.data.has(key) ? { [key]: structuredClone(this.data.get(key)) } : {};
  }

  async set(items) {
    for (const [key, value] of Object.entries(items)) this.data.set(key, structuredClone(value));
  }

  async remove(key) {
    this.data.delete(key);
  }
}
