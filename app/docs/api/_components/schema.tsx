import type { ReactNode } from "react";
import { type FieldView, inlineMarkdown, type SchemaView, typeLabel } from "@/lib/api/reference";
import { cn } from "@/lib/cn";

export const codeClass = "rounded bg-zinc-100 px-1 py-0.5 font-mono text-[0.85em] text-zinc-800";

/** A description: paragraphs, with `code` spans (the only markup the document uses). */
export function Markdown({ text, className }: { text: string; className?: string }) {
  return (
    <div className={cn("space-y-2", className)}>
      {inlineMarkdown(text).map((paragraph, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: paragraphs of a fixed text.
        <p key={i}>
          {paragraph.map((part, j) =>
            part.code ? (
              // biome-ignore lint/suspicious/noArrayIndexKey: runs of a fixed text.
              <code key={j} className={codeClass}>
                {part.text}
              </code>
            ) : (
              part.text
            ),
          )}
        </p>
      ))}
    </div>
  );
}

export function SchemaLink({ name }: { name: string }) {
  return (
    <a href={`#schema-${name}`} className="font-mono text-blue-700 underline underline-offset-2">
      {name}
    </a>
  );
}

/** `array of ApiKey` with the schema name as a link. */
export function TypeLabel({ view }: { view: SchemaView }) {
  if (view.type === "array" && view.items) {
    return (
      <>
        array of <TypeLabel view={view.items} />
      </>
    );
  }
  if (view.ref) return <SchemaLink name={view.ref} />;
  return <span className="font-mono">{typeLabel(view)}</span>;
}

function Details({ view }: { view: SchemaView }) {
  const values = view.enum ?? (view.type === "array" ? view.items?.enum : undefined);
  const constraints = [
    ...view.constraints,
    ...(view.type === "array" && view.items ? view.items.constraints.map((c) => `each: ${c}`) : []),
  ];
  return (
    <>
      {values?.length ? (
        <p>
          One of:{" "}
          {values.map((v, i) => (
            <span key={JSON.stringify(v)}>
              {i > 0 && ", "}
              <code className={codeClass}>{typeof v === "string" ? v : JSON.stringify(v)}</code>
            </span>
          ))}
        </p>
      ) : null}
      {constraints.length ? <p className="text-zinc-600">{constraints.join(" · ")}</p> : null}
      {view.examples.map((example) => (
        <Example key={JSON.stringify(example)} value={example} />
      ))}
    </>
  );
}

export function Example({ value }: { value: unknown }) {
  return (
    <div>
      <p className="text-zinc-600">Example</p>
      <pre className="mt-1 overflow-x-auto rounded bg-zinc-100 p-3 font-mono text-xs text-zinc-800">
        {JSON.stringify(value, null, 2)}
      </pre>
    </div>
  );
}

/** The fields an object (or each item of an array, or each value of a map) has. */
function nestedFields(view: SchemaView): FieldView[] | undefined {
  if (view.linkOnly) return undefined;
  return view.fields ?? view.items?.fields ?? view.values?.fields;
}

function Marker({ children, strong }: { children: ReactNode; strong?: boolean }) {
  return (
    <span
      className={cn(
        "rounded px-1 text-xs",
        strong ? "bg-red-50 font-medium text-red-700" : "bg-zinc-100 text-zinc-600",
      )}
    >
      {children}
    </span>
  );
}

export function FieldList({ fields }: { fields: FieldView[] }) {
  return (
    <dl className="divide-y divide-zinc-200 rounded border border-zinc-200 bg-white">
      {fields.map((field) => (
        <div key={field.name} className="space-y-1 px-3 py-2">
          <dt className="flex flex-wrap items-baseline gap-x-2 gap-y-1">
            <code className="font-mono font-semibold">{field.name}</code>
            <span className="text-sm text-zinc-600">
              <TypeLabel view={field.schema} />
            </span>
            {field.required ? <Marker strong>required</Marker> : <Marker>optional</Marker>}
            {field.schema.nullable ? <Marker>nullable</Marker> : null}
          </dt>
          <dd className="space-y-1 text-sm">
            {field.schema.description ? <Markdown text={field.schema.description} /> : null}
            <Details view={field.schema} />
            <Nested view={field.schema} />
          </dd>
        </div>
      ))}
    </dl>
  );
}

function Nested({ view, indent = true }: { view: SchemaView; indent?: boolean }) {
  const fields = nestedFields(view);
  if (view.variants) return <Variants variants={view.variants} />;
  if (!fields?.length) return null;
  return (
    <div className={indent ? "mt-2 border-l-2 border-zinc-200 pl-3" : undefined}>
      <FieldList fields={fields} />
    </div>
  );
}

function Variants({ variants }: { variants: SchemaView[] }) {
  return (
    <div className="space-y-2">
      <p className="text-zinc-600">One of these shapes:</p>
      <ol className="list-decimal space-y-3 pl-6">
        {variants.map((variant, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: the variants of a fixed schema.
          <li key={i} className="space-y-2">
            <SchemaBlock view={variant} />
          </li>
        ))}
      </ol>
    </div>
  );
}

/** A whole schema: its type (linked when named), words, limits and fields. */
export function SchemaBlock({
  view,
  showDescription = true,
}: {
  view: SchemaView;
  showDescription?: boolean;
}) {
  return (
    <div className="space-y-2 text-sm">
      <p className="text-zinc-600">
        Schema: <TypeLabel view={view} />
        {view.nullable ? " or null" : null}
      </p>
      {showDescription && view.description ? <Markdown text={view.description} /> : null}
      <Details view={view} />
      <Nested view={view} indent={false} />
    </div>
  );
}
