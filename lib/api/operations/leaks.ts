import { z } from "zod";
import { defineOperations } from "@/lib/api/openapi";
import { leakReportSchema } from "@/lib/keys/leaks";

export const leakReportReceivedSchema = z
  .object({ received: z.int().min(0).meta({ description: "How many strings the report held." }) })
  .meta({ id: "LeakReportReceived" });

export const leakOperations = defineOperations({
  method: "post",
  path: "/api/v1/leaks",
  operationId: "reportLeakedKeys",
  summary: "Report leaked keys",
  description:
    'For secret scanners: `{"keys": [...]}` (at most 100) or GitHub\'s `[{"token","type","url","source"}]`. Always 202 — never says whether a key exists. Matching keys get their organization\'s leak policy. 30 reports a minute per IP; body at most 64 KiB.',
  tag: "Key hygiene",
  auth: "public",
  body: leakReportSchema.meta({ id: "LeakReport" }),
  responses: { 202: { description: "Received.", schema: leakReportReceivedSchema } },
});
