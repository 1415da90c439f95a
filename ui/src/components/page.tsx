// A page's frame: the document title, one h1, and the focus moved to it after a navigation so that
// keyboard and screen-reader users start reading at the new page (not on the first load).
import { useEffect, useRef, type ReactNode } from "react";

let firstPage = true;

export function Page({ title, heading, children, narrow }: { title: string; heading?: ReactNode; children: ReactNode; narrow?: boolean }) {
  const h1 = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${title} · edgechecks`;
  }, [title]);
  useEffect(() => {
    if (firstPage) firstPage = false;
    else h1.current?.focus();
  }, []);
  return (
    <div className={narrow ? "page narrow" : "page"}>
      <h1 ref={h1} tabIndex={-1}>
        {heading ?? title}
      </h1>
      {children}
    </div>
  );
}

/** A card of a page, labelled by its heading; `danger` for what cannot be undone. */
export function Section({ id, title, children, danger }: { id: string; title: string; children: ReactNode; danger?: boolean }) {
  return (
    <section className={danger ? "card danger-zone" : "card"} aria-labelledby={`${id}-title`} id={id}>
      <h2 id={`${id}-title`}>{title}</h2>
      {children}
    </section>
  );
}
