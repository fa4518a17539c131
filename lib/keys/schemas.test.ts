import { describe, expect, it } from "vitest";
import {
  createKeyFormSchema,
  createKeySchema,
  updateKeyFormSchema,
  updateKeySchema,
  usageLeftFormSchema,
} from "./schemas";

const DAY = 86_400_000;
const base = { name: "Billing", scopes: ["customers:read"] };
const messages = (result: { success: boolean; error?: { issues: { message: string }[] } }) =>
  result.error?.issues.map((i) => i.message) ?? [];
const issuesAt = (
  result: { error?: { issues: { path: PropertyKey[]; message: string }[] } },
  field: string,
) => result.error?.issues.filter((i) => i.path.join(".") === field).map((i) => i.message) ?? [];

describe("the canonical key input", () => {
  it("fills the defaults: live, no expiry, no allowlist, no rate limit, no description", () => {
    expect(createKeySchema.parse(base)).toEqual({
      name: "Billing",
      description: null,
      scopes: ["customers:read"],
      environment: "live",
      expiresAt: null,
      allowedIps: [],
      rateLimitPerMinute: null,
      usageLimit: null,
      usageRefill: "never",
    });
  });

  it("trims the description and stores an empty one as none", () => {
    expect(createKeySchema.parse({ ...base, description: "  For billing " }).description).toBe(
      "For billing",
    );
    expect(createKeySchema.parse({ ...base, description: "   " }).description).toBeNull();
  });

  it("deduplicates and sorts scopes", () => {
    expect(
      createKeySchema.parse({
        ...base,
        scopes: ["customers:write", "api_keys:read", "customers:write"],
      }).scopes,
    ).toEqual(["api_keys:read", "customers:write"]);
  });

  it("normalises and deduplicates allowed IPs, naming every invalid entry", () => {
    expect(
      createKeySchema.parse({ ...base, allowedIps: ["::ffff:10.0.0.0/104", "10.0.0.0/8"] })
        .allowedIps,
    ).toEqual(["10.0.0.0/8"]);
    const bad = createKeySchema.safeParse({
      ...base,
      allowedIps: ["10.0.0.1", "nope", "10.0.0.0/33"],
    });
    expect(bad.success).toBe(false);
    expect(issuesAt(bad, "allowedIps")).toEqual([
      "Not a valid IP address or CIDR range: nope, 10.0.0.0/33",
    ]);
  });

  it("takes an expiry only in the future", () => {
    const future = new Date(Date.now() + DAY);
    expect(createKeySchema.parse({ ...base, expiresAt: future }).expiresAt).toEqual(future);
    const past = createKeySchema.safeParse({ ...base, expiresAt: new Date(Date.now() - 1000) });
    expect(issuesAt(past, "expiresAt")).toEqual(["The expiry must be in the future."]);
  });

  it("keeps a webhook URL normalised, removes it when empty and refuses plain http", () => {
    expect(
      createKeySchema.parse({ ...base, webhookUrl: " https://Hooks.Example.com/x " }).webhookUrl,
    ).toBe("https://hooks.example.com/x");
    expect(createKeySchema.parse({ ...base, webhookUrl: "" }).webhookUrl).toBeNull();
    expect(createKeySchema.parse({ ...base, webhookUrl: null }).webhookUrl).toBeNull();
    expect("webhookUrl" in createKeySchema.parse(base)).toBe(false);
    // An update that does not mention the webhook leaves it alone.
    expect(updateKeySchema.parse({ name: "Renamed" })).toEqual({ name: "Renamed" });
    expect(updateKeySchema.parse({ webhookUrl: "" })).toEqual({ webhookUrl: null });
    const http = createKeySchema.safeParse({ ...base, webhookUrl: "http://hooks.example.com/x" });
    expect(issuesAt(http, "webhookUrl")).toEqual(["The webhook URL must start with https://."]);
  });
});

describe("credits in the canonical input", () => {
  it("takes a whole usage limit from 1 to 1,000,000,000, or none", () => {
    expect(createKeySchema.parse({ ...base, usageLimit: 1 }).usageLimit).toBe(1);
    expect(createKeySchema.parse({ ...base, usageLimit: 1e9 }).usageLimit).toBe(1e9);
    expect(createKeySchema.parse({ ...base, usageLimit: null }).usageLimit).toBeNull();
    for (const [usageLimit, message] of [
      [0, "The usage limit must be at least 1 request."],
      [1e9 + 1, "The usage limit must be at most 1,000,000,000 requests."],
      [2.5, "Enter a whole number of requests."],
      ["5", "Enter a whole number of requests."],
    ] as const) {
      const result = createKeySchema.safeParse({ ...base, usageLimit });
      expect(issuesAt(result, "usageLimit"), String(usageLimit)).toEqual([message]);
    }
  });

  it("refills only a key with a limit", () => {
    expect(createKeySchema.parse({ ...base, usageLimit: 5, usageRefill: "monthly" })).toMatchObject(
      { usageLimit: 5, usageRefill: "monthly" },
    );
    const refillOnly = createKeySchema.safeParse({ ...base, usageRefill: "daily" });
    expect(issuesAt(refillOnly, "usageRefill")).toEqual(["Set a usage limit to refill it."]);
    const unknown = createKeySchema.safeParse({ ...base, usageLimit: 5, usageRefill: "hourly" });
    expect(issuesAt(unknown, "usageRefill")).toEqual(["Choose Never, Every day or Every month."]);
  });

  it("leaves the refill rule of an update to the key service, and checks a top-up's range", () => {
    expect(updateKeySchema.parse({ usageRefill: "daily" })).toEqual({ usageRefill: "daily" });
    expect(updateKeySchema.parse({ usageLimit: null })).toEqual({ usageLimit: null });
    expect(updateKeySchema.parse({ usageRemaining: 0 })).toEqual({ usageRemaining: 0 });
    expect(issuesAt(updateKeySchema.safeParse({ usageRemaining: -1 }), "usageRemaining")).toEqual([
      "Usage left cannot be negative.",
    ]);
    expect(updateKeySchema.safeParse({ usageRemaining: 1e9 + 1 }).success).toBe(false);
    expect(updateKeySchema.safeParse({ usageRemaining: null }).success).toBe(false);
  });
});

describe("the create form", () => {
  const parse = (values: Record<string, unknown>) =>
    createKeyFormSchema.safeParse({ name: "Billing", scopes: "customers:read", ...values });

  it("turns the form's strings into the canonical input", () => {
    const result = parse({
      description: "  Nightly export ",
      scopes: ["customers:write", "customers:read"],
      environment: "test",
      allowedIps: " 10.0.0.1, 10.0.0.2\n192.0.2.0/24 ",
      rateLimitPerMinute: " 120 ",
      webhookUrl: "https://hooks.example.com/x",
    });
    expect(result.data).toEqual({
      name: "Billing",
      description: "Nightly export",
      scopes: ["customers:read", "customers:write"],
      environment: "test",
      expiresAt: null,
      allowedIps: ["10.0.0.1", "10.0.0.2", "192.0.2.0/24"],
      rateLimitPerMinute: 120,
      webhookUrl: "https://hooks.example.com/x",
      usageLimit: null,
      usageRefill: "never",
    });
  });

  it("takes up to 100 addresses however they are spaced", () => {
    const ips = Array.from({ length: 100 }, (_, i) => `10.0.${Math.floor(i / 10)}.${i % 10}`);
    const result = parse({ allowedIps: ` ${ips.join(",\n ")}\n` });
    expect(result.data?.allowedIps).toEqual(ips);
    expect(messages(parse({ allowedIps: `${ips.join(" ")} 10.1.0.0` }))).toEqual([
      "At most 100 addresses or ranges.",
    ]);
  });

  it("reads a single scope, no scope, empty fields and the defaults", () => {
    expect(parse({}).data).toEqual({
      name: "Billing",
      description: null,
      scopes: ["customers:read"],
      environment: "live",
      expiresAt: null,
      allowedIps: [],
      rateLimitPerMinute: null,
      webhookUrl: null,
      usageLimit: null,
      usageRefill: "never",
    });
    const none = createKeyFormSchema.safeParse({ name: "Billing", rateLimitPerMinute: "" });
    expect(issuesAt(none, "scopes")).toEqual(["Choose at least one scope."]);
    expect(messages(parse({ rateLimitPerMinute: "many" }))).toEqual([
      "Enter a whole number of requests per minute.",
    ]);
    expect(messages(parse({ environment: "prod" }))).toEqual(["Choose Live or Test."]);
  });

  it("reads the usage limit as typed: empty is unlimited, only digits make a number", () => {
    expect(parse({ usageLimit: " 5 ", usageRefill: "daily" }).data).toMatchObject({
      usageLimit: 5,
      usageRefill: "daily",
    });
    expect(parse({ usageLimit: "" }).data).toMatchObject({
      usageLimit: null,
      usageRefill: "never",
    });
    for (const usageLimit of ["five", "1e3", "0x10", "1.5", "-3", "1,000"]) {
      expect(issuesAt(parse({ usageLimit }), "usageLimit"), usageLimit).toEqual([
        "Enter a whole number of requests.",
      ]);
    }
    expect(issuesAt(parse({ usageLimit: "0" }), "usageLimit")).toEqual([
      "The usage limit must be at least 1 request.",
    ]);
    expect(issuesAt(parse({ usageLimit: "", usageRefill: "monthly" }), "usageRefill")).toEqual([
      "Set a usage limit to refill it.",
    ]);
  });

  it("sets the expiry from the chosen number of days", () => {
    const before = Date.now();
    const at = parse({ expiration: "30" }).data?.expiresAt?.getTime() ?? 0;
    expect(at).toBeGreaterThanOrEqual(before + 30 * DAY);
    expect(at).toBeLessThanOrEqual(Date.now() + 30 * DAY);
    expect(parse({ expiration: "never", expiresOn: "2099-01-01" }).data?.expiresAt).toBeNull();
  });

  it("takes a custom date as the end of that day (UTC), and only a real date", () => {
    expect(parse({ expiration: "custom", expiresOn: " 2099-02-28 " }).data?.expiresAt).toEqual(
      new Date("2099-02-28T23:59:59.999Z"),
    );
    for (const expiresOn of ["", "2099-02-30", "2099-13-01", "2099-2-1", "+012099-01", "soon"]) {
      const result = parse({ expiration: "custom", expiresOn });
      expect(result.success, expiresOn).toBe(false);
      expect(issuesAt(result, "expiresOn"), expiresOn).toEqual(["Choose an expiry date."]);
    }
  });
});

describe("the settings form", () => {
  const id = "6f1c2d9e-0a4b-4c8d-9e2f-3a4b5c6d7e8f";
  const parse = (values: Record<string, unknown>) =>
    updateKeyFormSchema.safeParse({ id, name: "Billing", scopes: "customers:read", ...values });

  it("keeps the current expiry unless another one is chosen", () => {
    expect(parse({}).data).toEqual({
      id,
      name: "Billing",
      description: null,
      scopes: ["customers:read"],
      allowedIps: [],
      rateLimitPerMinute: null,
      expiresAt: undefined,
    });
    expect(parse({ expiration: "never" }).data?.expiresAt).toBeNull();
    expect(parse({ expiration: "custom", expiresOn: "2099-12-31" }).data?.expiresAt).toEqual(
      new Date("2099-12-31T23:59:59.999Z"),
    );
  });

  it("refuses an unknown key id", () => {
    expect(issuesAt(parse({ id: "" }), "id")).toEqual(["Unknown key."]);
  });

  it("keeps the credits when the form has no usage fields, removes the limit when empty", () => {
    expect(parse({}).data).not.toHaveProperty("usageLimit", null);
    expect(parse({}).data?.usageLimit).toBeUndefined();
    expect(parse({ usageLimit: "", usageRefill: "never" }).data).toMatchObject({
      usageLimit: null,
      usageRefill: "never",
    });
    expect(parse({ usageLimit: "12", usageRefill: "monthly" }).data).toMatchObject({
      usageLimit: 12,
      usageRefill: "monthly",
    });
    expect(issuesAt(parse({ usageLimit: "lots" }), "usageLimit")).toEqual([
      "Enter a whole number of requests.",
    ]);
  });
});

describe("the usage left form", () => {
  const id = "6f1c2d9e-0a4b-4c8d-9e2f-3a4b5c6d7e8f";
  it("takes a whole number from 0, and nothing else", () => {
    expect(usageLeftFormSchema.parse({ id, usageRemaining: " 0 " })).toEqual({
      id,
      usageRemaining: 0,
    });
    expect(usageLeftFormSchema.parse({ id, usageRemaining: "500" }).usageRemaining).toBe(500);
    for (const usageRemaining of ["", "-1", "2.5", "many", undefined]) {
      const result = usageLeftFormSchema.safeParse({ id, usageRemaining });
      expect(issuesAt(result, "usageRemaining"), String(usageRemaining)).toEqual([
        "Enter a whole number of requests.",
      ]);
    }
    expect(issuesAt(usageLeftFormSchema.safeParse({ usageRemaining: "1" }), "id")).toEqual([
      "Unknown key.",
    ]);
  });
});
