export function BestPractices() {
  return (
    <section
      aria-labelledby="best-practices"
      className="rounded-lg border border-zinc-200 bg-white p-5"
    >
      <h2 id="best-practices" className="text-base font-semibold">
        Keeping keys safe
      </h2>
      <ul className="mt-2 list-disc space-y-1 pl-5 text-sm text-zinc-600">
        <li>
          Treat keys like passwords: never commit them or put them in client-side code; use
          environment variables or a secret manager.
        </li>
        <li>
          Use separate keys for live and test, and one key per integration, so each can be revoked
          on its own.
        </li>
        <li>Grant only the scopes a key needs, and restrict production keys to known IPs.</li>
        <li>
          Rotate keys regularly: create a new key, update your integration, then revoke the old one.
        </li>
        <li>
          Check “Last used” before revoking a key, and disable keys you are unsure about first.
        </li>
      </ul>
    </section>
  );
}
