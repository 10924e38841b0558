/**
 * Who the add-on acts for: the server address and a personal API token, kept in
 * `storage.local` (never a password).
 *
 * Today the user pastes a token made with `correspondent token create` (or `POST /api/v1/tokens`).
 * The web app's sign-in flow plugs in here: a function that opens the server's sign-in page and
 * receives a new personal token would end in the same `storage.local` write as
 * `signInWithToken`; nothing else in the add-on reads credentials.
 */

import { CorrespondentApi } from "./shared/api.js";

export const SIGN_IN_KEY = "signIn";

/** `{server, token, user}` or null. */
export async function currentSignIn() {
  const stored = await messenger.storage.local.get(SIGN_IN_KEY);
  return stored[SIGN_IN_KEY] ?? null;
}

export async function currentApi() {
  const signIn = await currentSignIn();
  return signIn ? new CorrespondentApi({ server: signIn.server, token: signIn.token }) : null;
}

/** Check the token against the server (`GET /me`) and keep it; throws what the server said. */
export async function signInWithToken(server, token) {
  const api = new CorrespondentApi({ server, token: String(token).trim() });
  const me = await api.me();
  const signIn = {
    server: api.server,
    token: api.token,
    user: { id: me.user.id, email: me.user.email, name: me.user.name },
  };
  await messenger.storage.local.set({ [SIGN_IN_KEY]: signIn });
  return signIn;
}

export async function signOut() {
  await messenger.storage.local.remove(SIGN_IN_KEY);
}
