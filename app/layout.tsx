import type { Metadata } from "next";
import { connection } from "next/server";
import type { ReactNode } from "react";
import { Toaster } from "sonner";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Latchkey", template: "%s · Latchkey" },
  description: "API key management for your product's public API.",
  icons: { icon: { url: "/icon.svg", type: "image/svg+xml" } },
  robots: { index: false, follow: false },
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  // Rendered per request: the CSP nonce from proxy.ts is new each time, so no page can be static.
  await connection();
  return (
    <html lang="en">
      <body className="min-h-screen">
        {children}
        <Toaster position="bottom-right" richColors closeButton theme="system" />
      </body>
    </html>
  );
}
