/** The sign-in dialog's last page: hand the new personal token to the pane that opened it. */

Office.onReady().then(() => {
  const token = document.getElementById("handoff")?.dataset.token;
  Office.context.ui.messageParent(JSON.stringify(token ? { token } : { error: "no token" }));
});
