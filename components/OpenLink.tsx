import type { ComponentChildren } from 'preact';

/** A link that opens a corpus passage in the reader (through the extension, not the page's navigation). */
export function OpenLink(props: { documentId: string; passageId: string; onOpen: (documentId: string, passageId: string) => void; class?: string; children: ComponentChildren }) {
  return (
    <a
      href="#"
      class={props.class}
      onClick={(e) => {
        e.preventDefault();
        props.onOpen(props.documentId, props.passageId);
      }}
    >
      {props.children}
    </a>
  );
}
