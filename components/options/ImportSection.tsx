import { useState } from 'preact/hooks';

/** Importing a bundle file by hand: checked like a download (signature, version) before it replaces the corpus. */
export function ImportSection(props: { onImport: (text: string) => Promise<string> }) {
  const [note, setNote] = useState<{ text: string; error: boolean } | undefined>();
  const onChange = async (e: Event) => {
    const input = e.currentTarget as HTMLInputElement;
    const file = input.files?.[0];
    if (!file) return;
    setNote(undefined);
    try {
      setNote({ text: await props.onImport(await file.text()), error: false });
    } catch (err) {
      setNote({ text: err instanceof Error ? err.message : String(err), error: true });
    } finally {
      input.value = '';
    }
  };
  return (
    <section class="options-section" data-testid="import-section">
      <h2>Import a bundle file</h2>
      <p class="hint">A .bsb file signed by this build's publisher or by your source's key, newer than the corpus in use.</p>
      <input type="file" accept=".bsb" onChange={onChange} data-testid="import-file" />
      {note && (
        <p class={note.error ? 'problem' : 'note'} role={note.error ? 'alert' : 'status'} data-testid="import-note">
          {note.text}
        </p>
      )}
    </section>
  );
}
