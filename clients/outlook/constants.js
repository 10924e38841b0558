/** Names the add-in and the server agree on (see domain/mailbox.py and domain/regarding_header.py). */
export const TRACKED_CATEGORY = "Tracked to Correspondent";
export const REGARDING_HEADER = "X-Correspondent-Regarding";
export const TOKEN_KEY = "correspondent.outlook.token";
