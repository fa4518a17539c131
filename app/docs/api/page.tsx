import type { Metadata } from "next";
import type { ReactNode } from "react";
import { Logo } from "@/components/logo";
import { openApiDocument } from "@/lib/api/operations";
import {
  buildReference,
  type OperationView,
  PROBLEM_CODES,
  type ResponseView,
} from "@/lib/api/reference";
import { cn } from "@/lib/cn";
import { codeClass, Markdown, SchemaBlock, SchemaLink, TypeLabel } from "./_components/schema";

export const metadata: Metadata = { title: "API reference" };

const METHOD_CLASS: Record<string, string> = {
  get: "bg-green-50 text-green-700",
  post: "bg-blue-50 text-blue-700",
  put: "bg-amber-50 text-amber-700",
  patch: "bg-amber-50 text-amber-700",
  delete: "bg-red-50 text-red-700",
};

const linkClass = "text-blue-700 underline underline-offset-2";

function Method({ method }: { method: string }) {
  return (
    <span
      className={cn(
        "inline-block w-14 shrink-0 rounded px-1 text-center font-mono text-xs font-semibold",
        METHOD_CLASS[method],
      )}
    >
      {method.toUpperCase()}
    </span>
  );
}

function statusClass(status: string) {
  if (status.startsWith("2")) return "bg-green-50 text-green-700";
  if (status.startsWith("4")) return "bg-amber-50 text-amber-700";
  return "bg-red-50 text-red-700";
}

/**
 * The API reference, rendered on the server from the OpenAPI document the app serves at
 * /api/v1/openapi.json: no script, nothing from another host, plain links for navigation.
 */
export default function ApiReferencePage() {
  const ref = buildReference(openApiDocument());
  return (
    <div className="min-h-screen bg-white">
      <a
        href="#reference"
        className="sr-only rounded bg-zinc-900 px-3 py-2 text-white focus:not-sr-only focus:absolute focus:top-2 focus:left-2"
      >
        Skip to the reference
      </a>
      <header className="border-b border-zinc-200 bg-zinc-50">
        <div className="mx-auto flex max-w-7xl flex-wrap items-center gap-x-4 gap-y-1 px-4 py-3">
          <a href="/" className="flex items-center gap-2 font-semibold">
            <Logo markClassName="" />
          </a>
          <span className="text-zinc-600">API reference</span>
          <a href="/api/v1/openapi.json" className={cn(linkClass, "ml-auto text-sm")}>
            OpenAPI document (JSON)
          </a>
        </div>
      </header>
      <div className="mx-auto flex max-w-7xl flex-col lg:flex-row">
        <nav
          aria-label="API reference"
          className="border-b border-zinc-200 px-4 py-4 text-sm lg:sticky lg:top-0 lg:h-screen lg:w-80 lg:shrink-0 lg:overflow-y-auto lg:border-r lg:border-b-0 lg:py-6"
        >
          <ul className="space-y-4">
            <li>
              <a href="#authentication" className="font-semibold hover:underline">
                Authentication
              </a>
            </li>
            {ref.tags.map((tag) => (
              <li key={tag.id}>
                <a href={`#${tag.id}`} className="font-semibold hover:underline">
                  {tag.name}
                </a>
                <ul className="mt-1 space-y-1">
                  {tag.operations.map((op) => (
                    <li key={op.id}>
                      <a
                        href={`#${op.id}`}
                        className="flex items-baseline gap-2 rounded px-1 py-0.5 hover:bg-zinc-100"
                      >
                        <Method method={op.method} />
                        <span className="min-w-0 break-words text-zinc-700">{op.summary}</span>
                      </a>
                    </li>
                  ))}
                </ul>
              </li>
            ))}
            <li>
              <a href="#errors" className="font-semibold hover:underline">
                Errors
              </a>
            </li>
            <li>
              <a href="#schemas" className="font-semibold hover:underline">
                Schemas
              </a>
            </li>
          </ul>
        </nav>
        <main id="reference" className="min-w-0 flex-1 px-4 py-8 sm:px-8">
          <div className="max-w-4xl space-y-3">
            <h1 className="text-3xl font-semibold">{ref.title}</h1>
            <p className="flex flex-wrap gap-x-3 text-sm text-zinc-600">
              <span>Version {ref.version}</span>
              <span>OpenAPI 3.1</span>
              {ref.license ? <span>License: {ref.license}</span> : null}
            </p>
            {ref.description ? <Markdown text={ref.description} /> : null}
          </div>

          <Section id="authentication" title="Authentication" className="max-w-4xl space-y-3">
            <p>Routes that need a key take it in either header:</p>
            <ul className="list-disc space-y-1 pl-6">
              {ref.auth.map((scheme) => (
                <li key={scheme.id}>
                  <code className={codeClass}>{scheme.label}</code>
                  {scheme.description ? ` — ${scheme.description}` : null}
                </li>
              ))}
            </ul>
            <p>
              Each operation names the scopes its key must hold. Keyed responses carry{" "}
              <code className={codeClass}>RateLimit-Limit</code>,{" "}
              <code className={codeClass}>RateLimit-Remaining</code> and{" "}
              <code className={codeClass}>RateLimit-Reset</code>. Errors are problem details; see{" "}
              <a href="#errors" className={linkClass}>
                Errors
              </a>
              .
            </p>
          </Section>

          {ref.tags.map((tag) => (
            <Section key={tag.id} id={tag.id} title={tag.name}>
              {tag.description ? (
                <Markdown text={tag.description} className="mt-2 text-zinc-600" />
              ) : null}
              {tag.operations.map((op) => (
                <Operation key={op.id} op={op} />
              ))}
            </Section>
          ))}

          <Section id="errors" title="Errors" className="max-w-4xl space-y-3">
            <p>
              Every error is an RFC 9457 problem (
              <code className={codeClass}>application/problem+json</code>, schema{" "}
              <SchemaLink name="Problem" />) with a <code className={codeClass}>code</code>; its{" "}
              <code className={codeClass}>type</code> links to the code's entry below.
            </p>
            <dl className="divide-y divide-zinc-200 rounded border border-zinc-200 bg-white">
              {Object.entries(PROBLEM_CODES)
                .sort(([, a], [, b]) => a.status - b.status)
                .map(([code, { status, text }]) => (
                  <div key={code} id={`error-${code}`} className="scroll-mt-4 px-3 py-2">
                    <dt className="flex items-baseline gap-2">
                      <span
                        className={cn(
                          "rounded px-1 font-mono text-xs",
                          statusClass(String(status)),
                        )}
                      >
                        {status}
                      </span>
                      <code className="font-mono font-semibold">{code}</code>
                    </dt>
                    <dd className="text-sm text-zinc-700">{text}</dd>
                  </div>
                ))}
            </dl>
          </Section>

          <Section id="schemas" title="Schemas" className="max-w-4xl">
            {ref.schemas.map(({ name, schema }) => (
              <section
                key={name}
                id={`schema-${name}`}
                aria-labelledby={`schema-${name}-title`}
                className="mt-6 scroll-mt-4 space-y-2"
              >
                <h3 id={`schema-${name}-title`} className="font-mono text-lg font-semibold">
                  {name}
                </h3>
                <SchemaBlock view={schema} />
              </section>
            ))}
          </Section>
        </main>
      </div>
    </div>
  );
}

/** A top-level part of the reference: an anchor, and a heading that names the region. */
function Section({
  id,
  title,
  className,
  children,
}: {
  id: string;
  title: string;
  className?: string;
  children: ReactNode;
}) {
  return (
    <section id={id} aria-labelledby={`${id}-title`} className={cn("mt-12 scroll-mt-4", className)}>
      <h2 id={`${id}-title`} className="text-2xl font-semibold">
        {title}
      </h2>
      {children}
    </section>
  );
}

function Operation({ op }: { op: OperationView }) {
  return (
    <section
      id={op.id}
      aria-labelledby={`${op.id}-title`}
      className="mt-8 max-w-4xl scroll-mt-4 space-y-4 border-t border-zinc-200 pt-6"
    >
      <h3 id={`${op.id}-title`} className="text-xl font-semibold">
        {op.summary}
      </h3>
      <p className="flex flex-wrap items-center gap-2">
        <Method method={op.method} /> <code className="font-mono text-sm break-all">{op.path}</code>
      </p>
      {op.scopes === null ? null : (
        <p className="text-sm">
          <a href="#authentication" className={linkClass}>
            Needs an API key
          </a>
        </p>
      )}
      {op.description ? <Markdown text={op.description} /> : null}

      {op.parameters.length ? (
        <div className="space-y-2">
          <h4 className="font-semibold">Parameters</h4>
          <div className="overflow-x-auto rounded border border-zinc-200 bg-white">
            <table className="w-full text-left text-sm">
              <thead className="border-b border-zinc-200 bg-zinc-50 text-xs text-zinc-600 uppercase">
                <tr>
                  <th scope="col" className="px-3 py-2 font-medium">
                    Name
                  </th>
                  <th scope="col" className="px-3 py-2 font-medium">
                    In
                  </th>
                  <th scope="col" className="px-3 py-2 font-medium">
                    Type
                  </th>
                  <th scope="col" className="px-3 py-2 font-medium">
                    Description
                  </th>
                </tr>
              </thead>
              <tbody className="divide-y divide-zinc-200">
                {op.parameters.map((p) => (
                  <tr key={`${p.in}-${p.name}`} className="align-top">
                    <td className="px-3 py-2">
                      <code className="font-mono font-semibold">{p.name}</code>
                      {p.required ? (
                        <span className="ml-2 rounded bg-red-50 px-1 text-xs font-medium text-red-700">
                          required
                        </span>
                      ) : null}
                    </td>
                    <td className="px-3 py-2">{p.in}</td>
                    <td className="px-3 py-2">
                      <TypeLabel view={p.schema} />
                    </td>
                    <td className="space-y-1 px-3 py-2">
                      {p.description ? <Markdown text={p.description} /> : null}
                      {p.schema.enum?.length ? (
                        <p>
                          One of:{" "}
                          {p.schema.enum.map((v, i) => (
                            <span key={String(v)}>
                              {i > 0 && ", "}
                              <code className={codeClass}>{String(v)}</code>
                            </span>
                          ))}
                        </p>
                      ) : null}
                      {p.schema.constraints.length ? (
                        <p className="text-zinc-600">{p.schema.constraints.join(" · ")}</p>
                      ) : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </div>
      ) : null}

      {op.body ? (
        <div className="space-y-2">
          <h4 className="font-semibold">Request body</h4>
          <p className="text-sm text-zinc-600">
            <code className={codeClass}>{op.body.mediaType}</code>
            {op.body.required ? ", required" : ", optional"}
          </p>
          <SchemaBlock view={op.body.schema} />
        </div>
      ) : null}

      <div className="space-y-2">
        <h4 className="font-semibold">Responses</h4>
        <ul className="space-y-3">
          {op.responses.map((r) => (
            <Response key={r.status} response={r} />
          ))}
        </ul>
      </div>
    </section>
  );
}

function Response({ response: r }: { response: ResponseView }) {
  return (
    <li className="space-y-2 rounded border border-zinc-200 bg-white p-3">
      <div className="flex flex-wrap items-baseline gap-2">
        <span
          className={cn("rounded px-1.5 font-mono text-sm font-semibold", statusClass(r.status))}
        >
          {r.status}
        </span>
        <Markdown text={r.description} className="text-sm" />
      </div>
      {r.mediaType ? (
        <p className="text-sm text-zinc-600">
          <code className={codeClass}>{r.mediaType}</code>
        </p>
      ) : null}
      {r.problem ? (
        <p className="text-sm">
          A problem (<SchemaLink name="Problem" />
          ); its <code className={codeClass}>code</code> is listed under{" "}
          <a href="#errors" className={linkClass}>
            Errors
          </a>
          .
        </p>
      ) : r.schema ? (
        <SchemaBlock view={r.schema} />
      ) : null}
      {r.headers.length ? (
        <p className="text-sm text-zinc-600">
          Headers:{" "}
          {r.headers.map((h, i) => (
            <span key={h.name}>
              {i > 0 && ", "}
              <code className={codeClass}>{h.name}</code>
              {h.description ? ` (${h.description.replace(/\.$/, "")})` : null}
            </span>
          ))}
        </p>
      ) : null}
    </li>
  );
}
