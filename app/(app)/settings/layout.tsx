import type { ReactNode } from "react";
import { SettingsNav } from "./_components/settings-nav";

export default function SettingsLayout({ children }: { children: ReactNode }) {
  return (
    <div className="flex flex-col gap-8 md:flex-row">
      <aside className="md:w-52 md:shrink-0">
        <p className="mb-2 px-2 text-xs font-semibold tracking-wide text-zinc-500 uppercase">
          Organization settings
        </p>
        <SettingsNav />
      </aside>
      <div className="min-w-0 flex-1">{children}</div>
    </div>
  );
}
