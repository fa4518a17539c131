"use server";

import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { getDb } from "@/db";
import { setPasswordAndEndSessions } from "@/db/queries/users";
import { changePasswordSchema } from "@/lib/accounts/schemas";
import { ActionError, ok, userAction } from "@/lib/actions/safe-action";
import { reissueSession, signOutAndRedirect } from "@/lib/auth/auth-js";
import { checkCredentials } from "@/lib/auth/credentials";
import { hashPassword } from "@/lib/auth/password";
import { getClientIp } from "@/lib/net/client-ip";

/**
 * Changes the signed-in user's password and ends every other session. The current password is
 * checked like a sign-in (same attempts per email and IP, spent before argon2 runs); the new hash
 * and the bumped session version are written together, and this session's cookie is re-issued
 * with the new version so it keeps working. Not in the audit log: that is each organization's
 * record of its keys, members and policy, and a user's own password belongs to no organization.
 */
export const changePassword = userAction({ schema: changePasswordSchema }, async (input, user) => {
  const ip = getClientIp(await headers());
  const checked = await checkCredentials(user.email, input.currentPassword, ip);
  if (!checked.ok) {
    if (checked.reason === "rate_limited") {
      throw new ActionError(
        "forbidden",
        "Too many failed password attempts. Wait a few minutes and try again.",
      );
    }
    throw new ActionError("invalid_input", "Check the highlighted fields.", {
      currentPassword: ["Current password is incorrect"],
    });
  }
  if (checked.user.id !== user.id) throw new ActionError("error", "Something went wrong.");
  if (input.newPassword === input.currentPassword) {
    throw new ActionError("invalid_input", "Check the highlighted fields.", {
      newPassword: ["Choose a password different from the current one."],
    });
  }

  const passwordHash = await hashPassword(input.newPassword);
  const version = await setPasswordAndEndSessions(
    getDb(),
    user.id,
    user.sessionVersion,
    passwordHash,
  );
  if (version === null) {
    // This session ended while the hash was computed: nothing was changed.
    return { ok: false, code: "unauthenticated", error: "Your session has ended. Sign in again." };
  }
  if (!(await reissueSession(user.id, user.sessionVersion, version))) {
    // The cookie could not be re-issued: this session has ended like the others.
    await signOutAndRedirect("/sign-in?reason=password-changed");
    redirect("/sign-in?reason=password-changed");
  }
  return ok(null, "Password changed. Your other sessions have been signed out.");
});
