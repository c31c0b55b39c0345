/** The switch that turns Backstory off (or on again) for the current site. */
export function SiteSwitch(props: { host: string; enabled: boolean; onChange: (enabled: boolean) => void }) {
  return (
    <label class="site-switch">
      <input type="checkbox" role="switch" checked={props.enabled} onChange={(e) => props.onChange((e.target as HTMLInputElement).checked)} />{' '}
      {props.enabled ? 'On' : 'Off'} for <strong>{props.host}</strong>
    </label>
  );
}
