import type { ReactNode } from "react";
import { SettingsNav } from "./_components/settings-nav";

export default function SettingsLayout({ children }: { children: ReactNode }) {
  return (
    // The navigation sits beside the page only from 1280 px: below that the key table needs the width.
    <div className="flex flex-col gap-6 xl:flex-row xl:gap-8">
      <aside className="xl:w-52 xl:shrink-0">
        <SettingsNav />
      </aside>
      <div className="min-w-0 flex-1">{children}</div>
    </div>
  );
}
