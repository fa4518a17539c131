/** The product's mark and name, as the headers show them (inside a link of the caller's). */
export function Logo({ markClassName = "text-sm" }: { markClassName?: string }) {
  return (
    <>
      <span
        aria-hidden="true"
        className={`rounded bg-zinc-900 px-1.5 py-0.5 font-mono text-white ${markClassName}`}
      >
        lk
      </span>
      Latchkey
    </>
  );
}
