import type { Metadata } from "next";
import Link from "next/link";
import { SignInForm } from "./_components/sign-in-form";

export const metadata: Metadata = { title: "Sign in" };

export default function SignInPage() {
  return (
    <>
      <h1 className="mb-6 text-xl font-semibold">Sign in to Latchkey</h1>
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
