/**
 * What the add-ons need to know about a message in the mail client, shaped from the client's
 * own message header object (Thunderbird's `MessageHeader`).
 *
 * The tracked symbol is a tag bound to the IMAP keyword `$Tracked`. Thunderbird lowercases
 * keywords (tag keys), so the tag key is `$tracked`; IMAP servers compare keywords without
 * regard to case (Dovecot keeps the spelling the mailbox first saw), and so does the sync.
 */

export const TRACKED_TAG = "$tracked";

/** One address out of "Name <addr@example.org>" or "addr@example.org", lowercased. */
export function addressOf(text) {
  const value = String(text ?? "").trim();
  const angled = /<([^<>\s]+@[^<>\s]+)>\s*$/.exec(value);
  const bare = angled ? angled[1] : value.replace(/^mailto:/i, "");
  return /^[^\s@]+@[^\s@]+$/.test(bare) ? bare.toLowerCase() : "";
}

/** The key that names a message across restarts and clients: its Internet Message-ID. */
export function messageKey(header) {
  const id = String(header.headerMessageId ?? "").trim().replace(/^<|>$/g, "");
  if (id) return `mid:${id}`;
  // Without a Message-ID the server identifies the message by its content; locally the
  // folder and date have to do.
  return `local:${header.folder?.accountId ?? ""}:${header.folder?.path ?? ""}:${header.date ?? ""}:${header.subject ?? ""}`;
}

/** The message as the pane and the queue describe it. */
export function shapeMessage(header) {
  return {
    key: messageKey(header),
    clientId: header.id,
    subject: header.subject ?? "",
    author: header.author ?? "",
    recipients: [...(header.recipients ?? [])],
    cc: [...(header.ccList ?? [])],
    tagged: (header.tags ?? []).includes(TRACKED_TAG),
    accountId: header.folder?.accountId ?? null,
  };
}

/** Addresses of an account's identities (Thunderbird's `MailAccount`), lowercased. */
export function accountAddresses(account) {
  return (account?.identities ?? [])
    .map((identity) => addressOf(identity.email))
    .filter(Boolean);
}

/**
 * Tracking from a mailbox is allowed only when its address is the user's CRM address
 * (BEHAVIOUR §2). Returns null when allowed, else `{mailbox, crm}` for the refusal text.
 */
export function mailboxMismatch(addresses, crmAddress) {
  const crm = addressOf(crmAddress);
  if (addresses.includes(crm)) return null;
  return { mailbox: addresses[0] ?? "", crm };
}

/** A `File`/`Blob` or a binary string (one char per byte) as bytes. */
export async function rawBytes(raw) {
  if (typeof raw === "string") {
    const bytes = new Uint8Array(raw.length);
    for (let i = 0; i < raw.length; i += 1) bytes[i] = raw.charCodeAt(i) & 0xff;
    return bytes;
  }
  return new Uint8Array(await raw.arrayBuffer());
}

/** Bytes as a binary string, the form kept in `storage.local` for queued messages. */
export function binaryString(bytes) {
  let text = "";
  const chunk = 0x8000;
  for (let i = 0; i < bytes.length; i += chunk) {
    text += String.fromCharCode(...bytes.subarray(i, i + chunk));
  }
  return text;
}
