import assert from "node:assert/strict";
import { test } from "node:test";

import { format, languageOf } from "../catalogue.js";

test("named placeholders take the substitutions in order, like i18n.getMessage", () => {
  const entry = {
    message: "The mailbox ($MAILBOX$) is not $CRM$.",
    placeholders: { mailbox: { content: "$1" }, crm: { content: "$2" } },
  };
  assert.equal(format(entry, ["a@x", "b@y"]), "The mailbox (a@x) is not b@y.");
  assert.equal(format({ message: "Tracked" }), "Tracked");
  assert.equal(format(undefined), "");
});

test("Office's display language picks the catalogue, English otherwise", () => {
  assert.equal(languageOf("ja-JP"), "ja");
  assert.equal(languageOf("en-GB"), "en");
  assert.equal(languageOf("fr-FR"), "en");
  assert.equal(languageOf(undefined), "en");
});
