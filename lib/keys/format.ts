export * from "@latchkey/verify/key-format";
