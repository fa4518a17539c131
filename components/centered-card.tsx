import type { ReactNode } from "react";
import { Logo } from "./logo";

/** The logo over one card in the middle of the page: sign-in, sign-up, a user without an org. */
export function CenteredCard({ children }: { children: ReactNode }) {
  return (
    <main className="flex min-h-screen flex-col items-center justify-center px-4 py-12">
      <div className="mb-8 flex items-center gap-2 text-lg font-semibold">
        <Logo markClassName="" />
      </div>
      <div className="w-full max-w-sm rounded-lg border border-zinc-200 bg-white p-6 shadow-sm">
        {children}
      </div>
    </main>
  );
}
