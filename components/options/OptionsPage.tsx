import type { ComponentChildren } from 'preact';
import type { CorpusStatus } from '../../lib/corpus/reader';
import type { SyncStatus } from '../../lib/sync/sync';
import { CorpusStatusView } from '../CorpusStatusView';
import { ImportSection } from './ImportSection';
import { SyncSection, type SyncSectionProps } from './SyncSection';

/**
 * The options page: the corpus summary, then one section after another. Sections are components
 * with props in and callbacks out; a new one (site lists, type switches) is one more child.
 */
export function OptionsPage(props: {
  status?: CorpusStatus & { sync?: SyncStatus };
  error?: string;
  sync?: SyncSectionProps;
  onImport: (text: string) => Promise<string>;
  children?: ComponentChildren;
}) {
  return (
    <main class="options">
      <CorpusStatusView {...(props.status ? { status: props.status } : {})} {...(props.error ? { error: props.error } : {})} />
      {props.sync && <SyncSection {...props.sync} />}
      <ImportSection onImport={props.onImport} />
      {props.children}
    </main>
  );
}
