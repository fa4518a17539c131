import Link from "next/link";
import { redirect } from "next/navigation";
import type { ReactNode } from "react";
import { CenteredCard } from "@/components/centered-card";
import { Logo } from "@/components/logo";
import { SignOutButton } from "@/components/sign-out-button";
import { getCurrentUser, getOrgContext } from "@/lib/auth/session";
import { OrgSwitcher } from "./_components/org-switcher";

/**
 * The signed-in chrome. A user without an active organization (none at all, or the one chosen is
 * no longer theirs) still gets here, without the chrome, for /welcome; every other page asks for
 * the org context itself and sends such a user to /welcome.
 */
export default async function AppLayout({ children }: { children: ReactNode }) {
  const ctx = await getOrgContext();
  if (!ctx) {
    if (!(await getCurrentUser())) redirect("/sign-in");
    return <CenteredCard>{children}</CenteredCard>;
  }
  return (
    <div className="min-h-screen">
      <header className="border-b border-zinc-200 bg-white">
        <div className="mx-auto flex min-h-14 max-w-7xl flex-wrap items-center gap-x-4 gap-y-2 px-4 py-2">
          <Link href="/" className="flex items-center gap-2 font-semibold">
            <Logo />
          </Link>
          <OrgSwitcher
            current={ctx.organizationId}
            organizations={ctx.memberships.map((m) => ({
              id: m.organizationId,
              name: m.organizationName,
              role: m.role,
            }))}
          />
          <nav aria-label="Main" className="ml-2 flex items-center gap-1 text-sm">
            <Link
              href="/"
              className="rounded px-2 py-1 text-zinc-600 hover:bg-zinc-100 hover:text-zinc-900"
            >
              Overview
            </Link>
            <Link
              href="/settings/api-keys"
              className="rounded px-2 py-1 text-zinc-600 hover:bg-zinc-100 hover:text-zinc-900"
            >
              Settings
            </Link>
          </nav>
          <div className="ml-auto flex items-center gap-3 text-sm">
            <span className="hidden text-zinc-600 sm:inline" title={ctx.user.email}>
              {ctx.user.name}
            </span>
            <SignOutButton />
          </div>
        </div>
      </header>
      <main className="mx-auto max-w-7xl px-4 py-8">{children}</main>
    </div>
  );
}
