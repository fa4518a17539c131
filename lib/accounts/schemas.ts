import { z } from "zod";
import { ROLES } from "@/db/enums";
import { plainText } from "@/lib/input";

export const emailSchema = z
  .string({ error: "Enter your email." })
  .trim()
  .toLowerCase()
  .min(1, "Enter your email.")
  .max(254, "Email must be at most 254 characters.")
  .pipe(z.email("Enter a valid email address."));

/** A new password: control characters or lone surrogates would not survive as typed. */
export const passwordSchema = plainText(
  z
    .string({ error: "Enter a password." })
    .min(8, "Password must be at least 8 characters.")
    .max(256, "Password must be at most 256 characters."),
);

export const personNameSchema = plainText(
  z
    .string({ error: "Enter your name." })
    .trim()
    .min(1, "Enter your name.")
    .max(100, "Name must be at most 100 characters."),
);

export const organizationNameSchema = plainText(
  z
    .string({ error: "Enter an organization name." })
    .trim()
    .min(1, "Enter an organization name.")
    .max(100, "Organization name must be at most 100 characters."),
);

export const roleSchema = z.enum(ROLES, { error: "Choose a role." });

export const signUpSchema = z.object({
  name: personNameSchema,
  email: emailSchema,
  password: passwordSchema,
  organization: organizationNameSchema,
});

export const signInSchema = z.object({
  email: plainText(
    z.string({ error: "Enter your email." }).trim().min(1, "Enter your email.").max(254),
  ),
  password: z.string({ error: "Enter your password." }).min(1, "Enter your password.").max(1024),
});

export const changePasswordSchema = z
  .object({
    currentPassword: z
      .string({ error: "Enter your current password." })
      .min(1, "Enter your current password.")
      .max(1024, "Current password is incorrect"),
    newPassword: passwordSchema,
    confirmPassword: z.string({ error: "Confirm the new password." }),
  })
  .refine((v) => v.newPassword === v.confirmPassword, {
    path: ["confirmPassword"],
    message: "The passwords do not match.",
    // Also when another field is wrong: every mistake shows at once.
    when: (payload) =>
      typeof (payload.value as { newPassword?: unknown }).newPassword === "string" &&
      typeof (payload.value as { confirmPassword?: unknown }).confirmPassword === "string",
  });
