import { SubmitButton } from "@/components/ui/button";
import { signOut } from "@/lib/actions/sign-out";

export function SignOutButton() {
  return (
    <form action={signOut}>
      <SubmitButton variant="secondary" size="sm">
        Sign out
      </SubmitButton>
    </form>
  );
}
