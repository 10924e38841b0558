import assert from "node:assert/strict";
import { test } from "node:test";

import { ApiRefusal, CorrespondentApi, Unreachable, normaliseServerAddress } from "../api.js";

function recordingFetch(respond) {
  const calls = [];
  const fetch = async (url, init) => {
    calls.push({ url: String(url), ...init });
    return respond(url, init);
  };
  return { calls, fetch };
}

const json = (status, body) =>
  new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });

test("server addresses get a scheme and lose paths", () => {
  assert.equal(normaliseServerAddress("crm.example.org"), "https://crm.example.org");
  assert.equal(normaliseServerAddress(" http://127.0.0.1:8000/x/ "), "http://127.0.0.1:8000");
  assert.throws(() => normaliseServerAddress(""), TypeError);
  assert.throws(() => normaliseServerAddress("ftp://x"), TypeError);
});

test("track posts the raw message with the token and the regarding record", async () => {
  const { calls, fetch } = recordingFetch(() => json(201, { created: true }));
  const api = new CorrespondentApi({ server: "http://127.0.0.1:1", token: "cor_x", fetch });
  const raw = new Uint8Array([1, 2, 3]);
  assert.deepEqual(await api.track(raw, { regarding: { type: "account", id: 4 } }), { created: true });
  assert.equal(calls[0].url, "http://127.0.0.1:1/api/v1/track?regarding=account%3A4");
  assert.equal(calls[0].method, "POST");
  assert.equal(calls[0].headers.Authorization, "Bearer cor_x");
  assert.equal(calls[0].headers["Content-Type"], "message/rfc822");
  assert.equal(calls[0].body, raw);
});

test("refusals carry the server's message; unreachable servers and 503 can be retried", async () => {
  const refusing = new CorrespondentApi({
    server: "http://h",
    token: "t",
    fetch: async () => json(422, { error: { code: "invalid_input", message: "Bad message." } }),
  });
  await assert.rejects(refusing.track(new Uint8Array([1])), (error) => {
    assert.ok(error instanceof ApiRefusal);
    assert.equal(error.message, "Bad message.");
    assert.equal(error.code, "invalid_input");
    return true;
  });
  const down = new CorrespondentApi({
    server: "http://h",
    token: "t",
    fetch: async () => {
      throw new TypeError("NetworkError when attempting to fetch resource.");
    },
  });
  await assert.rejects(down.me(), Unreachable);
  const busy = new CorrespondentApi({
    server: "http://h",
    token: "t",
    fetch: async () => json(503, { error: { message: "Try again." } }),
  });
  await assert.rejects(busy.me(), (error) => error instanceof Unreachable && error.status === 503);
});

test("set regarding sends the record as JSON; 204 answers null", async () => {
  const { calls, fetch } = recordingFetch(() => new Response(null, { status: 204 }));
  const api = new CorrespondentApi({ server: "http://h", token: "t", fetch });
  assert.equal(await api.setRegarding(9, { type: "case", id: "2" }), null);
  assert.equal(calls[0].method, "PUT");
  assert.deepEqual(JSON.parse(calls[0].body), { regarding: { type: "case", id: 2 } });
  await api.untrack(9, { deleteActivity: true });
  assert.deepEqual(JSON.parse(calls[1].body), { delete_activity: true });
});

test("a revoked token (401) tells the add-on to show it is signed out; other refusals do not", async () => {
  const told = [];
  const answers = [json(403, { error: { message: "No." } }), json(401, { error: { message: "Revoked." } })];
  const api = new CorrespondentApi({
    server: "http://h",
    token: "t",
    fetch: async () => answers.shift(),
    onSignInNeeded: async () => told.push("signed out"),
  });
  await assert.rejects(api.me(), (error) => error instanceof ApiRefusal && !error.signInNeeded);
  assert.deepEqual(told, []);
  await assert.rejects(api.me(), (error) => error.signInNeeded && error.message === "Revoked.");
  assert.deepEqual(told, ["signed out"]);
});
