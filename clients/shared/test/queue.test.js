import assert from "node:assert/strict";
import { test } from "node:test";

import { ApiRefusal, Unreachable } from "../api.js";
import { MemoryStore, OperationKind, QUEUE_KEY, TrackingQueue } from "../queue.js";

function track(key) {
  return { kind: OperationKind.TRACK, messageKey: key, raw: `raw of ${key}` };
}

test("operations are sent oldest first, once each, and leave the store", async () => {
  const store = new MemoryStore();
  const queue = new TrackingQueue(store);
  await queue.enqueue(track("a"));
  await queue.enqueue({ kind: OperationKind.SET_REGARDING, messageKey: "a", regarding: "account:1" });
  await queue.enqueue(track("b"));
  const sent = [];
  const outcome = await queue.flush(async (op) => {
    sent.push(`${op.kind}:${op.messageKey}`);
    return op.seq;
  });
  assert.deepEqual(sent, ["track:a", "set-regarding:a", "track:b"]);
  assert.deepEqual(outcome.sent.map((s) => s.result), [1, 2, 3]);
  assert.equal(outcome.stoppedBy, null);
  assert.deepEqual(await queue.operations(), []);
  assert.deepEqual((await queue.flush(async () => assert.fail("nothing left to send"))).sent, []);
});

test("an unreachable server stops the flush and keeps the rest in order", async () => {
  const queue = new TrackingQueue(new MemoryStore());
  for (const key of ["a", "b", "c"]) await queue.enqueue(track(key));
  let calls = 0;
  const outcome = await queue.flush(async (op) => {
    calls += 1;
    if (op.messageKey === "b") throw new Unreachable("offline");
  });
  assert.equal(calls, 2);
  assert.ok(outcome.stoppedBy instanceof Unreachable);
  assert.deepEqual((await queue.operations()).map((op) => op.messageKey), ["b", "c"]);
});

test("a refusal drops that operation, reports it, and goes on", async () => {
  const queue = new TrackingQueue(new MemoryStore());
  for (const key of ["a", "b"]) await queue.enqueue(track(key));
  const refused = [];
  const outcome = await queue.flush(
    async (op) => {
      if (op.messageKey === "a") throw new ApiRefusal("No.", { status: 422 });
      return "ok";
    },
    { onRefused: (op, error) => refused.push([op.messageKey, error.message]) },
  );
  assert.deepEqual(refused, [["a", "No."]]);
  assert.deepEqual(outcome.sent.map((s) => s.operation.messageKey), ["b"]);
  assert.deepEqual(await queue.operations(), []);
});

test("sign-in needed stops the flush without dropping the operation", async () => {
  const queue = new TrackingQueue(new MemoryStore());
  await queue.enqueue(track("a"));
  const outcome = await queue.flush(async () => {
    throw new ApiRefusal("Sign in.", { status: 401 });
  });
  assert.equal(outcome.stoppedBy.status, 401);
  assert.equal((await queue.operations()).length, 1);
});

test("the queue survives a restart: a new queue over the same store sees it", async () => {
  const store = new MemoryStore();
  await new TrackingQueue(store).enqueue(track("a"));
  await new TrackingQueue(store).enqueue(track("b"));
  const reopened = new TrackingQueue(store);
  assert.deepEqual((await reopened.operations()).map((op) => [op.seq, op.messageKey]), [
    [1, "a"],
    [2, "b"],
  ]);
  assert.ok(store.data.has(QUEUE_KEY));
});

test("overlapping flushes send each operation once; one queued meanwhile is sent too", async () => {
  const queue = new TrackingQueue(new MemoryStore());
  await queue.enqueue(track("a"));
  const sent = [];
  let release;
  const gate = new Promise((resolve) => {
    release = resolve;
  });
  const send = async (op) => {
    sent.push(op.messageKey);
    if (op.messageKey === "a") await gate;
  };
  const first = queue.flush(send);
  const second = queue.flush(send);
  await queue.enqueue(track("b"));
  release();
  await Promise.all([first, second]);
  assert.deepEqual(sent, ["a", "b"]);
  assert.deepEqual(await queue.operations(), []);
});

test("pendingFor lists the operations of one message", async () => {
  const queue = new TrackingQueue(new MemoryStore());
  await queue.enqueue(track("a"));
  await queue.enqueue(track("b"));
  assert.deepEqual((await queue.pendingFor("b")).map((op) => op.seq), [2]);
});
