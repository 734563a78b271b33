import { fileURLToPath } from 'node:url';
import type { Router } from 'express';
import { bundleBrowserScript } from '../../servers/demo/bundle.js';
import { FLEET_PAGE_PATH } from './chromium.js';

const ENTRY = fileURLToPath(new URL('../../clients/browser/fleet.ts', import.meta.url));

let page: Promise<string> | undefined;

/**
 * The browser fleet's page: the demo's browser clients (clients/browser/fleet.ts and what it imports) bundled as
 * the demo's page is, inlined, so the page is one request. Built once per process.
 */
export function fleetPageHtml(): Promise<string> {
  page ??= bundleBrowserScript(ENTRY).then(
    (script) =>
      '<!doctype html><html><head><meta charset="utf-8"><title>pushbench browser client</title>' +
      // No favicon request: the page asks the server for nothing but what the client itself sends.
      '<link rel="icon" href="data:,">' +
      `<script type="module">${script.replaceAll('</script', '<\\/script')}</script></head><body></body></html>`,
  );
  return page;
}

/**
 * Serves the fleet page on `routes` (a PushServer's extraRoutes): same origin as the strategies, as a web
 * application's page is, so the browser's requests are same-origin ones. Its bytes count as control traffic.
 */
export async function mountFleetPage(routes: Router): Promise<void> {
  const html = await fleetPageHtml();
  routes.get(FLEET_PAGE_PATH, (_req, res) => {
    res.type('html').send(html);
  });
}
