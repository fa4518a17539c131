// Auth.js session cookie names (the __Secure- one is used over HTTPS). Kept here so proxy.ts
// can make its optimistic check without loading the auth stack.
export const SESSION_COOKIE_NAMES = ["authjs.session-token", "__Secure-authjs.session-token"];
