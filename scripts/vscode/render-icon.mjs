// Renders media/icon.png (the marketplace icon must be a PNG) with headless Chromium. Run once after changing the artwork.
import { chromium } from 'playwright-core';
const b = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox','--disable-gpu'] });
const p = await b.newPage({ viewport: { width: 128, height: 128 } });
await p.setContent(`<html><body style="margin:0;background:transparent">
<svg xmlns="http://www.w3.org/2000/svg" width="128" height="128" viewBox="0 0 24 24">
<rect width="24" height="24" rx="5" fill="#1f2a44"/>
<g fill="none" stroke-width="1.5" stroke-linecap="round">
<path d="M6 12h12" stroke="#f5a623"/>
<path d="M5.8 10.6C8 6.2 9 6.2 12 6.2s4 0 6.2 4.4" stroke="#5ab0ff"/>
<path d="M5.8 13.4C8 17.8 9 17.8 12 17.8s4 0 6.2-4.4" stroke="#7bd88f"/>
</g>
<circle cx="5" cy="12" r="1.9" fill="#ffffff"/><circle cx="19" cy="12" r="1.9" fill="#ffffff"/>
</svg></body></html>`);
await p.screenshot({ path: 'media/icon.png', omitBackground: true, clip: { x: 0, y: 0, width: 128, height: 128 } });
await b.close();
