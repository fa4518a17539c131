import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { SignOutButton } from "@/components/sign-out-button";
import { Card } from "@/components/ui/card";
import { getOrgSelection } from "@/lib/auth/session";
import { CreateOrganizationForm } from "./_components/create-organization-form";
import { OrganizationPicker } from "./_components/organization-picker";

export async function generateMetadata(): Promise<Metadata> {
  const selection = await getOrgSelection();
  return {
    title:
      selection.kind === "lost" && selection.memberships.length > 0
        ? "Choose an organization"
        : "Create an organization",
  };
}

/**
 * Where a signed-in user without an active organization lands: without any (e.g. after being
 * removed from one), or whose chosen organization is no longer theirs, which they are told and
 * asked to choose another (nothing is shown or changed in one they did not choose). A member of
 * some organizations also creates another one here.
 */
export default async function WelcomePage() {
  const selection = await getOrgSelection();
  if (selection.kind === "signed_out") redirect("/sign-in");
  if (selection.kind === "active") {
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
  const lost = selection.kind === "lost";
  const remaining = lost ? selection.memberships : [];
  return (
    <>
      {lost ? (
        <p
          role="status"
          className="mb-5 rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900"
        >
          You are no longer a member of that organization.
        </p>
      ) : null}
      {remaining.length > 0 ? (
        <>
          <h1 className="mb-1 text-xl font-semibold">Choose an organization</h1>
          <p className="mb-4 text-sm text-zinc-600">Continue in one of your organizations:</p>
          <OrganizationPicker
            organizations={remaining.map((m) => ({
              id: m.organizationId,
              name: m.organizationName,
              role: m.role,
            }))}
          />
          <h2 className="mt-6 mb-3 text-base font-semibold">Or create an organization</h2>
        </>
      ) : (
        <>
          <h1 className="mb-1 text-xl font-semibold">You are not in any organization</h1>
          <p className="mb-6 text-sm text-zinc-600">
            Ask an owner or admin to add {selection.user.email}, or create your own organization.
          </p>
        </>
      )}
      <CreateOrganizationForm />
      <div className="mt-6 flex justify-end">
        <SignOutButton />
      </div>
    </>
  );
}
