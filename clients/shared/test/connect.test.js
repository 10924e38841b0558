import assert from "node:assert/strict";
import { test } from "node:test";

import {
  ConnectCancelled,
  ConnectFailed,
  connectUrl,
  newState,
  readConnectAnswer,
} from "../connect.js";

const redirectUri = "https://0123456789abcdef0123456789abcdef01234567.extensions.allizom.org/";

test("the approval page's address carries the client, where to answer and the state", () => {
  const url = new URL(
    connectUrl("crm.example.org/", { client: "thunderbird", redirectUri, state: "abc" }),
  );
  assert.equal(url.origin + url.pathname, "https://crm.example.org/connect");
  assert.equal(url.searchParams.get("client"), "thunderbird");
  assert.equal(url.searchParams.get("redirect_uri"), redirectUri);
  assert.equal(url.searchParams.get("state"), "abc");
});

test("a state is URL-safe, long enough for the server and new each time", () => {
  const one = newState();
  assert.match(one, /^[A-Za-z0-9_-]{43}$/);
  assert.notEqual(one, newState());
});

test("the token comes out of the answer's fragment when the state is ours", () => {
  const answer = `${redirectUri}#token=cor_abc-123_x&state=s1`;
  assert.equal(readConnectAnswer(answer, { redirectUri, state: "s1" }), "cor_abc-123_x");
});

test("an answer for another request, another address or without a token is refused", () => {
  assert.throws(
    () => readConnectAnswer(`${redirectUri}#token=cor_x&state=other`, { redirectUri, state: "s1" }),
    ConnectFailed,
  );
  assert.throws(
    () => readConnectAnswer("https://evil.example/#token=cor_x&state=s1", { redirectUri, state: "s1" }),
    ConnectFailed,
  );
  assert.throws(() => readConnectAnswer(`${redirectUri}#state=s1`, { redirectUri, state: "s1" }), ConnectFailed);
});

test("Cancel on the web page is told apart from a failure", () => {
  assert.throws(
    () => readConnectAnswer(`${redirectUri}#error=access_denied&state=s1`, { redirectUri, state: "s1" }),
    ConnectCancelled,
  );
});
