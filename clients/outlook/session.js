/**
 * Who the add-in acts for: a personal API token of the user, obtained through the web app in
 * an Office dialog (`/addin/outlook/sign-in`: the user signs in there, as in the browser, and
 * approves; the page hands the new token to the pane with `messageParent`). The token is kept
 * in the pane's own storage, never a password; it is revoked from the web app or the API.
 * The pane is served by the Correspondent server itself, so the API is its own origin.
 */

import { CorrespondentApi } from "../shared/api.js";
import { TOKEN_KEY } from "./constants.js";
import { dialogMessage } from "./office-host.js";

export function server() {
  return location.origin;
}

export function currentApi() {
  const token = localStorage.getItem(TOKEN_KEY);
  return token ? new CorrespondentApi({ server: server(), token }) : null;
}

/** Open the sign-in dialog, check the token it hands back (`GET /me`), keep it. */
export async function signIn() {
  const answer = JSON.parse(await dialogMessage(`${server()}/addin/outlook/sign-in`));
  if (!answer?.token) throw new Error(answer?.error || "No token came back.");
  const api = new CorrespondentApi({ server: server(), token: answer.token });
  await api.me();
  localStorage.setItem(TOKEN_KEY, answer.token);
  return api;
}

export function signOut() {
  localStorage.removeItem(TOKEN_KEY);
}
