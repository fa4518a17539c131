import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { SignOutButton } from "@/components/sign-out-button";
import { Card } from "@/components/ui/card";
import { getCurrentUser, getOrgContext } from "@/lib/auth/session";
import { CreateOrganizationForm } from "./_components/create-organization-form";

export const metadata: Metadata = { title: "Create an organization" };

/**
 * Where a signed-in user without any organization lands (e.g. after being removed from one), and
 * where a member of some organizations creates another.
 */
export default async function WelcomePage() {
  const user = await getCurrentUser();
  if (!user) redirect("/sign-in");
  if (await getOrgContext()) {
    return (
      <Card className="mx-auto max-w-sm p-6">
        <h1 className="mb-6 text-xl font-semibold">Create an organization</h1>
        <CreateOrganizationForm />
        <p className="mt-6 text-sm">
          <Link href="/" className="underline">
            Back to the overview
          </Link>
        </p>
      </Card>
    );
  }
  return (
    <>
      <h1 className="mb-1 text-xl font-semibold">You are not in any organization</h1>
      <p className="mb-6 text-sm text-zinc-600">
        Ask an owner or admin to add {user.email}, or create your own organization.
      </p>
      <CreateOrganizationForm />
      <div className="mt-6 flex justify-end">
        <SignOutButton />
      </div>
    </>
  );
}
