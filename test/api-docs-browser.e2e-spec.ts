import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH, describeChromium } from './support/chromium';
import { documentedRoutes } from './support/app-routes';
import { useTestApp } from './support/test-app';
import { useTestDatabase } from './support/test-database';

const ARTIFACTS = path.join(__dirname, 'artifacts');

describeChromium('/docs in headless Chromium', () => {
  const db = useTestDatabase();
  const app = useTestApp(db, { MOLECULE_ORG_ID: '7f1f0b1e-2f7c-4c55-9a57-0d3c1f6d2a11' });
  let userDataDir: string;
  let browser: BrowserContext;

  beforeAll(async () => {
    userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'molecule-chromium-'));
    browser = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM_PATH,
      args: CHROMIUM_ARGS,
      headless: true,
      viewport: { width: 1400, height: 900 },
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    fs.rmSync(userDataDir, { recursive: true, force: true });
  });

  it('renders every documented operation from local assets, with no console error', async () => {
    const document = (await app.http.get('/openapi.json')).body as {
      paths: Record<string, object>;
    };
    const operations = documentedRoutes(document).length;

    const page = await browser.newPage();
    const problems: string[] = [];
    const foreign: string[] = [];
    page.on('console', (msg) => {
      if (msg.type() === 'error') problems.push(msg.text());
    });
    page.on('pageerror', (err) => problems.push(String(err)));
    page.on('request', (req) => {
      if (!req.url().startsWith(app.baseUrl) && !req.url().startsWith('data:'))
        foreign.push(req.url());
    });

    // No tenant header: the docs stay open in SaaS mode, like /health.
    const res = await page.goto(`${app.baseUrl}/docs`, { waitUntil: 'load' });
    expect(res?.status()).toBe(200);
    await page.waitForSelector('.opblock', { timeout: 20_000 });
    const rendered = await page.locator('.opblock').count();
    expect(rendered).toBe(operations);
    expect(await page.locator('.info .title').innerText()).toContain('Molecule platform server');

    fs.mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, 'api-docs.png'), fullPage: true });
    expect(problems).toEqual([]);
    expect(foreign).toEqual([]);
  }, 60_000);
});
