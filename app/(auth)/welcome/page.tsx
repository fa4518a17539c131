import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { SignOutButton } from "@/components/sign-out-button";
import { getCurrentUser, getOrgContext } from "@/lib/auth/session";
import { CreateOrganizationForm } from "./create-organization-form";

export const metadata: Metadata = { title: "Create an organization" };

/** Where a signed-in user without any organization lands (e.g. after being removed from one). */
export default async function WelcomePage() {
  const user = await getCurrentUser();
  if (!user) redirect("/sign-in");
  if (await getOrgContext()) redirect("/");
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
