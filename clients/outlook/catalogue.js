/**
 * The add-in's text: the Thunderbird add-on's catalogue (the pane's shared words) overlaid with
 * the Outlook add-in's own, in the WebExtension `messages.json` format, read from the server.
 * `t(key, substitutions)` behaves like `i18n.getMessage`: named placeholders map to `$1`…
 */

const LANGUAGES = ["en", "ja"];

/** "ja-JP" → "ja"; anything we do not have → "en". */
export function languageOf(officeLanguage) {
  const base = String(officeLanguage ?? "").toLowerCase().split("-")[0];
  return LANGUAGES.includes(base) ? base : "en";
}

export function format(entry, substitutions = []) {
  if (!entry) return "";
  const subs = (Array.isArray(substitutions) ? substitutions : [substitutions]).map(String);
  const positional = (text) => text.replace(/\$(\d)/g, (_, n) => subs[Number(n) - 1] ?? "");
  return entry.message.replace(/\$([A-Za-z_]+)\$/g, (whole, name) => {
    const placeholder = entry.placeholders?.[name.toLowerCase()];
    return placeholder ? positional(placeholder.content) : whole;
  });
}

/** Load both catalogues for `language`; returns `t`. */
export async function loadCatalogue(base, language) {
  const urls = [`${base}/locales/thunderbird/${language}.json`, `${base}/locales/outlook/${language}.json`];
  const parts = await Promise.all(
    urls.map(async (url) => {
      const response = await fetch(url, { credentials: "omit" });
      if (!response.ok) throw new Error(`${url} answered ${response.status}`);
      return response.json();
    }),
  );
  const entries = Object.assign({}, ...parts);
  return (key, subs) => format(entries[key], subs) || key;
}
