/** Every permission a key can hold. The UI, the API and the verifier read this one list. */
export const SCOPES = [
  {
    id: "customers:read",
    label: "Read customers",
    description: "List and read the organization's customers.",
  },
  {
    id: "customers:write",
    label: "Write customers",
    description: "Create customers.",
  },
  {
    id: "api_keys:read",
    label: "Read API keys",
    description: "List API keys and read their details and usage through the management API.",
  },
  {
    id: "api_keys:write",
    label: "Manage API keys",
    description: "Create, update, roll and revoke API keys through the management API.",
  },
  {
    id: "keys:verify",
    label: "Verify keys",
    description: "Check other keys with POST /api/v1/keys/verify (for your own services).",
  },
] as const;

export type Scope = (typeof SCOPES)[number]["id"];
export const SCOPE_IDS = SCOPES.map((s) => s.id) as [Scope, ...Scope[]];
