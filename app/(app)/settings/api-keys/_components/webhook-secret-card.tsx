"use client";

import { useId, useState } from "react";
import { toast } from "sonner";
import { Button } from "@/components/ui/button";

/** The webhook signing secret, shown once like the key: it lives only in the caller's state. */
export function WebhookSecretCard({ secret }: { secret: string }) {
  const [copied, setCopied] = useState(false);
  const id = useId();
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(secret);
      setCopied(true);
      toast.success("Signing secret copied to the clipboard.");
    } catch {
      toast.error("Could not copy. Select the secret and copy it by hand.");
    }
  };
  return (
    <section
      aria-labelledby={`${id}-title`}
      className="rounded-lg border border-blue-200 bg-blue-50 p-4"
    >
      <h3 id={`${id}-title`} className="text-sm font-medium text-blue-900">
        Webhook signing secret
      </h3>
      <p className="mt-1 text-sm text-blue-900">
        Verify every webhook with this secret. <strong>It will not be shown again</strong>; you can
        regenerate it on the key&apos;s page.
      </p>
      <div className="mt-3 flex items-center gap-2">
        <code
          data-testid="webhook-secret"
          className="block min-w-0 flex-1 rounded-md border border-blue-200 bg-white px-3 py-2 font-mono text-sm break-all select-all"
        >
          {secret}
        </code>
        <Button variant="secondary" onClick={copy} aria-describedby={`${id}-status`}>
          Copy
        </Button>
      </div>
      <p id={`${id}-status`} aria-live="polite" className="mt-2 text-xs text-blue-800">
        {copied ? "Copied to the clipboard." : ""}
      </p>
    </section>
  );
}
