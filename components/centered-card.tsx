import type { ReactNode } from "react";

/** The logo over one card in the middle of the page: sign-in, sign-up, a user without an org. */
export function CenteredCard({ children }: { children: ReactNode }) {
  return (
    <main className="flex min-h-screen flex-col items-center justify-center px-4 py-12">
      <div className="mb-8 flex items-center gap-2 text-lg font-semibold">
        <span aria-hidden="true" className="rounded bg-zinc-900 px-1.5 py-0.5 font-mono text-white">
          lk
        </span>
        Latchkey
      </div>
      <div className="w-full max-w-sm rounded-lg border border-zinc-200 bg-white p-6 shadow-sm">
        {children}
      </div>
    </main>
  );
}
