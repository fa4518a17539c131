import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { Card } from "@/components/ui/card";
import { getCurrentUser } from "@/lib/auth/session";
import { ChangePasswordForm } from "./_components/change-password-form";

export const metadata: Metadata = { title: "Your account" };

/** The signed-in user's own account: needs a session, not an organization. */
export default async function AccountPage() {
  const user = await getCurrentUser();
  if (!user) redirect("/sign-in");
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold">Your account</h1>
      <Card className="p-5">
        <dl className="grid grid-cols-[8rem_1fr] gap-y-2 text-sm">
          <dt className="text-zinc-500">Name</dt>
          <dd>{user.name}</dd>
          <dt className="text-zinc-500">Email</dt>
          <dd>{user.email}</dd>
        </dl>
      </Card>
      <Card className="space-y-4 p-5">
        <div>
          <h2 className="text-lg font-semibold">Change password</h2>
          <p className="text-sm text-zinc-600">
            Changing your password signs you out everywhere else; this browser stays signed in.
          </p>
        </div>
        <ChangePasswordForm />
      </Card>
    </div>
  );
}
