import assert from "node:assert/strict";
import { test } from "node:test";

import {
  TRACKED_TAG,
  accountAddresses,
  addressOf,
  binaryString,
  mailboxMismatch,
  messageKey,
  rawBytes,
  shapeMessage,
} from "../message.js";

const header = {
  id: 7,
  headerMessageId: "abc@example.org",
  subject: "Quote",
  author: "Ann Buyer <Ann@Customer.example>",
  recipients: ["me@ourco.example"],
  ccList: ["Boss <boss@ourco.example>"],
  tags: ["$label1", TRACKED_TAG],
  folder: { accountId: "account1", path: "/INBOX" },
};

test("a message is shaped with its Message-ID as key and the tracked tag", () => {
  const shaped = shapeMessage(header);
  assert.equal(shaped.key, "mid:abc@example.org");
  assert.equal(shaped.clientId, 7);
  assert.equal(shaped.tagged, true);
  assert.deepEqual(shaped.cc, ["Boss <boss@ourco.example>"]);
  assert.equal(shapeMessage({ ...header, tags: ["$Tracked"] }).tagged, false, "keys are lowercase");
});

test("the key strips angle brackets and falls back to folder data without a Message-ID", () => {
  assert.equal(messageKey({ headerMessageId: "<x@y>" }), "mid:x@y");
  assert.match(messageKey({ ...header, headerMessageId: "" }), /^local:account1:\/INBOX:/);
});

test("addresses are read from display forms and lowercased", () => {
  assert.equal(addressOf("Ann <Ann@Customer.example>"), "ann@customer.example");
  assert.equal(addressOf("bob@example.org"), "bob@example.org");
  assert.equal(addressOf("not an address"), "");
  assert.deepEqual(
    accountAddresses({ identities: [{ email: "Me@OurCo.example" }, { email: "" }] }),
    ["me@ourco.example"],
  );
});

test("tracking is refused unless the mailbox address is the CRM address", () => {
  assert.equal(mailboxMismatch(["me@ourco.example"], "ME@ourco.example"), null);
  assert.deepEqual(mailboxMismatch(["private@home.example"], "me@ourco.example"), {
    mailbox: "private@home.example",
    crm: "me@ourco.example",
  });
});

test("raw bytes survive the round trip through a binary string", async () => {
  const bytes = new Uint8Array(70000).map((_, i) => i % 256);
  const text = binaryString(bytes);
  assert.equal(text.length, bytes.length);
  assert.deepEqual(await rawBytes(text), bytes);
  assert.deepEqual(await rawBytes(new Blob([bytes])), bytes);
});
