"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { cn } from "@/lib/cn";

const groups = [
  {
    title: "Organization settings",
    links: [
      { href: "/settings/general", label: "General" },
      { href: "/settings/members", label: "Members" },
      { href: "/settings/api-keys", label: "API & Integrations" },
      { href: "/settings/key-policy", label: "Key policy" },
      { href: "/settings/audit-log", label: "Audit log" },
    ],
  },
  { title: "Personal", links: [{ href: "/settings/account", label: "Your account" }] },
];

export function SettingsNav() {
  const pathname = usePathname();
  return (
    <nav aria-label="Settings" className="flex flex-wrap gap-x-6 gap-y-4 xl:flex-col">
      {groups.map((group) => (
        <div key={group.title}>
          <p className="mb-2 px-2 text-xs font-semibold tracking-wide text-zinc-500 uppercase">
            {group.title}
          </p>
          <div className="flex flex-wrap gap-1 xl:flex-col">
            {group.links.map((link) => {
              const active = pathname === link.href || pathname.startsWith(`${link.href}/`);
              return (
                <Link
                  key={link.href}
                  href={link.href}
                  aria-current={active ? "page" : undefined}
                  className={cn(
                    "rounded-md px-2 py-1.5 text-sm",
                    active
                      ? "bg-zinc-200/70 font-medium text-zinc-900"
                      : "text-zinc-600 hover:bg-zinc-100",
                  )}
                >
                  {link.label}
                </Link>
              );
            })}
          </div>
        </div>
      ))}
    </nav>
  );
}
