import type { ComponentProps } from "react";
import { cn } from "@/lib/cn";

/** A column header cell in the house style. */
export function Th({ className, ...props }: ComponentProps<"th">) {
  return <th scope="col" className={cn("px-4 py-2 font-medium", className)} {...props} />;
}

export const theadClass = "border-b border-zinc-200 bg-zinc-50 text-xs text-zinc-500 uppercase";
