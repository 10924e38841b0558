/**
 * The tracking pane as data: what to show for one message and which buttons work.
 *
 * Built from the message (see message.js), what the add-on knows about it (the activity the
 * server returned, queued operations, the last refusal) and the signed-in user. Text comes from
 * `t(key, substitutions)` — the add-on passes its message catalogue (`i18n.getMessage`) — so
 * the model holds finished sentences and the page only renders it. Kept free of browser APIs so
 * the Outlook add-in can reuse it.
 */

export const PaneStatus = Object.freeze({
  SIGNED_OUT: "signed-out",
  WRONG_MAILBOX: "wrong-mailbox",
  NOT_TRACKED: "not-tracked",
  PENDING: "pending",
  TRACKED: "tracked",
  REFUSED: "refused",
});

const ROLE_KEYS = { from: "roleFrom", to: "roleTo", cc: "roleCc", bcc: "roleBcc" };

function statusOf({ signedIn, mismatch, pending, activity, tagged, refusal }) {
  if (!signedIn) return PaneStatus.SIGNED_OUT;
  if (mismatch) return PaneStatus.WRONG_MAILBOX;
  if (pending.length) return PaneStatus.PENDING;
  if (activity || tagged) return PaneStatus.TRACKED;
  if (refusal) return PaneStatus.REFUSED;
  return PaneStatus.NOT_TRACKED;
}

function statusText(t, status, { mismatch, pending, activity, refusal, signedOutReason }) {
  switch (status) {
    case PaneStatus.SIGNED_OUT:
      return signedOutReason === "revoked" ? t("statusSignedOutRevoked") : t("statusSignedOut");
    case PaneStatus.WRONG_MAILBOX:
      return t("statusWrongMailbox", [mismatch.mailbox, mismatch.crm]);
    case PaneStatus.PENDING:
      return t("statusPending", [String(pending.length)]);
    case PaneStatus.TRACKED:
      return activity ? t("statusTracked") : t("statusTrackedElsewhere");
    case PaneStatus.REFUSED:
      return t("statusRefused", [refusal]);
    default:
      return t("statusNotTracked");
  }
}

function partyRows(t, activity) {
  const may = activity?.actions ?? {};
  return (activity?.parties ?? []).map((party) => ({
    role: party.role,
    roleLabel: t(ROLE_KEYS[party.role] ?? "roleTo"),
    address: party.address,
    displayName: party.display_name || "",
    record: party.record ? { ...party.record } : null,
    recordLabel: party.record
      ? `${party.record.name || party.record.type} (${t(`type_${party.record.type}`)})`
      : party.hidden
        ? t("partyHidden")
        : t("partyUnresolved"),
    // The contact's (or lead's) parent account, as the web app's pane shows it.
    accountLabel: party.account ? t("partyAccount", [party.account.name]) : "",
    // Creating a record is offered for the sender only, as the web app's pane does, and only
    // the kinds the server says this user may create.
    create: !party.record && !party.hidden && party.role === "from"
      ? ["contact", "lead"].filter((type) => may[`create_${type}`])
      : [],
  }));
}

function attachmentRows(t, activity) {
  return (activity?.attachments ?? [])
    .filter((attachment) => !attachment.inline)
    .map((attachment) => ({
      filename: attachment.filename || t("attachmentUnnamed"),
      kept: attachment.status === "saved",
      text:
        attachment.status === "saved"
          ? t("attachmentKept")
          : t("attachmentDropped", [attachment.reason || attachment.status]),
    }));
}

function regardingRow(t, activity) {
  if (!activity) return null;
  if (activity.regarding) {
    return {
      ref: { type: activity.regarding.type, id: activity.regarding.id },
      text: `${activity.regarding.name} (${t(`type_${activity.regarding.type}`)})`,
    };
  }
  return { ref: null, text: activity.regarding_hidden ? t("regardingHidden") : t("regardingNone") };
}

/**
 * @param {object} input
 * @param {boolean} input.signedIn
 * @param {"revoked" | null} [input.signedOutReason]  the server refused the token (revoked)
 * @param {{mailbox: string, crm: string} | null} input.mismatch   see mailboxMismatch
 * @param {{key: string, subject: string, tagged: boolean}} input.message
 * @param {object | null} input.activity  the activity as the API shows it
 * @param {object[]} input.pending        queued operations for this message
 * @param {string | null} input.refusal   the server's last refusal for this message
 * @param {(key: string, subs?: string[]) => string} t
 */
export function paneModel(input, t) {
  const facts = {
    signedIn: Boolean(input.signedIn),
    signedOutReason: input.signedOutReason ?? null,
    mismatch: input.mismatch ?? null,
    pending: input.pending ?? [],
    activity: input.activity ?? null,
    tagged: Boolean(input.message?.tagged),
    refusal: input.refusal ?? null,
  };
  const status = statusOf(facts);
  const usable = status !== PaneStatus.SIGNED_OUT && status !== PaneStatus.WRONG_MAILBOX;
  const activity = facts.activity;
  return {
    status,
    statusText: statusText(t, status, facts),
    subject: input.message?.subject ?? "",
    activityId: activity?.id ?? null,
    regarding: regardingRow(t, activity),
    parties: partyRows(t, activity),
    attachments: attachmentRows(t, activity),
    actions: {
      track: usable && status !== PaneStatus.TRACKED && status !== PaneStatus.PENDING,
      // Where the server said what this user may do with the activity, that decides.
      setRegarding: usable && (activity?.actions?.set_regarding ?? true),
      view: usable && activity != null,
      untrack: usable && status === PaneStatus.TRACKED && (activity?.actions?.untrack ?? true),
    },
  };
}
