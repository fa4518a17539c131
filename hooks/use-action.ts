"use client";

import { useRouter } from "next/navigation";
import { useTransition } from "react";
import { toast } from "sonner";
import type { SafeAction } from "@/lib/actions/safe-action";

/**
 * Runs a server action from a button or a select: the outcome as a toast, then a refresh so the
 * page shows what the server now holds. `pending` is true until both are done.
 */
export function useAction<I, T>(
  action: SafeAction<I, T>,
  options: { onSuccess?: (data: T) => void; onSettled?: () => void; quiet?: boolean } = {},
) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const run = (input: I) =>
    startTransition(async () => {
      const result = await action(input).catch(() => null);
      if (!result) toast.error("Something went wrong. Nothing was changed.");
      else if (!result.ok) toast.error(result.error);
      else {
        if (!options.quiet) toast.success(result.message ?? "Saved.");
        options.onSuccess?.(result.data);
      }
      options.onSettled?.();
      router.refresh();
    });
  return { run, pending };
}
