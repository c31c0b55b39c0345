import { render } from 'preact';
import { MarkingSection } from '../../components/options/MarkingSection';
import { OptionsPage } from '../../components/options/OptionsPage';
import { SitesSection } from '../../components/options/SitesSection';
import { callBackground, type StatusWithSync, type SyncSettingsView } from '../../lib/extension/messages';
import { getSettings, updateSettings } from '../../lib/extension/settings';
import { requestSourcePermission } from '../../lib/extension/sync-state';
import type { SyncSource } from '../../lib/sync/sync';
import './style.css';

const app = document.getElementById('app')!;

/** Renders the page from the background's answers; called again after anything changes. */
async function refresh(): Promise<void> {
  let status: StatusWithSync | undefined;
  let error: string | undefined;
  let settings: SyncSettingsView | undefined;
  // Reader preferences live in extension storage and survive bundle and extension updates.
  const prefs = await getSettings();
  try {
    [status, settings] = await Promise.all([callBackground('getStatus', {}), callBackground('getSyncSettings', {})]);
  } catch (e) {
    error = e instanceof Error ? e.message : String(e);
  }
  const onSave = async (source: SyncSource | null, intervalMinutes: number): Promise<string> => {
    // Asked first, while the click still counts as the reader's gesture; the source is saved while the
    // browser's prompt is open (an unanswered prompt must not lose it).
    const permission = source ? requestSourcePermission(source.manifestUrl) : Promise.resolve(true);
    await callBackground('setSyncSource', { source, intervalMinutes });
    const granted = await Promise.race([permission, new Promise<undefined>((ok) => setTimeout(ok, 1500))]);
    await refresh();
    if (!source) return 'The source was removed; the corpus in use stays.';
    if (granted === undefined) return "Saved; answer the browser's prompt to let Backstory read that site (without it, the site must send CORS headers).";
    return granted
      ? 'Saved. Press "Sync now" or wait for the next check.'
      : 'Saved, without permission to read that site: it must send CORS headers (Access-Control-Allow-Origin) for updates to arrive.';
  };
  const onSyncNow = async (): Promise<void> => {
    await callBackground('syncNow', {});
    await refresh();
  };
  const onImport = async (text: string): Promise<string> => {
    const after = await callBackground('importBundleFile', { text });
    await refresh();
    return `Imported version ${after.info.corpus.version} of ${after.info.corpus.name}.`;
  };
  render(
    <OptionsPage
      {...(status ? { status } : {})}
      {...(error ? { error } : {})}
      {...(settings
        ? {
            sync: {
              source: settings.source,
              builtIn: settings.builtIn,
              intervalMinutes: settings.intervalMinutes,
              ...(settings.status ? { status: settings.status } : {}),
              onSave,
              onSyncNow,
            },
          }
        : {})}
      onImport={onImport}
    >
      <MarkingSection
        value={{ markMode: prefs.markMode, disabledTypes: prefs.disabledTypes }}
        onChange={(v) => void updateSettings(v).then(refresh)}
      />
      <SitesSection
        key={`${prefs.allowSites.join()}|${prefs.denySites.join()}`}
        value={{ allowSites: prefs.allowSites, denySites: prefs.denySites }}
        onChange={(v) => void updateSettings(v).then(refresh)}
      />
    </OptionsPage>,
    app,
  );
}

void refresh();
