import { render } from 'preact';
import { CorpusStatusView } from '../../components/CorpusStatusView';
import { callBackground } from '../../lib/extension/messages';
import './style.css';

const app = document.getElementById('app')!;
callBackground('getStatus', {}).then(
  (status) => render(<CorpusStatusView status={status} />, app),
  (e: unknown) => render(<CorpusStatusView error={e instanceof Error ? e.message : String(e)} />, app),
);
