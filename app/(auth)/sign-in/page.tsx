import type { Metadata } from "next";
import Link from "next/link";
import { SignInForm } from "./_components/sign-in-form";

export const metadata: Metadata = { title: "Sign in" };

/** Why the visitor was sent here, when a flow ended their session on purpose. */
const REASONS: Record<string, string> = {
  "password-changed": "Password changed. Sign in with your new password.",
};

export default async function SignInPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const reason = (await searchParams).reason;
  const notice =
    typeof reason === "string" && Object.hasOwn(REASONS, reason) ? REASONS[reason] : undefined;
  return (
    <>
      <h1 className="mb-6 text-xl font-semibold">Sign in to Latchkey</h1>
      {notice ? (
        <p
          role="status"
          className="mb-4 rounded-md border border-green-200 bg-green-50 px-3 py-2 text-sm text-green-800"
        >
          {notice}
        </p>
      ) : null}
      <SignInForm />
      <p className="mt-6 text-sm text-zinc-600">
        New here?{" "}
        <Link href="/sign-up" className="font-medium text-zinc-900 underline">
          Create an account
        </Link>
      </p>
    </>
  );
}
