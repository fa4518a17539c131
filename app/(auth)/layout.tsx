import type { ReactNode } from "react";
import { CenteredCard } from "@/components/centered-card";

export default function AuthLayout({ children }: { children: ReactNode }) {
  return <CenteredCard>{children}</CenteredCard>;
}
