import { defineContentScript } from 'wxt/utils/define-content-script';
import { callBackground } from '../../lib/extension/messages';
import { createPageMarker } from '../../lib/page/marker';
import './style.css';

export default defineContentScript({
  matches: ['http://*/*', 'https://*/*'],
  runAt: 'document_idle',
  main(ctx) {
    const marker = createPageMarker(document, { find: (blocks) => callBackground('findMentions', { blocks }) });
    ctx.onInvalidated(marker.destroy);
  },
});
